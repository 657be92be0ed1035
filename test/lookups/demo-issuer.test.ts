import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeJwt, importJWK, jwtVerify } from 'jose';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type DemoIssuer, startDemoIssuer } from '../../demo-issuer/demo-issuer';
import { DEMO_FIXTURES_DIR, DEMO_FIXTURE_FILES, loadDemoFixtures } from '../../demo-issuer/fixtures';
import { ChainShape } from '../../demo-issuer/pki';
import { ScopeRequestError, resolveScopeRequest } from '../../demo-issuer/scopes';
import { SILENT_LOGGER, prepareLookups } from '../../lookups/prepare';
import { opensslSha1, opensslShowcerts, tempDir, testPki, writeCaBundle } from '../support/pki';

const tmp = tempDir();
const pki = testPki('demo');
let caBundle: string;
let demo: DemoIssuer;

beforeAll(async () => {
  caBundle = writeCaBundle(tmp.file('ca.pem'), pki.root.certPem);
  demo = await startDemoIssuer({ pki });
});
afterAll(async () => {
  await demo.close();
  tmp.cleanup();
});

async function clientCredentialsToken(issuer: DemoIssuer, ca: string): Promise<string> {
  const agent = new Agent({ connect: { ca } });
  try {
    const basic = Buffer.from(`${issuer.client.clientId}:${issuer.client.clientSecret}`).toString('base64');
    const response = await request(issuer.tokenEndpoint, {
      method: 'POST',
      dispatcher: agent,
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    const body = (await response.body.json()) as { access_token?: string };
    if (!body.access_token) throw new Error(`no access token: ${JSON.stringify(body)}`);
    return body.access_token;
  } finally {
    await agent.close();
  }
}

describe('startDemoIssuer', () => {
  test('issues client_credentials JWTs that verify with the public key recorded in the lock', async () => {
    // GIVEN
    const { issuers } = await prepareLookups({ issuers: [{ issuer: demo.issuer }], lockPath: tmp.file('lock.json'), caBundlePath: caBundle, ci: false, logger: SILENT_LOGGER });
    const recorded = issuers[demo.issuer].keys[0];

    // WHEN
    const token = await clientCredentialsToken(demo, pki.root.certPem);

    // THEN
    const { payload, protectedHeader } = await jwtVerify(token, await importJWK(recorded.jwk, recorded.alg), {
      issuer: demo.issuer,
      audience: demo.audience,
    });
    expect(protectedHeader.kid).toBe(recorded.kid);
    expect(payload.client_id).toBe(demo.client.clientId);
  });

  test.each([
    [ChainShape.LEAF_ONLY, 1],
    [ChainShape.LEAF_AND_INTERMEDIATE, 2],
    [ChainShape.FULL_CHAIN, 3],
  ] as const)('sends the %s chain', async (shape, count) => {
    // GIVEN
    const shaped = await startDemoIssuer({ pki, chainShape: shape });
    try {
      // WHEN
      const shown = await opensslShowcerts(shaped.port);

      // THEN
      expect(shown.map(opensslSha1)).toEqual([pki.leaf, pki.intermediate, pki.root].slice(0, count).map((c) => opensslSha1(c.certPem)));
    } finally {
      await shaped.close();
    }
  });

  test('serves the committed fixtures, so a lock recorded from them stays valid', async () => {
    // GIVEN
    const fixtures = loadDemoFixtures();
    const fixed = await startDemoIssuer({ pki: fixtures.certificates, signingKeys: fixtures.signingKeys });
    try {
      // WHEN
      const { issuers } = await prepareLookups({
        issuers: [{ issuer: fixed.issuer }],
        lockPath: tmp.file('fixture-lock.json'),
        caBundlePath: path.join(DEMO_FIXTURES_DIR, DEMO_FIXTURE_FILES.rootCert),
        ci: false,
        logger: SILENT_LOGGER,
      });

      // THEN
      const intermediate = readFileSync(path.join(DEMO_FIXTURES_DIR, DEMO_FIXTURE_FILES.intermediateCert), 'utf8');
      expect(issuers[fixed.issuer].fingerprints).toEqual([opensslSha1(intermediate)]);
      expect(issuers[fixed.issuer].keys.map((k) => [k.kid, k.alg])).toEqual([['demo-fixture-rs256', 'RS256']]);
    } finally {
      await fixed.close();
    }
  });
});

describe('startDemoIssuer as an IDaaS M2M server (audience, scope catalog, clients and their grants)', () => {
  const AUDIENCE = 'https://localhost:8443/demo-api';
  const SCOPES = ['user:read:one', 'user:read:one-admin', 'user:write:one'];
  const READER = { clientId: 'app_reader', clientSecret: 'reader-secret', grantedScopes: ['user:read:one'] };
  const WRITER = { clientId: 'app_writer', clientSecret: 'writer-secret', grantedScopes: ['user:write:one', 'user:read:one'] };
  let m2m: DemoIssuer;

  beforeAll(async () => {
    m2m = await startDemoIssuer({ pki, audience: AUDIENCE, scopes: SCOPES, clients: [READER, WRITER], accessTokenTtlSeconds: 120 });
  });
  afterAll(async () => {
    await m2m.close();
  });

  test('issues each client a JWT with aud, client_id, sub = client id, jti, iss, exp = iat + TTL and the requested scope', async () => {
    // WHEN
    const res = await m2m.requestToken({ clientId: READER.clientId, scope: `${AUDIENCE}|user:read:one` });

    // THEN
    expect(res).toMatchObject({ status: 200, body: { token_type: 'Bearer', expires_in: 120, scope: 'user:read:one' } });
    const claims = decodeJwt(res.accessToken!);
    expect(claims).toEqual({
      iss: m2m.issuer, aud: AUDIENCE, client_id: READER.clientId, sub: READER.clientId, scope: 'user:read:one',
      jti: expect.any(String), iat: expect.any(Number), exp: claims.iat! + 120,
    });
    expect(m2m.clients.map((c) => [c.clientId, c.grantedScopes])).toEqual([[READER.clientId, ['user:read:one']], [WRITER.clientId, ['user:read:one', 'user:write:one']]]);
  });

  test.each([
    ['<audience>|<scope> (IDaaS)', `${AUDIENCE}|user:write:one`, 'user:write:one'],
    ['<audience>|.all (every granted scope)', `${AUDIENCE}|.all`, 'user:read:one user:write:one'],
    ['plain scope names', 'user:write:one user:read:one', 'user:read:one user:write:one'],
    ['both forms of one scope', `user:read:one ${AUDIENCE}|user:read:one`, 'user:read:one'],
  ])('reads %s: the token and the response carry scope names only', async (_form, scope, expected) => {
    // WHEN
    const res = await m2m.requestToken({ clientId: WRITER.clientId, scope });

    // THEN
    expect(res.body.scope).toBe(expected);
    expect(decodeJwt(res.accessToken!).scope).toBe(expected);
  });

  test('issues a token without scope when none is asked for', async () => {
    // WHEN
    const res = await m2m.requestToken({ clientId: WRITER.clientId, scope: null });

    // THEN
    expect(res.status).toBe(200);
    expect(res.body.scope).toBeUndefined();
    expect(decodeJwt(res.accessToken!).scope).toBeUndefined();
  });

  test.each([
    ['a scope the client is not granted', `${AUDIENCE}|user:write:one`, '"user:write:one" is not granted to client app_reader'],
    ['a granted scope next to an ungranted one', 'user:read:one user:read:one-admin', '"user:read:one-admin" is not granted to client app_reader'],
    ['a scope outside the catalog', `${AUDIENCE}|user:delete:all`, '"user:delete:all" is not a scope of'],
    ['another resource server', 'https://other.example.test|user:read:one', '"https://other.example.test" is not the resource server of this issuer'],
  ])('refuses %s with invalid_scope', async (_case, scope, description) => {
    // WHEN
    const res = await m2m.requestToken({ clientId: READER.clientId, scope });

    // THEN
    expect(res.status).toBe(400);
    expect(res.accessToken).toBeUndefined();
    expect(res.body).toMatchObject({ error: 'invalid_scope', error_description: expect.stringContaining(description) });
  });

  test('refuses a client with a wrong secret (invalid_client)', async () => {
    // WHEN
    const status = await fetchWithSecret(m2m, READER.clientId, WRITER.clientSecret);

    // THEN
    expect(status).toBe(401);
  });

  test('formats IDaaS scope requests', () => {
    expect(m2m.requestScope()).toBe(`${AUDIENCE}|.all`);
    expect(m2m.requestScope(['user:read:one', 'user:write:one'])).toBe(`${AUDIENCE}|user:read:one ${AUDIENCE}|user:write:one`);
  });

  test.each([
    [{ client: READER, clients: [WRITER] }, 'either client or clients'],
    [{ clients: [] }, 'clients must not be empty'],
    [{ scopes: SCOPES, clients: [READER, READER] }, 'client app_reader is listed twice'],
    [{ scopes: ['user:read:one'], clients: [WRITER] }, 'client app_writer is granted user:write:one, not in the scope catalog'],
    [{ scopes: [] }, 'scopes must not be empty'],
    [{ scopes: ['a|b'] }, 'must be a scope token'],
    [{ scopes: ['.all'] }, 'must be a scope token'],
    [{ scopes: ['two words'] }, 'must be a scope token'],
    [{ accessTokenTtlSeconds: 0 }, 'accessTokenTtlSeconds must be a positive integer'],
  ] as const)('rejects the options %j', async (options, message) => {
    await expect(startDemoIssuer({ pki, ...options })).rejects.toThrow(message);
  });

  test('keeps the single-client defaults: demo-client granted the one scope `api` of https://api.example.test, 300 s', async () => {
    // WHEN
    const res = await demo.requestToken();

    // THEN
    expect(demo.clients).toEqual([{ clientId: 'demo-client', clientSecret: 'demo-client-secret', grantedScopes: ['api'] }]);
    expect(decodeJwt(res.accessToken!)).toMatchObject({ aud: 'https://api.example.test', client_id: 'demo-client', scope: 'api' });
    expect(res.body.expires_in).toBe(300);
  });
});

describe('resolveScopeRequest', () => {
  const policy = { audience: 'https://api.test', catalog: ['a', 'b', 'c'], granted: ['a', 'c'], clientId: 'x' };

  test.each([
    [undefined, []],
    ['', []],
    ['c a', ['a', 'c']],
    ['https://api.test|c  https://api.test|a', ['a', 'c']],
    ['https://api.test|.all', ['a', 'c']],
    ['a https://api.test|.all a', ['a', 'c']],
  ])('reads %j as %j (catalog order, no duplicates)', (request, expected) => {
    expect(resolveScopeRequest(request, policy)).toEqual(expected);
  });

  test.each([['b'], ['https://api.test|b'], ['d'], ['.all'], ['https://other.test|.all'], ['|a']])('refuses %j', (request) => {
    expect(() => resolveScopeRequest(request, policy)).toThrow(ScopeRequestError);
  });
});

async function fetchWithSecret(issuer: DemoIssuer, clientId: string, secret: string): Promise<number> {
  const agent = new Agent({ connect: { ca: issuer.caPem } });
  try {
    const response = await request(issuer.tokenEndpoint, {
      method: 'POST',
      dispatcher: agent,
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    await response.body.dump();
    return response.statusCode;
  } finally {
    await agent.close();
  }
}
