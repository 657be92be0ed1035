/**
 * The OCI signing-key prerequisite, against real loopback HTTPS servers: an identity domain whose
 * `/admin/v1/SigningCert/jwk` answers 401 without credentials (the default), and one that serves
 * it publicly (the setting switched on).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DemoSigningAlgorithm, generateSigningKey, publicSigningJwk } from '../../demo-issuer/signing-keys';
import { LookupErrorCode } from '../../lookups/errors';
import { isOciSigningKeysUrl } from '../../lookups/oci-signing-keys';
import { SILENT_LOGGER, prepareLookups } from '../../lookups/prepare';
import { tempDir, testPki, writeCaBundle } from '../support/pki';
import { type TestHttpsServer, startHttpsServer } from '../support/servers';

const tmp = tempDir('oci-signing-keys-');
const pki = testPki('oci-domain');
const key = generateSigningKey({ kid: 'SIGNING_KEY', alg: DemoSigningAlgorithm.RS256 });
let locked: TestHttpsServer;
let open: TestHttpsServer;
let caBundle: string;

/** An identity domain: discovery at the domain URL, keys at /admin/v1/SigningCert/jwk answering `jwkStatus`. */
function domainRoutes(jwkStatus: number) {
  return {
    '/.well-known/openid-configuration': {
      body: (origin: string) => JSON.stringify({ issuer: origin, jwks_uri: `${origin}/admin/v1/SigningCert/jwk`, token_endpoint: `${origin}/oauth2/v1/token` }),
    },
    '/admin/v1/SigningCert/jwk': jwkStatus === 200
      ? { body: JSON.stringify({ keys: [publicSigningJwk(key)] }) }
      : { status: jwkStatus, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], detail: 'This operation is not permitted. You do not have access.', status: String(jwkStatus) }) },
  };
}

beforeAll(async () => {
  locked = await startHttpsServer({
    certificates: pki,
    routes: {
      ...domainRoutes(401),
      // another identity provider whose JWKS needs credentials: the generic HTTP status error
      '/other/.well-known/openid-configuration': { body: (origin: string) => JSON.stringify({ issuer: `${origin}/other`, jwks_uri: `${origin}/other/jwks` }) },
      '/other/jwks': { status: 401, body: '{}' },
    },
  });
  open = await startHttpsServer({ certificates: pki, routes: domainRoutes(200) });
  caBundle = writeCaBundle(tmp.file('ca.pem'), pki.root.certPem);
});

afterAll(async () => {
  await Promise.all([locked.close(), open.close()]);
  tmp.cleanup();
});

const lookup = (issuer: string, lockName: string) => prepareLookups({
  issuers: [{ issuer }], lockPath: tmp.file(lockName), caBundlePath: caBundle, ci: false, logger: SILENT_LOGGER,
});

describe('OCI signing-key lookup', () => {
  test('fails with LOOKUP_OCI_SIGNING_KEYS_NOT_PUBLIC naming the domain setting when the signing-key URL answers 401', async () => {
    // WHEN
    const failure = lookup(locked.origin, 'locked.lock.json');
    // THEN
    await expect(failure).rejects.toMatchObject({
      code: LookupErrorCode.OCI_SIGNING_KEYS_NOT_PUBLIC,
      message: expect.stringMatching(/SigningCert\/jwk answered HTTP 401 without credentials.*"Configure client access" under "Access signing certificate"/),
    });
    expect(locked.requests).toContain('GET /admin/v1/SigningCert/jwk');
  });

  test('records the keys when the domain serves them without credentials', async () => {
    // WHEN
    const { issuers } = await lookup(open.origin, 'open.lock.json');
    // THEN
    expect(issuers[open.origin].jwksUri).toBe(`${open.origin}/admin/v1/SigningCert/jwk`);
    expect(issuers[open.origin].keys.map((k) => k.kid)).toEqual(['SIGNING_KEY']);
  });

  test('keeps the generic LOOKUP_HTTP_STATUS for a JWKS of another identity provider answering 401', async () => {
    await expect(lookup(`${locked.origin}/other`, 'other.lock.json')).rejects.toMatchObject({ code: LookupErrorCode.HTTP_STATUS, status: 401 });
  });

  test('recognizes only the signing-key path', () => {
    expect(isOciSigningKeysUrl('https://idcs-0123.identity.oraclecloud.com/admin/v1/SigningCert/jwk')).toBe(true);
    expect(isOciSigningKeysUrl('https://idp.example.com/oauth2/jwks')).toBe(false);
    expect(isOciSigningKeysUrl('not a url')).toBe(false);
  });
});
