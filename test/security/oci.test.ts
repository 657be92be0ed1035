import type { TerraformStack } from 'cdktf';
import { TerraformVariable } from 'cdktf';
import { describe, expect, test } from 'vitest';
import { ALL_RULES, OCI_RULES, OciIdentityDomainConfidentialApp, RuleLevel, Suppressions } from '../../constructs';
import type { M2mAuthorizationServer, OciJwtApiDeployment } from '../../constructs';
import { checkStack } from '../util';
import { COMPARTMENT_ID, GATEWAY_ID, OCI_AUDIENCE, OCI_ISSUER, OCI_JWKS_URI, ociResourceServer, ociTestStack, seedDeployment } from '../constructs/oci/helpers';
import { ApigatewayDeployment } from '../../.gen/providers/oci/apigateway-deployment';
import type { ApigatewayDeploymentSpecificationRequestPoliciesAuthentication } from '../../.gen/providers/oci/apigateway-deployment';

const REASON = 'Reviewed exception for this test (#1)';
const AUTH = 'specification.request_policies.authentication';
/** Where the token authentication policy (the default) keeps issuers, audiences and claims. */
const ADDITIONAL = `${AUTH}.validation_policy.additional_validation_policy`;

/** Messages of a rule, by level. */
function findingsOf(stack: TerraformStack, id: string): { errors: string[]; warnings: string[]; infos: string[] } {
  const all = checkStack(stack);
  const mine = (list: string[]) => list.filter((m) => m.startsWith(`${id}:`) || m.startsWith(`${id}[`));
  return { errors: mine(all.errors), warnings: mine(all.warnings), infos: mine(all.infos) };
}

/** A raw L1 deployment with one ANY_OF route and the given authentication policy (list overrides merge, so tests build it whole). */
function deploymentWith(authentication: ApigatewayDeploymentSpecificationRequestPoliciesAuthentication): { stack: TerraformStack; deployment: ApigatewayDeployment } {
  const stack = ociTestStack();
  const deployment = new ApigatewayDeployment(stack, 'Raw', {
    compartmentId: COMPARTMENT_ID,
    gatewayId: GATEWAY_ID,
    pathPrefix: '/raw',
    specification: {
      requestPolicies: { authentication },
      routes: [{ path: '/1', backend: { type: 'HTTP_BACKEND', url: 'https://backend.example.com/1' }, requestPolicies: { authorization: { type: 'ANY_OF', allowedScope: ['ApplicationReadA'] } } }],
    },
  });
  return { stack, deployment };
}

/** A compliant JWT_AUTHENTICATION policy, with changes. */
function jwtPolicy(changes: Partial<ApigatewayDeploymentSpecificationRequestPoliciesAuthentication> = {}): ApigatewayDeploymentSpecificationRequestPoliciesAuthentication {
  return {
    type: 'JWT_AUTHENTICATION',
    isAnonymousAccessAllowed: false,
    issuers: [OCI_ISSUER],
    audiences: [OCI_AUDIENCE],
    tokenHeader: 'Authorization',
    tokenAuthScheme: 'Bearer',
    publicKeys: { type: 'REMOTE_JWKS', uri: OCI_JWKS_URI, isSslVerifyDisabled: false },
    ...changes,
  };
}

/** A TOKEN_AUTHENTICATION policy validating with a remote JWKS. */
function tokenPolicy(validationPolicy: ApigatewayDeploymentSpecificationRequestPoliciesAuthentication['validationPolicy']): ApigatewayDeploymentSpecificationRequestPoliciesAuthentication {
  return { type: 'TOKEN_AUTHENTICATION', isAnonymousAccessAllowed: false, tokenHeader: 'Authorization', tokenAuthScheme: 'Bearer', validationPolicy };
}

/** The seed deployment (compliant with every OCI rule). */
function seed(): { stack: TerraformStack; api: OciJwtApiDeployment } {
  const stack = ociTestStack();
  return { stack, api: seedDeployment(stack) };
}

