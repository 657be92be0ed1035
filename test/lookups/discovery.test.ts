import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Agent } from 'undici';
import { type DemoIssuer, startDemoIssuer } from '../../demo-issuer/demo-issuer';
import { fetchDiscovery } from '../../lookups/discovery';
import { LookupErrorCode } from '../../lookups/errors';
import { DEFAULT_FETCH_LIMITS, createLookupAgent } from '../../lookups/http-json';
import { loadTrustStore } from '../../lookups/trust';
import { tempDir, testPki, writeCaBundle } from '../support/pki';
import { type ServedDocument, type TestHttpsServer, startHttpsServer } from '../support/servers';

const tmp = tempDir();
const pki = testPki('discovery');
let agent: Agent;
let demo: DemoIssuer;
let docs: TestHttpsServer;

const WELL_KNOWN = '/.well-known/openid-configuration';
const discoveryAt = (prefix: string, doc: (origin: string) => unknown): Record<string, ServedDocument> => ({
  [`${prefix}${WELL_KNOWN}`]: { body: (origin) => JSON.stringify(doc(origin)) },
});

beforeAll(async () => {
  demo = await startDemoIssuer({ pki });
  // Hand-served documents only for the malformed cases.
  docs = await startHttpsServer({
    certificates: pki,
    routes: {
      ...discoveryAt('/mismatch', () => ({ issuer: 'https://attacker.example', jwks_uri: 'https://attacker.example/jwks' })),
      ...discoveryAt('/trailing', (o) => ({ issuer: `${o}/trailing/`, jwks_uri: `${o}/jwks` })),
      ...discoveryAt('/no-jwks', (o) => ({ issuer: `${o}/no-jwks`, token_endpoint: `${o}/token` })),
      ...discoveryAt('/http-jwks', (o) => ({ issuer: `${o}/http-jwks`, jwks_uri: `${o.replace('https:', 'http:')}/jwks` })),
      ...discoveryAt('/bad-token', (o) => ({ issuer: `${o}/bad-token`, jwks_uri: `${o}/jwks`, token_endpoint: 42 })),
      [`/html${WELL_KNOWN}`]: { headers: { 'content-type': 'text/html' }, body: '<html>sign in</html>' },
      [`/huge${WELL_KNOWN}`]: { body: (o) => JSON.stringify({ issuer: `${o}/huge`, jwks_uri: `${o}/jwks`, pad: 'x'.repeat(1_100_000) }) },
    },
  });
  agent = createLookupAgent(loadTrustStore(writeCaBundle(tmp.file('ca.pem'), pki.root.certPem)), 5_000);
});

afterAll(async () => {
  await agent.close();
  await Promise.all([demo.close(), docs.close()]);
  tmp.cleanup();
});

const discover = (issuer: string) => fetchDiscovery(issuer, { agent, limits: DEFAULT_FETCH_LIMITS });

describe('fetchDiscovery', () => {
  test('reads jwks_uri and token_endpoint from a real oidc-provider', async () => {
    // WHEN
    const facts = await discover(demo.issuer);

    // THEN
    expect(facts).toEqual({
      issuer: demo.issuer,
      jwksUri: `${demo.issuer}/jwks`,
      tokenEndpoint: `${demo.issuer}/token`,
      documentUrl: `${demo.issuer}${WELL_KNOWN}`,
    });
  });

  test('removes a trailing slash of the issuer before appending the well-known path', async () => {
    // GIVEN an issuer configured with its trailing slash, as its document states it
    const issuer = `${docs.origin}/trailing/`;

    // WHEN
    const facts = await discover(issuer);

    // THEN
    expect(facts.issuer).toBe(issuer);
    expect(docs.requests).toContain(`GET /trailing${WELL_KNOWN}`);
  });

  test('fails when the issuer uses http', async () => {
    await expect(discover(demo.issuer.replace('https:', 'http:'))).rejects.toMatchObject({
      code: LookupErrorCode.ISSUER_INVALID,
      message: expect.stringContaining('must use https'),
    });
  });

  test.each([
    ['a query', '?tenant=a'],
    ['a fragment', '#frag'],
    ['an empty query', '?'],
  ])('fails when the issuer has %s', async (_what, suffix) => {
    await expect(discover(`${demo.issuer}${suffix}`)).rejects.toMatchObject({ code: LookupErrorCode.ISSUER_INVALID });
  });

  test('fails when the issuer is not a URL', async () => {
    await expect(discover('idp.example.com')).rejects.toMatchObject({ code: LookupErrorCode.ISSUER_INVALID });
  });

  test('fails when the document names another issuer', async () => {
    await expect(discover(`${docs.origin}/mismatch`)).rejects.toMatchObject({
      code: LookupErrorCode.ISSUER_MISMATCH,
      message: expect.stringContaining('https://attacker.example'),
    });
  });

  test('fails when the configured issuer differs only by a trailing slash', async () => {
    await expect(discover(`${demo.issuer}/`)).rejects.toMatchObject({ code: LookupErrorCode.ISSUER_MISMATCH });
  });

  test('fails when jwks_uri is missing', async () => {
    await expect(discover(`${docs.origin}/no-jwks`)).rejects.toMatchObject({
      code: LookupErrorCode.DISCOVERY_INVALID,
      message: expect.stringContaining("no 'jwks_uri'"),
    });
  });

  test('fails when jwks_uri is not https', async () => {
    await expect(discover(`${docs.origin}/http-jwks`)).rejects.toMatchObject({
      code: LookupErrorCode.DISCOVERY_INVALID,
      message: expect.stringContaining('must use https'),
    });
  });

  test('fails when token_endpoint is not a string', async () => {
    await expect(discover(`${docs.origin}/bad-token`)).rejects.toMatchObject({ code: LookupErrorCode.DISCOVERY_INVALID });
  });

  test('fails when the discovery document is not JSON', async () => {
    await expect(discover(`${docs.origin}/html`)).rejects.toMatchObject({ code: LookupErrorCode.NOT_JSON });
  });

  test('fails when the discovery document is larger than 1 MiB', async () => {
    await expect(discover(`${docs.origin}/huge`)).rejects.toMatchObject({ code: LookupErrorCode.TOO_LARGE });
  });

  test('fails when the discovery document is missing', async () => {
    await expect(discover(`${docs.origin}/nothing-here`)).rejects.toMatchObject({ code: LookupErrorCode.HTTP_STATUS });
  });
});
