import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { importJWK, jwtVerify } from 'jose';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type DemoIssuer, startDemoIssuer } from '../../demo-issuer/demo-issuer';
import { DEMO_FIXTURES_DIR, DEMO_FIXTURE_FILES, loadDemoFixtures } from '../../demo-issuer/fixtures';
import { ChainShape } from '../../demo-issuer/pki';
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
