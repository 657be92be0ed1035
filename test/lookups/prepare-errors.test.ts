import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateSelfSignedCertificate, issueLeafCertificate } from '../../demo-issuer/pki';
import { generateSigningKey } from '../../demo-issuer/signing-keys';
import { LookupErrorCode } from '../../lookups/errors';
import { writeLockFile } from '../../lookups/lock-file';
import { type PrepareLookupsOptions, prepareLookups } from '../../lookups/prepare';
import { issuerFacts } from '../support/facts';
import { recordingLogger, snapshotFile } from '../support/lookups';
import { tempDir, testPki, writeCaBundle } from '../support/pki';
import { type TestHttpsServer, type TestServer, closedPort, startHttpsServer, startSilentServer } from '../support/servers';

const tmp = tempDir();
const pki = testPki('errors');
const signingKey = generateSigningKey({ kid: 'k' });
const { d: _d, ...publicKey } = signingKey;
let caBundle: string;
let lockPath: string;
let docs: TestHttpsServer;
let silent: TestServer;
let hanging: TestHttpsServer;
const extraServers: TestHttpsServer[] = [];

const WELL_KNOWN = '/.well-known/openid-configuration';

/** Hand-served discovery + JWKS for the malformed cases, issuer = `<origin>/<name>`. */
function issuerRoutes(name: string, discovery: (origin: string) => unknown, jwks: unknown = { keys: [publicKey] }) {
  return {
    [`/${name}${WELL_KNOWN}`]: { body: (o: string) => JSON.stringify(discovery(o)) },
    [`/${name}/jwks`]: { body: JSON.stringify(jwks) },
  };
}
const wellFormed = (name: string) => (o: string) => ({ issuer: `${o}/${name}`, jwks_uri: `${o}/${name}/jwks` });

beforeAll(async () => {
  caBundle = writeCaBundle(tmp.file('ca.pem'), pki.root.certPem);
  lockPath = tmp.file('lookups.lock.json');
  // an existing lock with an unrelated issuer: every failure must leave these bytes alone
  writeLockFile(lockPath, { version: 1, issuers: { 'https://idp.example.com': issuerFacts() } });
  docs = await startHttpsServer({
    certificates: pki,
    routes: {
      ...issuerRoutes('ok', wellFormed('ok')),
      ...issuerRoutes('mismatch', (o) => ({ issuer: `${o}/someone-else`, jwks_uri: `${o}/mismatch/jwks` })),
      ...issuerRoutes('no-jwks-uri', (o) => ({ issuer: `${o}/no-jwks-uri` })),
      ...issuerRoutes('empty-jwks', wellFormed('empty-jwks'), { keys: [] }),
      ...issuerRoutes('private-key', wellFormed('private-key'), { keys: [signingKey] }),
      ...issuerRoutes('symmetric-key', wellFormed('symmetric-key'), { keys: [{ kty: 'oct', k: 'AAAA', alg: 'HS256' }] }),
      [`/not-json${WELL_KNOWN}`]: { headers: { 'content-type': 'text/html' }, body: '<html></html>' },
      [`/oversized${WELL_KNOWN}`]: { body: JSON.stringify({ pad: 'x'.repeat(1_200_000) }) },
    },
  });
  silent = await startSilentServer();
  hanging = await startHttpsServer({ certificates: pki, handler: () => undefined });
});

afterAll(async () => {
  await Promise.all([docs.close(), silent.close(), hanging.close(), ...extraServers.map((s) => s.close())]);
  tmp.cleanup();
});

async function expectFailureLeavingLock(issuer: string, code: LookupErrorCode, extra: Partial<PrepareLookupsOptions> = {}) {
  // GIVEN
  const before = snapshotFile(lockPath);

  // WHEN
  const outcome = prepareLookups({
    issuers: [{ issuer }],
    lockPath,
    caBundlePath: caBundle,
    ci: false,
    timeoutMs: 2_000,
    logger: recordingLogger(),
    ...extra,
  });

  // THEN
  await expect(outcome).rejects.toMatchObject({ code, message: expect.stringContaining(issuer) });
  expect(snapshotFile(lockPath)).toEqual(before);
}

async function serverWith(certPem: string, keyPem: string): Promise<TestHttpsServer> {
  const server = await startHttpsServer({ certificates: { keyPem, chainPem: certPem + pki.intermediate.certPem }, handler: (_q, r) => r.end() });
  extraServers.push(server);
  return server;
}

