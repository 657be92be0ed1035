import { TerraformVariable } from 'cdktf';
import { describe, expect, test } from 'vitest';
import { OciApiGateway, OciAuthenticationType, OciHttpMethod, OciJwtApiDeployment, OciTokenValidation } from '../../../constructs';
import { validateTerraformStack } from '../../../validation';
import { checkStack, synthJson } from '../../util';
import {
  COMPARTMENT_ID, GATEWAY_ID, OCI_AUDIENCE, OCI_CLIENT_ID, OCI_FACTS, OCI_ISSUER, OCI_JWKS_URI,
  ociClientReference, ociServer, ociTestStack, seedDeployment, synthDeployment,
} from './helpers';

const BACKEND = 'https://backend.example.com/1';
const SECRET_ID = 'ocid1.vaultsecret.oc1.eu-frankfurt-1.aaaaaaaaexamplesecret';

describe('OciJwtApiDeployment', () => {
  test('reproduces seed 002 use case 1 field by field: token authentication from Authorization Bearer, remote JWKS, iss/aud of the token excerpt, ANY_OF scopes per route', () => {
    // GIVEN the token excerpt: iss https://identity.oraclecloud.com/, aud anwendung1, scope AnwendungReadA
    const stack = ociTestStack();
    const server = ociServer(stack, { audience: 'anwendung1', scopes: ['AnwendungReadA', 'AnwendungWriteA'] });
    const client = ociClientReference(stack, ['AnwendungReadA', 'AnwendungWriteA']);
    // WHEN
    new OciJwtApiDeployment(stack, 'Api', {
      gateway: OciApiGateway.fromGatewayId(stack, 'Gateway', GATEWAY_ID),
      compartmentId: COMPARTMENT_ID,
      pathPrefix: '/test',
      server,
      allowedClients: [client],
      routes: [
        { path: '/1', backendUrl: BACKEND, anyOfScopes: ['AnwendungReadA'] },
        { path: '/1', methods: [OciHttpMethod.POST, OciHttpMethod.PUT], backendUrl: BACKEND, anyOfScopes: ['AnwendungWriteA'] },
      ],
    });
    // THEN
    const deployment = synthDeployment(synthJson(stack));
    expect(deployment.compartment_id).toBe(COMPARTMENT_ID);
    expect(deployment.gateway_id).toBe(GATEWAY_ID);
    expect(deployment.path_prefix).toBe('/test');
    expect(deployment.display_name).toBe('oci-test/Api');
    expect(deployment.specification.request_policies.authentication).toEqual({
      type: 'TOKEN_AUTHENTICATION',
      is_anonymous_access_allowed: false,
      token_header: 'Authorization',
      token_auth_scheme: 'Bearer',
      max_clock_skew_in_seconds: 60,
      validation_policy: {
        type: 'REMOTE_JWKS',
        uri: OCI_JWKS_URI,
        is_ssl_verify_disabled: false,
        additional_validation_policy: {
          issuers: ['https://identity.oraclecloud.com/'],
          audiences: ['anwendung1'],
          verify_claims: [{ key: 'client_id', values: [OCI_CLIENT_ID], is_required: true }],
        },
      },
      validation_failure_policy: { type: 'MODIFY_RESPONSE', response_code: '401' },
    });
    expect(deployment.specification.routes).toEqual([
      {
        path: '/1',
        methods: ['GET'],
        backend: { type: 'HTTP_BACKEND', url: BACKEND, is_ssl_verify_disabled: false },
        request_policies: { authorization: { type: 'ANY_OF', allowed_scope: ['AnwendungReadA'] } },
      },
      {
        path: '/1',
        methods: ['POST', 'PUT'],
        backend: { type: 'HTTP_BACKEND', url: BACKEND, is_ssl_verify_disabled: false },
        request_policies: { authorization: { type: 'ANY_OF', allowed_scope: ['AnwendungWriteA'] } },
      },
    ]);
    expect(validateTerraformStack(stack)).toEqual([]);
  });

  test('reproduces seed 002 use case 2 field by field: the custom claim APIGWMichael4 = Api1Access as an exact verify-claim, the domain audiences, authentication-only route', () => {
    // GIVEN the token excerpt: iss https://identity.oraclecloud.com/, aud [three domain URLs], APIGWMichael4: Api1Access
    const stack = ociTestStack();
    const audiences = [
      'https://idcs-9f7xxx.eu-frankfurt-idcs-1.secure.identity.oraclecloud.com',
      'https://idcs-9f7xxx.identity.oraclecloud.com',
      'urn:opc:lbaas:logicalguid=idcs-9f7xxx',
    ];
    // WHEN
    new OciJwtApiDeployment(stack, 'EndUserApi', {
      gateway: OciApiGateway.fromGatewayId(stack, 'Gateway', GATEWAY_ID),
      compartmentId: COMPARTMENT_ID,
      pathPrefix: '/test2',
      server: ociServer(stack),
      audiences,
      requiredClaims: [{ name: 'APIGWMichael4', anyOfValues: ['Api1Access'] }],
      routes: [{ path: '/1', backendUrl: BACKEND }],
    });
    // THEN
    const deployment = synthDeployment(synthJson(stack));
    expect(deployment.path_prefix).toBe('/test2');
    expect(deployment.specification.request_policies.authentication.validation_policy.additional_validation_policy).toEqual({
      issuers: ['https://identity.oraclecloud.com/'],
      audiences,
      verify_claims: [{ key: 'APIGWMichael4', values: ['Api1Access'], is_required: true }],
    });
    expect(deployment.specification.routes[0].request_policies).toEqual({ authorization: { type: 'AUTHENTICATION_ONLY' } });
    expect(checkStack(stack)).toEqual({ errors: [], warnings: [], infos: [] });
    expect(validateTerraformStack(stack)).toEqual([]);
  });

  test('keeps JWT_AUTHENTICATION available for existing deployments', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN
    seedDeployment(stack, { authenticationType: OciAuthenticationType.JWT_AUTHENTICATION, allowedClients: [ociClientReference(stack)] });
    // THEN
    expect(synthDeployment(synthJson(stack)).specification.request_policies.authentication).toEqual({
      type: 'JWT_AUTHENTICATION',
      is_anonymous_access_allowed: false,
      issuers: [OCI_ISSUER],
      audiences: [OCI_AUDIENCE],
      token_header: 'Authorization',
      token_auth_scheme: 'Bearer',
      max_clock_skew_in_seconds: 60,
      public_keys: { type: 'REMOTE_JWKS', uri: OCI_JWKS_URI, is_ssl_verify_disabled: false },
      verify_claims: [{ key: 'client_id', values: [OCI_CLIENT_ID], is_required: true }],
    });
    expect(checkStack(stack)).toEqual({ errors: [], warnings: [], infos: [] });
    expect(validateTerraformStack(stack)).toEqual([]);
  });

  test('validates with the introspection endpoint (REMOTE_DISCOVERY), the client secret as a Vault secret OCID', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN
    seedDeployment(stack, {
      validation: OciTokenValidation.remoteDiscovery({ clientId: OCI_CLIENT_ID, clientSecretId: SECRET_ID, clientSecretVersionNumber: 2 }),
      validationFailureResponse: { statusCode: 403, message: 'Forbidden' },
    });
    // THEN
    const auth = synthDeployment(synthJson(stack)).specification.request_policies.authentication;
    expect(auth.validation_policy).toEqual({
      type: 'REMOTE_DISCOVERY',
      is_ssl_verify_disabled: false,
      source_uri_details: { type: 'DISCOVERY_URI', uri: 'https://identity.oraclecloud.com/.well-known/openid-configuration' },
      client_details: { type: 'CUSTOM', client_id: OCI_CLIENT_ID, client_secret_id: SECRET_ID, client_secret_version_number: '2' },
      additional_validation_policy: { issuers: [OCI_ISSUER], audiences: [OCI_AUDIENCE] },
    });
    expect(auth.validation_failure_policy).toEqual({ type: 'MODIFY_RESPONSE', response_code: '403', response_message: 'Forbidden' });
    expect(checkStack(stack)).toEqual({ errors: [], warnings: [], infos: [] });
    expect(validateTerraformStack(stack)).toEqual([]);
  });

  test('fails on a bad introspection setup, or REMOTE_DISCOVERY / a failure response with JWT_AUTHENTICATION', () => {
    const discovery = (o: Partial<Parameters<typeof OciTokenValidation.remoteDiscovery>[0]>) =>
      OciTokenValidation.remoteDiscovery({ clientId: OCI_CLIENT_ID, clientSecretId: SECRET_ID, clientSecretVersionNumber: 1, ...o });
    expect(() => seedDeployment(ociTestStack(), { validation: discovery({ clientSecretId: COMPARTMENT_ID }) })).toThrow(/'validation\.clientSecretId' must be the OCID of a vaultsecret/);
    expect(() => seedDeployment(ociTestStack(), { validation: discovery({ clientSecretVersionNumber: 0 }) })).toThrow(/'validation\.clientSecretVersionNumber' must be a positive whole number/);
    expect(() => seedDeployment(ociTestStack(), { validation: discovery({ discoveryUri: 'http://idp.example.com/.well-known/openid-configuration' }) })).toThrow(/'validation\.discoveryUri' must use https/);
    expect(() => seedDeployment(ociTestStack(), { authenticationType: OciAuthenticationType.JWT_AUTHENTICATION, validation: discovery({}) }))
      .toThrow(/'validation' must be OciTokenValidation\.remoteJwks\(\) with JWT_AUTHENTICATION/);
    expect(() => seedDeployment(ociTestStack(), { authenticationType: OciAuthenticationType.JWT_AUTHENTICATION, validationFailureResponse: { statusCode: 401 } }))
      .toThrow(/'validationFailureResponse' is only supported with TOKEN_AUTHENTICATION/);
  });

  test('fails when the validation failure status is not an error status', () => {
    expect(() => seedDeployment(ociTestStack(), { validationFailureResponse: { statusCode: 200 } })).toThrow(/'validationFailureResponse\.statusCode' must be an HTTP error status from 400 to 599/);
    expect(() => seedDeployment(ociTestStack(), { validationFailureResponse: { statusCode: 599 } })).not.toThrow();
  });

  test('fails on bad requiredClaims: empty, reserved names, duplicates, no values', () => {
    const claims = (requiredClaims: never) => () => seedDeployment(ociTestStack(), { requiredClaims });
    expect(claims([] as never)).toThrow(/'requiredClaims' must not be empty when given/);
    expect(claims([{ name: 'scope', anyOfValues: ['ApplicationReadA'] }] as never)).toThrow(/'requiredClaims\[0\]\.name' is checked by a prop of its own.*anyOfScopes/);
    expect(claims([{ name: 'aud', anyOfValues: ['x'] }] as never)).toThrow(/'requiredClaims\[0\]\.name' is checked by a prop of its own/);
    expect(claims([{ name: 'a b', anyOfValues: ['x'] }] as never)).toThrow(/'requiredClaims\[0\]\.name' must be a claim name/);
    expect(claims([{ name: 'tier', anyOfValues: ['gold'] }, { name: 'tier', anyOfValues: ['silver'] }] as never)).toThrow(/'requiredClaims\[1\]\.name' is listed twice/);
    expect(claims([{ name: 'tier', anyOfValues: [] }] as never)).toThrow(/'requiredClaims\[0\]\.anyOfValues' must not be empty/);
    expect(claims([{ name: 'tier', anyOfValues: [''] }] as never)).toThrow(/'requiredClaims\[0\]\.anyOfValues\[0\]' must be a non-empty string/);
  });

  test('fails when a route has no anyOfScopes and the deployment no requiredClaims', () => {
    expect(() => seedDeployment(ociTestStack(), { routes: [{ path: '/1', backendUrl: BACKEND }] })).toThrow(/'routes\[0\]\.anyOfScopes' is required unless the deployment has requiredClaims/);
  });

  test('fails when no allowed client is granted any of a route\'s scopes', () => {
    const stack = ociTestStack();
    expect(() => seedDeployment(stack, { allowedClients: [ociClientReference(stack, ['ApplicationWriteA'])] }))
      .toThrow(/'routes\[0\]\.anyOfScopes' is granted to none of the allowedClients/);
  });

  test('fails when audiences is empty or holds a blank audience', () => {
    expect(() => seedDeployment(ociTestStack(), { audiences: [] })).toThrow(/'audiences' must not be empty/);
    expect(() => seedDeployment(ociTestStack(), { audiences: [' '] })).toThrow(/'audiences\[0\]' must be a non-empty audience/);
  });

  test('synthesizes a stack with no schema findings against the pinned OCI schema', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN
    seedDeployment(stack, { allowedClients: [ociClientReference(stack)] });
    // THEN
    expect(validateTerraformStack(stack)).toEqual([]);
  });

  test('takes the JWKS URI from the recorded lookup, not from the props', () => {
    // GIVEN
    const rotatedJwks = 'https://keys.example.com/jwks';
    const stack = ociTestStack({ facts: { ...OCI_FACTS, jwksUri: rotatedJwks } });
    // WHEN
    const api = seedDeployment(stack);
    // THEN
    expect(api.jwksUri).toBe(rotatedJwks);
    expect(synthDeployment(synthJson(stack)).specification.request_policies.authentication.validation_policy.uri).toBe(rotatedJwks);
  });

  test('defaults: token authentication, GET only, 60 s clock skew, Authorization Bearer, 401 on failure, no client claim check', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN
    seedDeployment(stack);
    // THEN
    const deployment = synthDeployment(synthJson(stack));
    const auth = deployment.specification.request_policies.authentication;
    expect(deployment.specification.routes[0].methods).toEqual(['GET']);
    expect(auth.max_clock_skew_in_seconds).toBe(60);
    expect(auth.token_header).toBe('Authorization');
    expect(auth.token_auth_scheme).toBe('Bearer');
    expect(auth.is_anonymous_access_allowed).toBe(false);
    expect(auth.type).toBe('TOKEN_AUTHENTICATION');
    expect(auth.validation_policy.additional_validation_policy.verify_claims).toBeUndefined();
    expect(auth.validation_failure_policy).toEqual({ type: 'MODIFY_RESPONSE', response_code: '401' });
  });

  test('renders a custom token header, scheme and clock skew', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN
    seedDeployment(stack, { tokenHeader: 'X-Api-Token', tokenAuthScheme: 'Token', maxClockSkewSeconds: 0, displayName: 'reports' });
    // THEN
    const deployment = synthDeployment(synthJson(stack));
    expect(deployment.display_name).toBe('reports');
    expect(deployment.specification.request_policies.authentication).toMatchObject({ token_header: 'X-Api-Token', token_auth_scheme: 'Token', max_clock_skew_in_seconds: 0 });
  });

  test('exposes issuer, audience and the deployment attributes', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN
    const api = seedDeployment(stack);
    // THEN
    expect(api.issuer).toBe(OCI_ISSUER);
    expect(api.audience).toBe(OCI_AUDIENCE);
    expect(api.deploymentId).toMatch(/TfToken/);
    expect(api.deploymentEndpoint).toMatch(/TfToken/);
  });

  test('accepts a gateway id that is a token', () => {
    // GIVEN
    const stack = ociTestStack();
    const gatewayId = new TerraformVariable(stack, 'GatewayId', { type: 'string' }).stringValue;
    // WHEN
    seedDeployment(stack, { gateway: OciApiGateway.fromGatewayId(stack, 'Imported', gatewayId) });
    // THEN
    expect(synthDeployment(synthJson(stack)).gateway_id).toBe('${var.GatewayId}');
  });

  test('fails when gatewayId is not an API gateway OCID', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => OciApiGateway.fromGatewayId(stack, 'Gateway', 'gw-123')).toThrow(/'gatewayId' must be an OCID/);
    expect(() => OciApiGateway.fromGatewayId(stack, 'Gateway2', COMPARTMENT_ID)).toThrow(/'gatewayId' must be the OCID of a apigateway/);
  });

  test('fails when compartmentId is not a compartment or tenancy OCID', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedDeployment(stack, { compartmentId: GATEWAY_ID })).toThrow(/'compartmentId' must be the OCID of a compartment or tenancy/);
  });

  test('accepts a tenancy OCID as compartmentId (root compartment)', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedDeployment(stack, { compartmentId: 'ocid1.tenancy.oc1..aaaaaaaaexampletenancy' })).not.toThrow();
  });

  test('fails when pathPrefix does not start with "/"', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedDeployment(stack, { pathPrefix: 'test' })).toThrow(/'pathPrefix' must start with "\/"/);
  });

  test('fails when routes is empty', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedDeployment(stack, { routes: [] })).toThrow(/'routes' must not be empty/);
  });

  test('fails when a route path does not start with "/"', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedDeployment(stack, { routes: [{ path: '1', backendUrl: BACKEND, anyOfScopes: ['ApplicationReadA'] }] }))
      .toThrow(/'routes\[0\]\.path' must start with "\/"/);
  });

  test('fails when a route has an empty anyOfScopes', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedDeployment(stack, { routes: [{ path: '/1', backendUrl: BACKEND, anyOfScopes: [] }] }))
      .toThrow(/'routes\[0\]\.anyOfScopes' must not be empty/);
  });

  test('fails when a required scope is not in the server catalog', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedDeployment(stack, { routes: [{ path: '/1', backendUrl: BACKEND, anyOfScopes: ['ApplicationReadA', 'ApplicationAdmin'] }] }))
      .toThrow(/'routes\[0\]\.anyOfScopes\[1\]' is not a scope of the M2M server/);
  });

  test('fails when the same path and method are routed twice', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedDeployment(stack, {
      routes: [
        { path: '/1', methods: [OciHttpMethod.GET, OciHttpMethod.POST], backendUrl: BACKEND, anyOfScopes: ['ApplicationReadA'] },
        { path: '/1', methods: [OciHttpMethod.POST], backendUrl: BACKEND, anyOfScopes: ['ApplicationWriteA'] },
      ],
    })).toThrow(/'routes\[1\]\.methods\[0\]' duplicates an earlier route for \/1/);
  });

  test('fails when ANY overlaps another method on the same path', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedDeployment(stack, {
      routes: [
        { path: '/1', backendUrl: BACKEND, anyOfScopes: ['ApplicationReadA'] },
        { path: '/1', methods: [OciHttpMethod.ANY], backendUrl: BACKEND, anyOfScopes: ['ApplicationWriteA'] },
      ],
    })).toThrow(/'routes\[1\]\.methods\[0\]' duplicates an earlier route/);
  });

  test('accepts the same method on different paths', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedDeployment(stack, {
      routes: [
        { path: '/1', backendUrl: BACKEND, anyOfScopes: ['ApplicationReadA'] },
        { path: '/2', backendUrl: BACKEND, anyOfScopes: ['ApplicationReadA'] },
      ],
    })).not.toThrow();
  });

  test('fails when methods is empty', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedDeployment(stack, { routes: [{ path: '/1', methods: [], backendUrl: BACKEND, anyOfScopes: ['ApplicationReadA'] }] }))
      .toThrow(/'routes\[0\]\.methods' must not be empty/);
  });

  test('fails when the backend URL uses http without the plaintextBackend opt-out', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedDeployment(stack, { routes: [{ path: '/1', backendUrl: 'http://10.0.1.5/1', anyOfScopes: ['ApplicationReadA'] }] }))
      .toThrow(/'routes\[0\]\.backendUrl' must use https/);
  });

  test('fails when the backend URL carries credentials, without echoing them', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN
    let message = '';
    try {
      seedDeployment(stack, { routes: [{ path: '/1', backendUrl: 'https://svc:s3cr3t@backend.example.com/1', anyOfScopes: ['ApplicationReadA'] }] });
    } catch (error) {
      message = (error as Error).message;
    }
    // THEN
    expect(message).toMatch(/'routes\[0\]\.backendUrl' must not contain credentials/);
    expect(message).toContain('https://backend.example.com/1');
    expect(message).not.toContain('s3cr3t');
  });

  test('accepts an http backend with the plaintextBackend opt-out, recorded as the suppression of OCI-BACKEND1', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN
    seedDeployment(stack, { routes: [{ path: '/1', backendUrl: 'http://10.0.1.5/1', anyOfScopes: ['ApplicationReadA'], plaintextBackend: { reason: 'Backend only in the private subnet (#42)' } }] });
    // THEN
    expect(synthDeployment(synthJson(stack)).specification.routes[0].backend.url).toBe('http://10.0.1.5/1');
    expect(checkStack(stack)).toEqual({ errors: [], warnings: [], infos: ['OCI-BACKEND1[route:/1]: suppressed: routes[0].plaintextBackend: Backend only in the private subnet (#42)'] });
  });

  test('fails when the plaintextBackend reason is too short', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedDeployment(stack, { routes: [{ path: '/1', backendUrl: 'http://10.0.1.5/1', anyOfScopes: ['ApplicationReadA'], plaintextBackend: { reason: 'lan' } }] }))
      .toThrow(/'routes\[0\]\.plaintextBackend\.reason' must explain the opt-out in at least 10 characters/);
  });

  test('fails when the backend URL is not an http(s) URL', () => {
    // GIVEN / WHEN / THEN: a fresh stack per case
    expect(() => seedDeployment(ociTestStack(), { routes: [{ path: '/1', backendUrl: 'backend/1', anyOfScopes: ['ApplicationReadA'] }] }))
      .toThrow(/'routes\[0\]\.backendUrl' must be an absolute URL/);
    expect(() => seedDeployment(ociTestStack(), { routes: [{ path: '/1', backendUrl: 'ftp://backend/1', anyOfScopes: ['ApplicationReadA'] }] }))
      .toThrow(/'routes\[0\]\.backendUrl' must be an http\(s\) URL/);
  });

  test('fails when maxClockSkewSeconds is above 300 or negative', () => {
    // GIVEN / WHEN / THEN: a fresh stack per case
    expect(() => seedDeployment(ociTestStack(), { maxClockSkewSeconds: 301 })).toThrow(/'maxClockSkewSeconds' must be a whole number of seconds from 0 to 300/);
    expect(() => seedDeployment(ociTestStack(), { maxClockSkewSeconds: -1 })).toThrow(/'maxClockSkewSeconds' must be a whole number/);
  });

  test('accepts maxClockSkewSeconds of 300', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN
    seedDeployment(stack, { maxClockSkewSeconds: 300 });
    // THEN
    expect(synthDeployment(synthJson(stack)).specification.request_policies.authentication.max_clock_skew_in_seconds).toBe(300);
  });

  test('fails when allowedClients is empty or holds a malformed id', () => {
    // GIVEN / WHEN / THEN: a fresh stack per case
    expect(() => seedDeployment(ociTestStack(), { allowedClients: [] })).toThrow(/'allowedClients' must not be empty when given/);
    expect(() => ociClientReference(ociTestStack(), ['ApplicationReadA'], 'a b')).toThrow(/'clientId' must not contain/);
    expect(() => ociClientReference(ociTestStack(), [])).toThrow(/'grantedScopes' must not be empty/);
  });

  test('fails when tokenHeader is not a header name', () => {
    // GIVEN / WHEN / THEN: a fresh stack per case
    expect(() => seedDeployment(ociTestStack(), { tokenHeader: 'Authorization: Bearer' })).toThrow(/'tokenHeader' must be an HTTP header name/);
    expect(() => seedDeployment(ociTestStack(), { tokenAuthScheme: 'Bearer x' })).toThrow(/'tokenAuthScheme' must be a single authentication scheme token/);
  });

  test('fails when the recorded JWKS URI is not https', () => {
    // GIVEN
    const stack = ociTestStack({ facts: { ...OCI_FACTS, jwksUri: 'http://keys.example.com/jwks' } });
    // WHEN / THEN
    expect(() => seedDeployment(stack)).toThrow(/'server\.facts\.jwksUri' must use https/);
  });

  test('fails when the issuer has no recorded lookup', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => ociServer(stack, { issuer: 'https://idcs-unknown.identity.oraclecloud.com' })).toThrow(/has no recorded lookup/);
  });
});
