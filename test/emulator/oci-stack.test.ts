/**
 * The OCI emulator's reading of synthesized deployments: anything it cannot enforce faithfully is
 * answered with 500 `unsupported`, never with an ALLOW; routing by prefix, path and method.
 * No token is needed for these answers, so no issuer runs here (the token paths are in oci.e2e).
 */
import { describe, expect, test } from 'vitest';
import { OciGatewayEmulator, hasOciDeployments, loadOciDeployments, readOciDeployments } from '../../emulator';

/** A synthesized stack with one deployment whose authentication is `authentication`. */
function stack(authentication: unknown, routes: unknown[] = [{ path: '/1', methods: ['GET'], backend: { type: 'HTTP_BACKEND', url: 'https://b/1' }, request_policies: { authorization: { type: 'ANY_OF', allowed_scope: ['A'] } } }]) {
  return {
    resource: {
      oci_apigateway_deployment: {
        Api: { display_name: 'api', path_prefix: '/test', specification: { request_policies: { authentication }, routes } },
      },
    },
  };
}

const TOKEN_AUTH = {
  type: 'TOKEN_AUTHENTICATION',
  token_header: 'Authorization',
  token_auth_scheme: 'Bearer',
  is_anonymous_access_allowed: false,
  validation_policy: { type: 'REMOTE_JWKS', uri: 'https://idp.example.test/jwks', additional_validation_policy: { issuers: ['https://idp.example.test'], audiences: ['api'] } },
};

async function answer(authentication: unknown, request: { method?: string; path?: string; headers?: Record<string, string> } = {}) {
  const emulator = OciGatewayEmulator.fromStack(stack(authentication));
  try {
    return await emulator.handle({ method: request.method ?? 'GET', path: request.path ?? '/test/1', headers: request.headers ?? { authorization: 'Bearer x.y.z' } });
  } finally {
    await emulator.close();
  }
}

describe('loadOciDeployments', () => {
  test('reads prefix, routes, authorization and the token policy', () => {
    const [deployment] = loadOciDeployments(stack({ ...TOKEN_AUTH, max_clock_skew_in_seconds: 60, validation_failure_policy: { type: 'MODIFY_RESPONSE', response_code: '403', response_message: 'no' } }));
    expect(deployment).toMatchObject({
      name: 'api',
      pathPrefix: '/test',
      routes: [{ path: '/1', methods: ['GET'], authorization: { type: 'ANY_OF', allowedScopes: ['A'] }, backendUrl: 'https://b/1' }],
      authentication: { policy: { type: 'TOKEN_AUTHENTICATION', tokenHeader: 'authorization', tokenAuthScheme: 'Bearer', jwksUri: 'https://idp.example.test/jwks', issuers: ['https://idp.example.test'], audiences: ['api'], maxClockSkewSeconds: 60, failureStatus: 403, failureMessage: 'no' } },
    });
    expect(hasOciDeployments(stack(TOKEN_AUTH))).toBe(true);
    expect(hasOciDeployments({ resource: { alicloud_api_gateway_api: {} } })).toBe(false);
  });

  test('reads bool attributes as Terraform converts them ("1" is true): anonymous access is never hidden', () => {
    for (const [value, expected] of [[true, true], ['true', true], ['1', true], [false, false], ['false', false], ['0', false]] as const) {
      const [declared] = readOciDeployments(stack({ ...TOKEN_AUTH, is_anonymous_access_allowed: value }));
      expect(declared.authentication?.isAnonymousAccessAllowed, String(value)).toBe(expected);
    }
  });

  test('readOciDeployments returns the same deployment as declared (the access map shows it), the emulator normalizes it', () => {
    const [declared] = readOciDeployments(stack({ ...TOKEN_AUTH, type: 'token_authentication' }));
    expect(declared).toMatchObject({
      address: 'oci_apigateway_deployment.Api',
      displayName: 'api',
      pathPrefix: '/test',
      routes: [{ path: '/1', methods: ['GET'], authorization: { type: 'ANY_OF', allowedScopes: ['A'] }, backendUrl: 'https://b/1' }],
      authentication: {
        type: 'token_authentication', tokenHeader: 'Authorization', tokenAuthScheme: 'Bearer', isAnonymousAccessAllowed: false,
        keys: { type: 'REMOTE_JWKS', uri: 'https://idp.example.test/jwks', keyIds: [] }, issuers: ['https://idp.example.test'], audiences: ['api'], verifyClaims: [],
      },
    });
    const [emulated] = loadOciDeployments(stack({ ...TOKEN_AUTH, type: 'token_authentication' }));
    expect(emulated.authentication.policy).toMatchObject({ type: 'TOKEN_AUTHENTICATION', tokenHeader: 'authorization' });
  });

  test('fails on something that is not a synthesized stack', () => {
    expect(() => loadOciDeployments([])).toThrow(/must be a JSON object/);
    expect(() => readOciDeployments([])).toThrow(/must be a JSON object/);
  });
});

