import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Agent } from 'undici';
import { type DemoIssuer, startDemoIssuer } from '../../demo-issuer/demo-issuer';
import { DemoSigningAlgorithm, generateSigningKey, publicSigningJwk } from '../../demo-issuer/signing-keys';
import { LookupErrorCode } from '../../lookups/errors';
import { DEFAULT_FETCH_LIMITS, createLookupAgent } from '../../lookups/http-json';
import { fetchJwks } from '../../lookups/jwks';
import { loadTrustStore } from '../../lookups/trust';
import { tempDir, testPki, writeCaBundle } from '../support/pki';
import { type TestHttpsServer, startHttpsServer } from '../support/servers';

const tmp = tempDir();
const pki = testPki('jwks');
const ecKey = generateSigningKey({ kid: 'ec-1', alg: DemoSigningAlgorithm.ES256 });
const rsaKey = generateSigningKey({ kid: 'rsa-1', alg: DemoSigningAlgorithm.RS256 });
let agent: Agent;
let demo: DemoIssuer;
let docs: TestHttpsServer;

/** RFC 7638 computed by hand, independent of jose. */
function rfc7638(jwk: Record<string, string>): string {
  const required: Record<string, string[]> = { EC: ['crv', 'kty', 'x', 'y'], RSA: ['e', 'kty', 'n'], OKP: ['crv', 'kty', 'x'] };
  const canonical = `{${required[jwk.kty].map((m) => `"${m}":"${jwk[m]}"`).join(',')}}`;
  return createHash('sha256').update(canonical).digest('base64url');
}

const ecPublic = publicSigningJwk(ecKey);
const jwksDoc = (keys: unknown[]) => ({ body: JSON.stringify({ keys }) });

beforeAll(async () => {
  demo = await startDemoIssuer({ pki, signingKeys: [ecKey, rsaKey] });
  docs = await startHttpsServer({
    certificates: pki,
    routes: {
      '/empty': jwksDoc([]),
      '/no-keys': { body: '{"keyz":[]}' },
      '/private': jwksDoc([ecPublic, { ...ecKey }]),
      '/symmetric': jwksDoc([{ kty: 'oct', k: 'c2VjcmV0', kid: 'hmac', alg: 'HS256' }]),
      '/no-public-part': jwksDoc([{ kty: 'RSA', kid: 'half', e: 'AQAB' }]),
      '/bad-point': jwksDoc([{ ...ecPublic, x: ecPublic.y, y: ecPublic.x }]),
      '/unknown-kty': jwksDoc([{ kty: 'PQC', kid: 'future', pub: 'abc' }]),
      '/no-alg': jwksDoc([{ kty: ecPublic.kty, crv: ecPublic.crv, x: ecPublic.x, y: ecPublic.y }]),
    },
  });
  agent = createLookupAgent(loadTrustStore(writeCaBundle(tmp.file('ca.pem'), pki.root.certPem)), 5_000);
});

afterAll(async () => {
  await agent.close();
  await Promise.all([demo.close(), docs.close()]);
  tmp.cleanup();
});

const jwksAt = (url: string) => fetchJwks('https://issuer.test', url, { agent, limits: DEFAULT_FETCH_LIMITS });

describe('fetchJwks', () => {
  test('records kid, kty, alg, use and the RFC 7638 thumbprint of every key of a real oidc-provider', async () => {
    // WHEN
    const keys = await jwksAt(`${demo.issuer}/jwks`);

    // THEN
    expect(keys.map((k) => [k.kid, k.kty, k.alg, k.use])).toEqual([
      ['ec-1', 'EC', 'ES256', 'sig'],
      ['rsa-1', 'RSA', 'RS256', 'sig'],
    ]);
    expect(keys[0].thumbprint).toBe(rfc7638(ecPublic));
    expect(keys[1].thumbprint).toBe(rfc7638(publicSigningJwk(rsaKey)));
  });

  test('records the public JWK with public members only, keys sorted', async () => {
    // WHEN
    const [ec] = await jwksAt(`${demo.issuer}/jwks`);

    // THEN
    expect(Object.keys(ec.jwk)).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    expect(ec.jwk).toEqual({ alg: 'ES256', crv: 'P-256', kid: 'ec-1', kty: 'EC', use: 'sig', x: ecPublic.x, y: ecPublic.y });
  });

  test('accepts keys without alg, kid or use', async () => {
    // WHEN
    const [key] = await jwksAt(`${docs.origin}/no-alg`);

    // THEN
    expect(key).toEqual({ kty: 'EC', thumbprint: rfc7638(ecPublic), jwk: { crv: 'P-256', kty: 'EC', x: ecPublic.x, y: ecPublic.y } });
  });

  test('fails when the JWKS is empty', async () => {
    await expect(jwksAt(`${docs.origin}/empty`)).rejects.toMatchObject({
      code: LookupErrorCode.JWKS_EMPTY,
      message: expect.stringContaining('has no keys'),
    });
  });

  test('fails when the document has no keys array', async () => {
    await expect(jwksAt(`${docs.origin}/no-keys`)).rejects.toMatchObject({ code: LookupErrorCode.JWKS_INVALID });
  });

  test('fails when a key has private members', async () => {
    await expect(jwksAt(`${docs.origin}/private`)).rejects.toMatchObject({
      code: LookupErrorCode.JWKS_PRIVATE_KEY,
      message: expect.stringMatching(/key #1 \(kid "ec-1"\) contains private key members, got \["d"\]/),
    });
  });

  test('fails when a key is a symmetric oct key', async () => {
    await expect(jwksAt(`${docs.origin}/symmetric`)).rejects.toMatchObject({
      code: LookupErrorCode.JWKS_SYMMETRIC_KEY,
      message: expect.stringContaining("'oct'"),
    });
  });

  test('fails when a key has no usable public part', async () => {
    await expect(jwksAt(`${docs.origin}/no-public-part`)).rejects.toMatchObject({
      code: LookupErrorCode.JWKS_KEY_INVALID,
      message: expect.stringContaining('missing n'),
    });
  });

  test('fails when a key cannot be imported', async () => {
    await expect(jwksAt(`${docs.origin}/bad-point`)).rejects.toMatchObject({ code: LookupErrorCode.JWKS_KEY_INVALID });
  });

  test('fails when a key has an unsupported kty', async () => {
    await expect(jwksAt(`${docs.origin}/unknown-kty`)).rejects.toMatchObject({
      code: LookupErrorCode.JWKS_KEY_INVALID,
      message: expect.stringContaining("unsupported 'kty'"),
    });
  });
});