describe('OCI_RULES', () => {
  test('have stable, unique ids with info, explanation and level, and are part of ALL_RULES', () => {
    expect(OCI_RULES.map((r) => r.id)).toEqual(['OCI-JWT1', 'OCI-JWT2', 'OCI-JWT3', 'OCI-SCOPE1', 'OCI-BACKEND1']);
    for (const rule of OCI_RULES) {
      expect(rule.info.length).toBeGreaterThan(10);
      expect(rule.explanation.length).toBeGreaterThan(10);
      expect(ALL_RULES).toContain(rule);
    }
    expect(OCI_RULES.map((r) => r.level)).toEqual([RuleLevel.ERROR, RuleLevel.ERROR, RuleLevel.WARNING, RuleLevel.WARNING, RuleLevel.ERROR]);
  });

  test('report nothing for the seed deployment', () => {
    // GIVEN
    const { stack } = seed();
    // WHEN
    const all = checkStack(stack);
    // THEN
    expect(all).toEqual({ errors: [], warnings: [], infos: [] });
  });
});

describe('OCI-JWT1', () => {
  test('is compliant when every route has ANY_OF scopes or AUTHENTICATION_ONLY and anonymous access is off', () => {
    // GIVEN
    const { stack, api } = seed();
    api.resource.addOverride('specification.routes.0.request_policies.authorization', { type: 'AUTHENTICATION_ONLY' });
    // WHEN / THEN
    expect(findingsOf(stack, 'OCI-JWT1').errors).toEqual([]);
  });

  test('reports anonymous access allowed', () => {
    // GIVEN
    const { stack, api } = seed();
    api.resource.addOverride(`${AUTH}.is_anonymous_access_allowed`, true);
    // WHEN
    const { errors } = findingsOf(stack, 'OCI-JWT1');
    // THEN
    expect(errors).toEqual([expect.stringMatching(/^OCI-JWT1\[anonymousAccess\]: /)]);
  });

  test('reports a route with authorization type ANONYMOUS', () => {
    // GIVEN
    const { stack, api } = seed();
    api.resource.addOverride('specification.routes.0.request_policies.authorization', { type: 'anonymous' });
    // WHEN
    const { errors } = findingsOf(stack, 'OCI-JWT1');
    // THEN
    expect(errors).toEqual([expect.stringMatching(/^OCI-JWT1\[route:\/1\]: /)]);
  });

  test('reports a route without an authorization policy', () => {
    // GIVEN
    const { stack, api } = seed();
    api.resource.addOverride('specification.routes.0.request_policies', null);
    // WHEN
    const { errors } = findingsOf(stack, 'OCI-JWT1');
    // THEN
    expect(errors).toEqual([expect.stringMatching(/^OCI-JWT1\[route:\/1\]: /)]);
  });

  test('reports a deployment without an authentication policy', () => {
    // GIVEN
    const { stack, api } = seed();
    api.resource.addOverride('specification.request_policies', null);
    // WHEN
    const { errors } = findingsOf(stack, 'OCI-JWT1');
    // THEN
    expect(errors).toEqual([expect.stringMatching(/^OCI-JWT1\[authentication:missing\]: /)]);
  });

  test('is UNRESOLVED when anonymous access is a token', () => {
    // GIVEN
    const { stack, api } = seed();
    api.resource.addOverride(`${AUTH}.is_anonymous_access_allowed`, new TerraformVariable(stack, 'Anonymous', { type: 'bool' }).booleanValue);
    // WHEN
    const { errors, warnings } = findingsOf(stack, 'OCI-JWT1');
    // THEN
    expect(errors).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(/^OCI-JWT1: UNRESOLVED/)]);
  });

  test('is suppressed with a reason, logged as info', () => {
    // GIVEN
    const { stack, api } = seed();
    api.resource.addOverride('specification.routes.0.request_policies.authorization', { type: 'ANONYMOUS' });
    Suppressions.add(api, [{ id: 'OCI-JWT1', reason: REASON, appliesTo: ['route:/1'] }]);
    // WHEN
    const { errors, infos } = findingsOf(stack, 'OCI-JWT1');
    // THEN
    expect(errors).toEqual([]);
    expect(infos).toEqual([`OCI-JWT1[route:/1]: suppressed: ${REASON}`]);
  });
});