describe('prepareLookups errors', () => {
  test('succeeds against the well-formed hand-served issuer (control case)', async () => {
    // GIVEN
    const issuer = `${docs.origin}/ok`;

    // WHEN
    const result = await prepareLookups({ issuers: [{ issuer }], lockPath: tmp.file('control.json'), caBundlePath: caBundle, ci: false, logger: recordingLogger() });

    // THEN
    expect(result.issuers[issuer].keys[0].kid).toBe('k');
  });

  test('fails when the issuer uses http', async () => {
    await expectFailureLeavingLock('http://localhost:1/idp', LookupErrorCode.ISSUER_INVALID);
  });

  test('fails when the issuer has a query', async () => {
    await expectFailureLeavingLock('https://localhost:1/idp?tenant=1', LookupErrorCode.ISSUER_INVALID);
  });

  test('fails when the issuer has a fragment', async () => {
    await expectFailureLeavingLock('https://localhost:1/idp#x', LookupErrorCode.ISSUER_INVALID);
  });

  test('fails when the host name does not resolve', async () => {
    await expectFailureLeavingLock('https://idp.lookups-test.invalid', LookupErrorCode.DNS_FAILED);
  });

  test('fails when the connection is refused', async () => {
    await expectFailureLeavingLock(`https://127.0.0.1:${await closedPort()}/idp`, LookupErrorCode.CONNECTION_REFUSED);
  });

  test('fails when the connection is refused on every address of localhost', async () => {
    await expectFailureLeavingLock(`https://localhost:${await closedPort()}/idp`, LookupErrorCode.CONNECTION_REFUSED);
  });

  test('fails with a timeout when the server accepts but never completes the TLS handshake', async () => {
    const started = Date.now();
    await expectFailureLeavingLock(`https://localhost:${silent.port}/idp`, LookupErrorCode.TIMEOUT, { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  test('fails with a timeout when the server never answers the request', async () => {
    await expectFailureLeavingLock(`https://localhost:${hanging.port}/idp`, LookupErrorCode.TIMEOUT, { timeoutMs: 300 });
  });

  test('fails when the certificate is self-signed', async () => {
    const self = generateSelfSignedCertificate();
    const server = await startHttpsServer({ certificates: { keyPem: self.keyPem, chainPem: self.certPem }, handler: (_q, r) => r.end() });
    extraServers.push(server);
    await expectFailureLeavingLock(`${server.origin}/idp`, LookupErrorCode.TLS_UNTRUSTED);
  });

  test('fails when the certificate is expired', async () => {
    const expired = issueLeafCertificate(pki.intermediate, {
      notBefore: new Date(Date.now() - 30 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    const server = await serverWith(expired.certPem, expired.keyPem);
    await expectFailureLeavingLock(`${server.origin}/idp`, LookupErrorCode.TLS_EXPIRED);
  });

  test('fails when the certificate is for another host name', async () => {
    const wrong = issueLeafCertificate(pki.intermediate, { dnsNames: ['other.example.test'], ipAddresses: [] });
    const server = await serverWith(wrong.certPem, wrong.keyPem);
    await expectFailureLeavingLock(`${server.origin}/idp`, LookupErrorCode.TLS_HOSTNAME_MISMATCH);
  });

  test.each([
    ['the discovery document is not JSON', 'not-json', LookupErrorCode.NOT_JSON],
    ['the discovery document is oversized', 'oversized', LookupErrorCode.TOO_LARGE],
    ['the discovery document names another issuer', 'mismatch', LookupErrorCode.ISSUER_MISMATCH],
    ['jwks_uri is missing', 'no-jwks-uri', LookupErrorCode.DISCOVERY_INVALID],
    ['the JWKS is empty', 'empty-jwks', LookupErrorCode.JWKS_EMPTY],
    ['the JWKS has a private key', 'private-key', LookupErrorCode.JWKS_PRIVATE_KEY],
    ['the JWKS has a symmetric key', 'symmetric-key', LookupErrorCode.JWKS_SYMMETRIC_KEY],
  ])('fails when %s', async (_what, name, code) => {
    await expectFailureLeavingLock(`${docs.origin}/${name}`, code);
  });

  test('fails with every failure listed when several issuers fail, writing nothing for the good one', async () => {
    // GIVEN
    const before = snapshotFile(lockPath);
    const good = `${docs.origin}/ok`;

    // WHEN
    const outcome = prepareLookups({
      issuers: [{ issuer: good }, { issuer: `${docs.origin}/empty-jwks` }, { issuer: `${docs.origin}/mismatch` }],
      lockPath,
      caBundlePath: caBundle,
      ci: false,
      logger: recordingLogger(),
    });

    // THEN
    await expect(outcome).rejects.toMatchObject({
      code: LookupErrorCode.MULTIPLE_FAILED,
      errors: [expect.objectContaining({ code: LookupErrorCode.JWKS_EMPTY }), expect.objectContaining({ code: LookupErrorCode.ISSUER_MISMATCH })],
    });
    expect(snapshotFile(lockPath)).toEqual(before);
  });

  test('fails when no issuer is requested', async () => {
    await expect(prepareLookups({ issuers: [], lockPath, ci: false })).rejects.toMatchObject({ code: LookupErrorCode.NO_ISSUERS });
  });

  test('fails when the CA bundle does not exist, naming the file', async () => {
    // GIVEN
    const before = snapshotFile(lockPath);

    // WHEN
    const outcome = prepareLookups({ issuers: [{ issuer: `${docs.origin}/ok` }], lockPath, ci: false, caBundlePath: tmp.file('missing.pem') });

    // THEN
    await expect(outcome).rejects.toMatchObject({ code: LookupErrorCode.CA_BUNDLE_INVALID, message: expect.stringContaining('missing.pem') });
    expect(snapshotFile(lockPath)).toEqual(before);
  });
});
