import { describe, expect, test } from 'vitest';
import {
  APIG_ANY_DOMAIN, ApigAttachment, ApigAuthorization, ApigJwtAuthentication, ApigTokenSource, readJwtAuthPolicyConfig,
} from '../../../constructs';
import type { ApigJwtAuthenticationProps } from '../../../constructs';
import { validateTerraformStack } from '../../../validation';
import { checkStack, SEED_CLIENT_ID, TEST_FACTS, TEST_ISSUER, TEST_JWK, resourcesOfType, synthJson, testServer } from '../../util';
import { ENVIRONMENT_ID, GATEWAY_ID, apigTestStack, factsWithKeys, rotatedKey, testGateway } from './helpers';

type Overrides = Partial<Omit<ApigJwtAuthenticationProps, 'gateway' | 'server'>>;

/** One JWT authentication rule on the test gateway, trusting the test issuer. */
function build(overrides: Overrides = {}, stack = apigTestStack()) {
  const server = testServer(stack);
  const auth = new ApigJwtAuthentication(stack, 'GlobalJwt', { gateway: testGateway(stack), server, policyName: 'm2m-jwt', ...overrides });
  return { stack, server, auth };
}

/** The policy resource and its parsed `policy_config`. */
function policyOf(stack: ReturnType<typeof apigTestStack>) {
  const [policy] = resourcesOfType(synthJson(stack), 'alicloud_apig_policy');
  return { policy, config: JSON.parse(policy.policy_config as string) as Record<string, any> };
}