describe('OCI-JWT2', () => {
  test('is compliant for TOKEN_AUTHENTICATION with issuers and audiences in the additional validation policy', () => {
    // GIVEN
    const { stack } = deploymentWith(tokenPolicy({
      type: 'REMOTE_JWKS',
      uri: OCI_JWKS_URI,
      additionalValidationPolicy: { issuers: [OCI_ISSUER], audiences: [OCI_AUDIENCE] },
    }));
    // WHEN
    const all = checkStack(stack);
    // THEN
    expect(all).toEqual({ errors: [], warnings: [], infos: [] });
  });

  test('reports JWT authentication without audiences', () => {
    // GIVEN
    const { stack } = deploymentWith(jwtPolicy({ audiences: [] }));
    // WHEN
    const { errors } = findingsOf(stack, 'OCI-JWT2');
    // THEN
    expect(errors).toEqual([expect.stringMatching(/^OCI-JWT2\[audiences\]: /)]);
  });

  test('reports token authentication without issuers', () => {
    // GIVEN
    const { stack, api } = seed();
    api.resource.addOverride(`${ADDITIONAL}.issuers`, null);
    // WHEN
    const { errors } = findingsOf(stack, 'OCI-JWT2');
    // THEN
    expect(errors).toEqual([expect.stringMatching(/^OCI-JWT2\[issuers\]: /)]);
  });

  test('reports TOKEN_AUTHENTICATION without an additional validation policy', () => {
    // GIVEN
    const { stack } = deploymentWith(tokenPolicy({ type: 'REMOTE_JWKS', uri: OCI_JWKS_URI }));
    // WHEN
    const { errors } = findingsOf(stack, 'OCI-JWT2');
    // THEN
    expect(errors).toEqual([
      expect.stringMatching(/^OCI-JWT2\[audiences\]: /),
      expect.stringMatching(/^OCI-JWT2\[issuers\]: /),
    ]);
  });

  test('does not apply to CUSTOM_AUTHENTICATION', () => {
    // GIVEN
    const { stack } = deploymentWith({ type: 'CUSTOM_AUTHENTICATION', functionId: 'ocid1.fnfunc.oc1.eu-frankfurt-1.aaaa', isAnonymousAccessAllowed: false });
    // WHEN
    const all = checkStack(stack);
    // THEN
    expect(all).toEqual({ errors: [], warnings: [], infos: [] });
  });

  test('is UNRESOLVED when audiences is a token', () => {
    // GIVEN
    const stack = ociTestStack();
    const audiences = new TerraformVariable(stack, 'Audiences', { type: 'list(string)' }).listValue;
    new ApigatewayDeployment(stack, 'Raw', {
      compartmentId: COMPARTMENT_ID,
      gatewayId: GATEWAY_ID,
      pathPrefix: '/raw',
      specification: {
        requestPolicies: { authentication: jwtPolicy({ audiences }) },
        routes: [{ path: '/1', backend: { type: 'HTTP_BACKEND', url: 'https://backend.example.com/1' }, requestPolicies: { authorization: { type: 'ANY_OF', allowedScope: ['ApplicationReadA'] } } }],
      },
    });
    // WHEN
    const { errors, warnings } = findingsOf(stack, 'OCI-JWT2');
    // THEN
    expect(errors).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(/^OCI-JWT2: UNRESOLVED/)]);
  });

  test('is suppressed with a reason, logged as info', () => {
    // GIVEN
    const { stack, api } = seed();
    api.resource.addOverride(`${ADDITIONAL}.audiences`, null);
    Suppressions.add(api, [{ id: 'OCI-JWT2', reason: REASON }]);
    // WHEN
    const { errors, infos } = findingsOf(stack, 'OCI-JWT2');
    // THEN
    expect(errors).toEqual([]);
    expect(infos).toEqual([`OCI-JWT2[audiences]: suppressed: ${REASON}`]);
  });
});