describe('OciGatewayEmulator (what it cannot enforce answers 500 unsupported)', () => {
  test.each([
    ['no authentication policy', undefined, /no authentication policy/],
    ['custom authentication', { type: 'CUSTOM_AUTHENTICATION', function_id: 'ocid1.fnfunc.oc1..x' }, /CUSTOM_AUTHENTICATION.* is not emulated/],
    ['introspection', { ...TOKEN_AUTH, validation_policy: { type: 'REMOTE_DISCOVERY' } }, /REMOTE_DISCOVERY.* is not emulated/],
    ['static keys', { ...TOKEN_AUTH, validation_policy: { type: 'STATIC_KEYS' } }, /STATIC_KEYS.* is not emulated/],
    ['a JWKS URI known at apply time', { ...TOKEN_AUTH, validation_policy: { ...TOKEN_AUTH.validation_policy, uri: '${var.jwks}' } }, /JWKS URI is not a literal/],
    ['a client id known at apply time', { ...TOKEN_AUTH, validation_policy: { ...TOKEN_AUTH.validation_policy, additional_validation_policy: { ...TOKEN_AUTH.validation_policy.additional_validation_policy, verify_claims: [{ key: 'client_id', values: ['${oci_identity_domains_app.c.name}'] }] } } }, /verify-claim is not literal/],
    ['an OAuth2 failure policy', { ...TOKEN_AUTH, validation_failure_policy: { type: 'OAUTH2' } }, /OAUTH2.* is not emulated/],
    ['a failure status that is no HTTP status', { ...TOKEN_AUTH, validation_failure_policy: { type: 'MODIFY_RESPONSE', response_code: 'abc' } }, /response_code "abc" is not an HTTP status/],
  ])('%s', async (_name, authentication, reason) => {
    const res = await answer(authentication);
    expect(res).toMatchObject({ status: 500, decision: 'DENY', unsupported: true });
    expect(res.reason).toMatch(reason);
  });
});

describe('OciGatewayEmulator routing', () => {
  test('no matching prefix, path or method → 404 without touching the token', async () => {
    expect(await answer(TOKEN_AUTH, { path: '/other/1' })).toMatchObject({ status: 404, decision: 'DENY' });
    expect(await answer(TOKEN_AUTH, { path: '/test/2' })).toMatchObject({ status: 404 });
    expect(await answer(TOKEN_AUTH, { method: 'POST' })).toMatchObject({ status: 404 });
    expect(await answer(TOKEN_AUTH, { path: '/test1' })).toMatchObject({ status: 404 });
  });

  test('matches {param} and a final {param*} segment, and ANY', async () => {
    const emulator = OciGatewayEmulator.fromStack(stack(TOKEN_AUTH, [
      { path: '/users/{id}', methods: ['GET'], backend: { url: 'https://b/u' } },
      { path: '/files/{path*}', methods: ['ANY'], backend: { url: 'https://b/f' } },
    ]));
    try {
      const route = async (method: string, path: string) => (await emulator.handle({ method, path })).status;
      // a route that matches asks for a token (401), one that does not is 404
      expect(await route('GET', '/test/users/42')).toBe(401);
      expect(await route('GET', '/test/users/')).toBe(404);
      expect(await route('GET', '/test/users/42/x')).toBe(404);
      expect(await route('DELETE', '/test/files/a/b/c')).toBe(401);
      expect(await route('GET', '/test/files')).toBe(404);
    } finally {
      await emulator.close();
    }
  });

  test('a token under another scheme or in no header is no token: the failure status', async () => {
    expect(await answer(TOKEN_AUTH, { headers: { authorization: 'Basic x.y.z' } })).toMatchObject({ status: 401, reason: expect.stringMatching(/no token in header authorization \(Bearer scheme\)/) });
    expect(await answer({ ...TOKEN_AUTH, validation_failure_policy: { type: 'MODIFY_RESPONSE', response_code: '403' } }, { headers: {} })).toMatchObject({ status: 403, decision: 'DENY' });
  });
});