describe('ApigJwtAuthentication (seed 001: Global Authentication > Create Authentication)', () => {
  test('reproduces every console field of the seed and passes the 1.292.0 schema', () => {
    // GIVEN: the seed's form, field by field
    const stack = apigTestStack();
    const server = testServer(stack);
    new ApigJwtAuthentication(stack, 'GlobalJwt', {
      gateway: testGateway(stack),                                 // Instance page > target gateway (+ environment)
      enabled: true,                                               // Enable
      policyName: 'seed-jwt',                                      // Authentication Name
      // Authentication Type: JWT (policy_class_name JWTAuth)
      server,                                                      // Issuer, and JWKS from lookups.lock.json
      subject: SEED_CLIENT_ID,                                     // Sub
      tokenSource: ApigTokenSource.header('Authorization', 'Bearer '), // JWT Token: Type, Key, Prefix
      passThroughToken: false,                                     // Enable Passthrough
      authorization: ApigAuthorization.whitelist([                 // Authorization: Whitelist Mode
        { domain: 'api.example.com', path: '/health' },            // Rule Condition: Request Domain Name + Request Path
        { domain: APIG_ANY_DOMAIN, path: '/public/*' },
      ]),
    });

    // WHEN
    const { policy, config } = policyOf(stack);
    const findings = validateTerraformStack(stack);

    // THEN
    expect(policy).toMatchObject({
      policy_name: 'seed-jwt',
      policy_class_name: 'JWTAuth',
      attach_resource_type: 'Gateway',
      attach_resource_ids: [GATEWAY_ID],
      gateway_id: GATEWAY_ID,
      environment_id: ENVIRONMENT_ID,
    });
    expect(config).toEqual({
      enable: true,
      type: 'JWT',
      issuer: TEST_ISSUER,
      sub: SEED_CLIENT_ID,
      jwks: JSON.stringify({ keys: [{ alg: 'RS256', e: TEST_JWK.e, kid: TEST_FACTS.keys[0].kid, kty: 'RSA', n: TEST_JWK.n, use: 'sig' }] }),
      tokenPosition: 'HEADER',
      tokenName: 'Authorization',
      tokenNamePrefix: 'Bearer ',
      tokenPass: false,
      isWhite: true,
      authResourceList: [{ domain: 'api.example.com', path: '/health' }, { domain: '*', path: '/public/*' }],
    });
    expect(findings).toEqual([]);
  });

  test('renders policy_config as canonical JSON: sorted keys, no whitespace, identical on every synth', () => {
    // GIVEN
    const first = build({ subject: SEED_CLIENT_ID }).auth.policyConfig;
    const second = build({ subject: SEED_CLIENT_ID }).auth.policyConfig;
    // WHEN
    const parsed = JSON.parse(first) as Record<string, unknown>;
    // THEN
    expect(first).toBe(second);
    expect(first).not.toMatch(/[\n\t]|": |, "/);
    expect(Object.keys(parsed)).toEqual([...Object.keys(parsed)].sort());
    expect(Object.keys(JSON.parse(parsed.jwks as string).keys[0])).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
  });

  test('defaults to an enabled, global whitelist with nothing exempt, Authorization: Bearer and no passthrough', () => {
    // GIVEN / WHEN
    const { stack } = build();
    const { policy, config } = policyOf(stack);
    // THEN
    expect(policy.attach_resource_type).toBe('Gateway');
    expect(config).toMatchObject({ enable: true, isWhite: true, authResourceList: [], tokenPosition: 'HEADER', tokenName: 'Authorization', tokenNamePrefix: 'Bearer ', tokenPass: false });
    expect(config).not.toHaveProperty('sub');
    expect(checkStack(stack)).toEqual({ errors: [], warnings: [], infos: [] });
  });

  test('configures every public signing key of the recorded JWKS (rotation), never a pasted one', () => {
    // GIVEN
    const next = rotatedKey();
    const stack = apigTestStack({ facts: factsWithKeys([...TEST_FACTS.keys, next, { ...rotatedKey('enc'), use: 'enc' }]) });
    // WHEN
    const { auth } = build({}, stack);
    const parsed = readJwtAuthPolicyConfig(auth.policyConfig);
    // THEN
    expect(auth.keys.map((k) => k.kid)).toEqual([TEST_FACTS.keys[0].kid, 'next-es256']);
    expect(typeof parsed !== 'string' && parsed.jwks).toEqual({ keys: [
      { alg: 'RS256', e: TEST_JWK.e, kid: TEST_FACTS.keys[0].kid, kty: 'RSA', n: TEST_JWK.n, use: 'sig' },
      { alg: 'ES256', crv: 'P-256', kid: 'next-es256', kty: 'EC', use: 'sig', x: next.jwk.x, y: next.jwk.y },
    ] });
  });

  test('reads the token from a query parameter without a prefix', () => {
    // GIVEN / WHEN
    const { stack } = build({ tokenSource: ApigTokenSource.query('access_token') });
    // THEN
    expect(policyOf(stack).config).toMatchObject({ tokenPosition: 'QUERY', tokenName: 'access_token', tokenNamePrefix: '' });
  });

  test('renders blacklist mode, a disabled rule and passthrough as asked', () => {
    // GIVEN / WHEN
    const { stack } = build({ enabled: false, passThroughToken: true, authorization: ApigAuthorization.blacklist([{ domain: 'api.example.com', path: '/admin/**' }]) });
    // THEN
    expect(policyOf(stack).config).toMatchObject({ enable: false, tokenPass: true, isWhite: false, authResourceList: [{ domain: 'api.example.com', path: '/admin/**' }] });
  });

  test.each([
    ['domains', ApigAttachment.domains(['d-abc123']), 'Domain', ['d-abc123']],
    ['HTTP APIs', ApigAttachment.httpApis(['api-abc123']), 'HttpApi', ['api-abc123']],
    ['operations', ApigAttachment.operations(['op-abc123']), 'Operation', ['op-abc123']],
    ['routes', ApigAttachment.routes(['hr-abc123', 'hr-def456']), 'GatewayRoute', ['hr-abc123', 'hr-def456']],
  ])('attaches to %s on request', (_label, attachTo, type, ids) => {
    // GIVEN / WHEN
    const { stack } = build({ attachTo });
    const { policy } = policyOf(stack);
    // THEN
    expect(policy).toMatchObject({ attach_resource_type: type, attach_resource_ids: ids, gateway_id: GATEWAY_ID, environment_id: ENVIRONMENT_ID });
    expect(validateTerraformStack(stack)).toEqual([]);
  });

  test('renames a policy_config key through policyConfigKeyNames (escape hatch), still canonical', () => {
    // GIVEN / WHEN
    const { auth } = build({ policyConfigKeyNames: { isWhite: 'IsWhite', path: 'Path' }, authorization: ApigAuthorization.whitelist([{ domain: '*', path: '/health' }]) });
    const config = JSON.parse(auth.policyConfig) as Record<string, unknown>;
    // THEN
    expect(config.IsWhite).toBe(true);
    expect(config).not.toHaveProperty('isWhite');
    expect(config.authResourceList).toEqual([{ Path: '/health', domain: '*' }]);
    expect(Object.keys(config)).toEqual([...Object.keys(config)].sort());
  });

  test('fails when a key rename collides with another key', () => {
    expect(() => build({ policyConfigKeyNames: { sub: 'issuer' } })).toThrow(/'policyConfigKeyNames.sub' renders the same name as 'issuer'/);
  });

  test('fails when a key rename names an unknown key', () => {
    expect(() => build({ policyConfigKeyNames: { iss: 'issuer' } as never })).toThrow(/'policyConfigKeyNames.iss' is not a JWTAuth policy_config key/);
  });

  test('fails when policyName is missing or not a console name', () => {
    expect(() => build({ policyName: '' })).toThrow(/'policyName' must be 1-64 letters/);
    expect(() => build({ policyName: 'a'.repeat(65) })).toThrow(/'policyName'/);
    expect(() => build({ policyName: 'a'.repeat(64) })).not.toThrow();
  });

  test('fails when subject is empty or padded', () => {
    expect(() => build({ subject: '' })).toThrow(/'subject' must be the exact, non-empty sub claim/);
    expect(() => build({ subject: ' app ' })).toThrow(/'subject'/);
  });

  test('fails when the token source name is not an HTTP token', () => {
    expect(() => build({ tokenSource: ApigTokenSource.header('X Token') })).toThrow(/'tokenSource' must name a header or query parameter/);
  });

  test('fails when a rule condition has a bad domain or path', () => {
    expect(() => build({ authorization: ApigAuthorization.whitelist([{ domain: 'https://api.example.com', path: '/x' }]) })).toThrow(/'authorization.rules\[0\].domain' must be a host name/);
    expect(() => build({ authorization: ApigAuthorization.whitelist([{ domain: '*', path: 'health' }]) })).toThrow(/'authorization.rules\[0\].path' must start with "\/"/);
    expect(() => build({ authorization: ApigAuthorization.whitelist([{ domain: '*', path: '/a*/b' }]) })).toThrow(/'authorization.rules\[0\].path'/);
    expect(() => build({ authorization: ApigAuthorization.whitelist([{ domain: '*', path: '/x?y=1' }]) })).toThrow(/'authorization.rules\[0\].path'/);
  });

  test('fails when a rule condition is listed twice', () => {
    expect(() => build({ authorization: ApigAuthorization.whitelist([{ domain: 'API.example.com', path: '/x' }, { domain: 'api.example.com', path: '/x' }]) }))
      .toThrow(/'authorization.rules\[1\]' repeats another condition/);
  });

  test('fails when an attachment lists no ids or more than 10', () => {
    expect(() => build({ attachTo: ApigAttachment.routes([]) })).toThrow(/'attachTo' must list 1 to 10 GatewayRoute ids/);
    const ten = Array.from({ length: 10 }, (_, i) => `hr-${i}`);
    expect(() => build({ attachTo: ApigAttachment.routes(ten) })).not.toThrow();
    expect(() => build({ attachTo: ApigAttachment.routes([...ten, 'hr-10']) })).toThrow(/'attachTo' must list 1 to 10/);
  });

  test('fails when the recorded JWKS has no public signing key', () => {
    // GIVEN
    const stack = apigTestStack({ facts: factsWithKeys([{ ...TEST_FACTS.keys[0], use: 'enc' }]) });
    // WHEN / THEN
    expect(() => build({}, stack)).toThrow(/'server' has no public signing key in its recorded JWKS/);
  });

  test('fails when the recorded JWKS holds private key material', () => {
    // GIVEN
    const stack = apigTestStack({ facts: factsWithKeys([{ ...TEST_FACTS.keys[0], jwk: { ...TEST_JWK, d: 'secret' } }]) });
    // WHEN / THEN
    expect(() => build({}, stack)).toThrow(/private members d/);
  });
});