describe('OCI-JWT3', () => {
  test('is compliant with REMOTE_JWKS over https, TLS verified, skew of 300 s', () => {
    // GIVEN
    const stack = ociTestStack();
    seedDeployment(stack, { maxClockSkewSeconds: 300 });
    // WHEN / THEN
    expect(findingsOf(stack, 'OCI-JWT3').warnings).toEqual([]);
  });

  test('reports STATIC_KEYS as a warning', () => {
    // GIVEN
    const { stack } = deploymentWith(jwtPolicy({ publicKeys: { type: 'STATIC_KEYS', keys: [{ format: 'PEM', kid: 'k1', key: '-----BEGIN PUBLIC KEY-----' }] } }));
    // WHEN
    const { errors, warnings } = findingsOf(stack, 'OCI-JWT3');
    // THEN
    expect(errors).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(/^OCI-JWT3\[publicKeys:STATIC_KEYS\]: /)]);
  });

  test('reports a JWKS fetched over http or without TLS verification', () => {
    // GIVEN
    const { stack, api } = seed();
    api.resource.addOverride(`${AUTH}.validation_policy.uri`, 'http://keys.example.com/jwks');
    api.resource.addOverride(`${AUTH}.validation_policy.is_ssl_verify_disabled`, true);
    // WHEN
    const { warnings } = findingsOf(stack, 'OCI-JWT3');
    // THEN
    expect(warnings).toEqual([
      expect.stringMatching(/^OCI-JWT3\[validationPolicy:uri\]: /),
      expect.stringMatching(/^OCI-JWT3\[validationPolicy:sslVerifyDisabled\]: /),
    ]);
  });

  test('reports a clock skew above 300 s', () => {
    // GIVEN
    const { stack, api } = seed();
    api.resource.addOverride(`${AUTH}.max_clock_skew_in_seconds`, 301);
    // WHEN
    const { warnings } = findingsOf(stack, 'OCI-JWT3');
    // THEN
    expect(warnings).toEqual([expect.stringMatching(/^OCI-JWT3\[maxClockSkew\]: /)]);
  });

  test('reports a TOKEN_AUTHENTICATION validation policy other than REMOTE_JWKS', () => {
    // GIVEN
    const { stack } = deploymentWith(tokenPolicy({
      type: 'STATIC_KEYS',
      keys: [{ format: 'PEM', kid: 'k1', key: '-----BEGIN PUBLIC KEY-----' }],
      additionalValidationPolicy: { issuers: [OCI_ISSUER], audiences: [OCI_AUDIENCE] },
    }));
    // WHEN
    const { warnings } = findingsOf(stack, 'OCI-JWT3');
    // THEN
    expect(warnings).toEqual([expect.stringMatching(/^OCI-JWT3\[validationPolicy:STATIC_KEYS\]: /)]);
  });

  test('is UNRESOLVED when the JWKS URI is a token', () => {
    // GIVEN
    const { stack, api } = seed();
    api.resource.addOverride(`${AUTH}.validation_policy.uri`, new TerraformVariable(stack, 'Jwks', { type: 'string' }).stringValue);
    // WHEN
    const { warnings } = findingsOf(stack, 'OCI-JWT3');
    // THEN
    expect(warnings).toEqual([expect.stringMatching(/^OCI-JWT3: UNRESOLVED/)]);
  });

  test('is suppressed with a reason, logged as info', () => {
    // GIVEN
    const { stack, api } = seed();
    api.resource.addOverride(`${AUTH}.max_clock_skew_in_seconds`, 600);
    Suppressions.add(api, [{ id: 'OCI-JWT3', reason: REASON, appliesTo: ['maxClockSkew'] }]);
    // WHEN
    const { warnings, infos } = findingsOf(stack, 'OCI-JWT3');
    // THEN
    expect(warnings).toEqual([]);
    expect(infos).toEqual([`OCI-JWT3[maxClockSkew]: suppressed: ${REASON}`]);
  });
});

describe('OCI-JWT3 (JWT_AUTHENTICATION and REMOTE_DISCOVERY)', () => {
  test('reports a JWT_AUTHENTICATION public key set fetched over http', () => {
    // GIVEN
    const { stack } = deploymentWith(jwtPolicy({ publicKeys: { type: 'REMOTE_JWKS', uri: 'http://keys.example.com/jwks', isSslVerifyDisabled: false } }));
    // WHEN
    const { warnings } = findingsOf(stack, 'OCI-JWT3');
    // THEN
    expect(warnings).toEqual([expect.stringMatching(/^OCI-JWT3\[publicKeys:uri\]: /)]);
  });

  test('is compliant for REMOTE_DISCOVERY over https, and reports it over http', () => {
    // GIVEN
    const discovery = (uri: string) => tokenPolicy({
      type: 'REMOTE_DISCOVERY',
      sourceUriDetails: { type: 'DISCOVERY_URI', uri },
      clientDetails: { type: 'CUSTOM', clientId: 'gw', clientSecretId: 'ocid1.vaultsecret.oc1.eu-frankfurt-1.aaaa', clientSecretVersionNumber: '1' },
      additionalValidationPolicy: { issuers: [OCI_ISSUER], audiences: [OCI_AUDIENCE] },
    });
    // WHEN / THEN
    expect(findingsOf(deploymentWith(discovery('https://idp.example.com/.well-known/openid-configuration')).stack, 'OCI-JWT3').warnings).toEqual([]);
    expect(findingsOf(deploymentWith(discovery('http://idp.example.com/.well-known/openid-configuration')).stack, 'OCI-JWT3').warnings)
      .toEqual([expect.stringMatching(/^OCI-JWT3\[validationPolicy:uri\]: /)]);
  });
});

describe('OCI-SCOPE1', () => {
  /** The seed deployment plus a global exact-match scope claim, and a client granted `scopes`. */
  function globalScopeCheck(grantedScopes: readonly string[], value = 'ApplicationReadA'): { stack: TerraformStack; api: OciJwtApiDeployment } {
    const { stack, api } = seed();
    api.resource.addOverride(`${ADDITIONAL}.verify_claims`, [{ key: 'scope', values: [value], is_required: true }]);
    new OciIdentityDomainConfidentialApp(stack, 'Client', { resourceServer: ociResourceServer(stack, stack.node.findChild('IdentityDomain') as M2mAuthorizationServer), grantedScopes });
    return { stack, api };
  }

  test('is compliant when every client of the stack is granted one scope', () => {
    // GIVEN
    const { stack } = globalScopeCheck(['ApplicationReadA']);
    // WHEN / THEN
    expect(findingsOf(stack, 'OCI-SCOPE1')).toEqual({ errors: [], warnings: [], infos: [] });
  });

  test('reports a global exact match of one scope while a client is granted several', () => {
    // GIVEN
    const { stack } = globalScopeCheck(['ApplicationReadA', 'ApplicationWriteA']);
    // WHEN
    const { warnings } = findingsOf(stack, 'OCI-SCOPE1');
    // THEN
    expect(warnings).toEqual([expect.stringMatching(/^OCI-SCOPE1\[verifyClaims:scope\]: .*compares the whole claim value/)]);
  });

  test('reports it for JWT_AUTHENTICATION verify_claims too', () => {
    // GIVEN
    const { stack } = deploymentWith(jwtPolicy({ verifyClaims: [{ key: 'scope', values: ['ApplicationReadA'], isRequired: true }] }));
    new OciIdentityDomainConfidentialApp(stack, 'Client', { resourceServer: ociResourceServer(stack), grantedScopes: ['ApplicationReadA', 'ApplicationWriteA'] });
    // WHEN
    const { warnings } = findingsOf(stack, 'OCI-SCOPE1');
    // THEN
    expect(warnings).toEqual([expect.stringMatching(/^OCI-SCOPE1\[verifyClaims:scope\]: /)]);
  });

  test('is UNRESOLVED when the scope values are a token', () => {
    // GIVEN
    const { stack, api } = seed();
    api.resource.addOverride(`${ADDITIONAL}.verify_claims`, [{ key: 'scope', values: new TerraformVariable(stack, 'Scopes', { type: 'list(string)' }).listValue }]);
    // WHEN
    const { warnings } = findingsOf(stack, 'OCI-SCOPE1');
    // THEN
    expect(warnings).toEqual([expect.stringMatching(/^OCI-SCOPE1: UNRESOLVED/)]);
  });

  test('is suppressed with a reason, logged as info', () => {
    // GIVEN
    const { stack, api } = globalScopeCheck(['ApplicationReadA', 'ApplicationWriteA']);
    Suppressions.add(api, [{ id: 'OCI-SCOPE1', reason: REASON }]);
    // WHEN
    const { warnings, infos } = findingsOf(stack, 'OCI-SCOPE1');
    // THEN
    expect(warnings).toEqual([]);
    expect(infos).toEqual([`OCI-SCOPE1[verifyClaims:scope]: suppressed: ${REASON}`]);
  });
});

describe('OCI-BACKEND1', () => {
  test('is compliant for https backends with TLS verification', () => {
    // GIVEN
    const { stack } = seed();
    // WHEN / THEN
    expect(findingsOf(stack, 'OCI-BACKEND1')).toEqual({ errors: [], warnings: [], infos: [] });
  });

  test('reports an http backend and a backend without TLS verification', () => {
    // GIVEN
    const { stack, api } = seed();
    api.resource.addOverride('specification.routes.0.backend.url', 'http://10.0.1.5/1');
    api.resource.addOverride('specification.routes.0.backend.is_ssl_verify_disabled', true);
    // WHEN
    const { errors } = findingsOf(stack, 'OCI-BACKEND1');
    // THEN
    expect(errors).toEqual([
      expect.stringMatching(/^OCI-BACKEND1\[route:\/1\]: /),
      expect.stringMatching(/^OCI-BACKEND1\[route:\/1:sslVerifyDisabled\]: /),
    ]);
  });

  test('is UNRESOLVED when the backend URL is a token', () => {
    // GIVEN
    const { stack, api } = seed();
    api.resource.addOverride('specification.routes.0.backend.url', new TerraformVariable(stack, 'Url', { type: 'string' }).stringValue);
    // WHEN
    const { errors, warnings } = findingsOf(stack, 'OCI-BACKEND1');
    // THEN
    expect(errors).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(/^OCI-BACKEND1: UNRESOLVED/)]);
  });

  test('is suppressed with a reason, logged as info', () => {
    // GIVEN
    const { stack, api } = seed();
    api.resource.addOverride('specification.routes.0.backend.url', 'http://10.0.1.5/1');
    Suppressions.add(api, [{ id: 'OCI-BACKEND1', reason: REASON, appliesTo: ['route:/1'] }]);
    // WHEN
    const { errors, infos } = findingsOf(stack, 'OCI-BACKEND1');
    // THEN
    expect(errors).toEqual([]);
    expect(infos).toEqual([`OCI-BACKEND1[route:/1]: suppressed: ${REASON}`]);
  });
});
