import { existsSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type DemoIssuer, startDemoIssuer } from '../../demo-issuer/demo-issuer';
import { ChainShape, generateDemoPki, issueLeafCertificate } from '../../demo-issuer/pki';
import { LookupErrorCode } from '../../lookups/errors';
import { readLockFile } from '../../lookups/lock-file';
import { type PrepareLookupsOptions, prepareLookups } from '../../lookups/prepare';
import { recordingLogger, snapshotFile } from '../support/lookups';
import { opensslSha1, tempDir, testPki, writeCaBundle } from '../support/pki';

const tmp = tempDir();
const pki = testPki('prepare');
const jwksPki = generateDemoPki({ label: 'prepare-jwks' });
let caBundle: string;
let demo: DemoIssuer;
let lockCounter = 0;
const started: DemoIssuer[] = [];

beforeAll(async () => {
  caBundle = writeCaBundle(tmp.file('ca.pem'), pki.root.certPem, jwksPki.root.certPem);
  demo = await startDemoIssuer({ pki, chainShape: ChainShape.LEAF_AND_INTERMEDIATE });
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((d) => d.close()));
});
afterAll(async () => {
  await demo.close();
  tmp.cleanup();
});

const newLockPath = () => tmp.file(`lock-${lockCounter++}.json`);
const options = (overrides: Partial<PrepareLookupsOptions> & Pick<PrepareLookupsOptions, 'issuers'>): PrepareLookupsOptions => ({
  lockPath: newLockPath(),
  caBundlePath: caBundle,
  ci: false,
  logger: recordingLogger(),
  ...overrides,
});

describe('prepareLookups', () => {
  test('looks up a missing issuer and records it in the lock', async () => {
    // GIVEN
    const lockPath = newLockPath();

    // WHEN
    const result = await prepareLookups(options({ issuers: [{ issuer: demo.issuer }], lockPath }));

    // THEN
    const facts = readLockFile(lockPath)!.issuers[demo.issuer];
    expect(result.lockWritten).toBe(true);
    expect(result.issuers[demo.issuer]).toEqual(facts);
    expect(facts.fingerprints).toEqual([opensslSha1(pki.intermediate.certPem)]);
    expect(facts.hosts).toEqual([
      expect.objectContaining({
        host: 'localhost',
        port: demo.port,
        presentedTop: expect.objectContaining({ sha1: opensslSha1(pki.intermediate.certPem) }),
        root: expect.objectContaining({ sha1: opensslSha1(pki.root.certPem) }),
        leaf: expect.objectContaining({ sha1: opensslSha1(pki.leaf.certPem) }),
      }),
    ]);
    expect(facts.tokenEndpoint).toBe(demo.tokenEndpoint);
    expect(facts.keys.map((k) => k.kid)).toEqual(demo.publicKeys.map((k) => k.kid));
    expect(result.changes.map((c) => c.kind)).toEqual(['added']);
  });

  test('uses a recorded issuer without any network connection', async () => {
    // GIVEN
    const lockPath = newLockPath();
    await prepareLookups(options({ issuers: [{ issuer: demo.issuer }], lockPath }));
    const lockBytes = snapshotFile(lockPath);
    const connectionsBefore = demo.connectionCount;

    // WHEN
    const result = await prepareLookups(options({ issuers: [{ issuer: demo.issuer }], lockPath }));

    // THEN
    expect(demo.connectionCount).toBe(connectionsBefore);
    expect(result.lockWritten).toBe(false);
    expect(result.changes).toEqual([]);
    expect(result.issuers[demo.issuer]).toEqual(readLockFile(lockPath)!.issuers[demo.issuer]);
    expect(snapshotFile(lockPath)).toEqual(lockBytes);
  });

  test('uses a recorded issuer when the issuer is down', async () => {
    // GIVEN
    const lockPath = newLockPath();
    const shortLived = await startDemoIssuer({ pki });
    await prepareLookups(options({ issuers: [{ issuer: shortLived.issuer }], lockPath }));
    await shortLived.close();

    // WHEN
    const result = await prepareLookups(options({ issuers: [{ issuer: shortLived.issuer }], lockPath, ci: true }));

    // THEN
    expect(result.issuers[shortLived.issuer].issuer).toBe(shortLived.issuer);
  });

  test('fails in CI mode when the issuer is not recorded, without connecting or writing', async () => {
    // GIVEN
    const lockPath = newLockPath();
    const connectionsBefore = demo.connectionCount;

    // WHEN
    const outcome = prepareLookups(options({ issuers: [{ issuer: demo.issuer }], lockPath, ci: true }));

    // THEN
    await expect(outcome).rejects.toMatchObject({
      code: LookupErrorCode.LOCK_MISSING_IN_CI,
      message: expect.stringContaining('npm run lookups'),
    });
    expect(demo.connectionCount).toBe(connectionsBefore);
    expect(existsSync(lockPath)).toBe(false);
  });

  test.each(['true', '1', 'yes', 'TRUE'])('defaults to CI mode when CI=%s: no lookup, no lock written', async (value) => {
    // GIVEN
    const previous = process.env.CI;
    process.env.CI = value;
    const lockPath = newLockPath();
    const connectionsBefore = demo.connectionCount;
    try {
      // WHEN
      const outcome = prepareLookups({ issuers: [{ issuer: demo.issuer }], lockPath, logger: recordingLogger() });

      // THEN
      await expect(outcome).rejects.toMatchObject({ code: LookupErrorCode.LOCK_MISSING_IN_CI });
      expect(demo.connectionCount).toBe(connectionsBefore);
      expect(existsSync(lockPath)).toBe(false);
    } finally {
      if (previous === undefined) delete process.env.CI;
      else process.env.CI = previous;
    }
  });

  test('accepts a pinned fingerprint of the presented top, as OpenSSL prints it (prefix, colons, upper case)', async () => {
    // GIVEN
    const top = opensslSha1(pki.intermediate.certPem);
    const pasted = `SHA1 Fingerprint=${top.toUpperCase().match(/../g)!.join(':')}`;

    // WHEN
    const result = await prepareLookups(options({ issuers: [{ issuer: demo.issuer, pinnedFingerprints: [pasted] }] }));

    // THEN
    expect(result.issuers[demo.issuer].fingerprints).toEqual([top]);
  });

  test('fails when a pinned fingerprint is the root CA one (RAM compares the presented top), lock untouched', async () => {
    // GIVEN
    const lockPath = newLockPath();
    const root = opensslSha1(pki.root.certPem);

    // WHEN
    const outcome = prepareLookups(options({ issuers: [{ issuer: demo.issuer, pinnedFingerprints: [root] }], lockPath }));

    // THEN
    await expect(outcome).rejects.toMatchObject({ code: LookupErrorCode.PIN_ROOT_CA, message: expect.stringContaining('root CA') });
    expect(existsSync(lockPath)).toBe(false);
  });

  test('fails when a pinned fingerprint is not observed, warning about an attack, lock untouched', async () => {
    // GIVEN
    const lockPath = newLockPath();
    const pin = opensslSha1(generateDemoPki({ label: 'attacker' }).intermediate.certPem);

    // WHEN
    const outcome = prepareLookups(options({ issuers: [{ issuer: demo.issuer, pinnedFingerprints: [pin] }], lockPath }));

    // THEN
    await expect(outcome).rejects.toMatchObject({
      code: LookupErrorCode.PIN_MISMATCH,
      message: expect.stringContaining('under attack'),
    });
    expect(existsSync(lockPath)).toBe(false);
  });

  test('fails when a pinned fingerprint is not in the recorded lock, without network', async () => {
    // GIVEN
    const lockPath = newLockPath();
    await prepareLookups(options({ issuers: [{ issuer: demo.issuer }], lockPath }));
    const connectionsBefore = demo.connectionCount;

    // WHEN
    const outcome = prepareLookups(options({ issuers: [{ issuer: demo.issuer, pinnedFingerprints: ['0'.repeat(40)] }], lockPath }));

    // THEN
    await expect(outcome).rejects.toMatchObject({ code: LookupErrorCode.PIN_MISMATCH, message: expect.stringContaining(lockPath) });
    expect(demo.connectionCount).toBe(connectionsBefore);
  });

  test('fails when a pinned fingerprint is malformed', async () => {
    await expect(prepareLookups(options({ issuers: [{ issuer: demo.issuer, pinnedFingerprints: ['abc'] }] }))).rejects.toMatchObject({
      code: LookupErrorCode.PIN_INVALID,
      message: expect.stringContaining("'pinnedFingerprints[0]'"),
    });
  });

  test('records the jwks_uri host next to the issuer host when they differ', async () => {
    // GIVEN
    const twoHosts = await startDemoIssuer({ pki, jwksHost: { pki: jwksPki, chainShape: ChainShape.FULL_CHAIN } });
    started.push(twoHosts);

    // WHEN
    const result = await prepareLookups(options({ issuers: [{ issuer: twoHosts.issuer }] }));

    // THEN
    const facts = result.issuers[twoHosts.issuer];
    expect(facts.jwksUri).toBe(twoHosts.jwksUri);
    expect(facts.hosts.map((h) => h.host)).toEqual(['localhost', '127.0.0.1']);
    expect(facts.fingerprints).toEqual([opensslSha1(pki.intermediate.certPem), opensslSha1(jwksPki.root.certPem)]);
  });

  test('warns about certificates expiring within 30 days, at lookup and from the lock', async () => {
    // GIVEN
    const soon = issueLeafCertificate(pki.intermediate, { notAfter: new Date(Date.now() + 10 * 86_400_000) });
    const expiring = await startDemoIssuer({ pki: { ...pki, leaf: soon } });
    started.push(expiring);
    const lockPath = newLockPath();
    const logger = recordingLogger();

    // WHEN
    const first = await prepareLookups(options({ issuers: [{ issuer: expiring.issuer }], lockPath, logger }));
    const second = await prepareLookups(options({ issuers: [{ issuer: expiring.issuer }], lockPath }));

    // THEN
    expect(first.warnings).toEqual([expect.stringMatching(/leaf certificate CN=localhost .* in (9|10) day\(s\)/)]);
    expect(logger.warnings).toEqual(first.warnings);
    expect(second.warnings).toEqual(first.warnings);
  });

  test('looks several issuers up concurrently and records them all in one write', async () => {
    // GIVEN
    const others = await Promise.all([1, 2, 3].map(() => startDemoIssuer({ pki })));
    started.push(...others);
    const lockPath = newLockPath();

    // WHEN
    const result = await prepareLookups(options({ issuers: others.map((d) => ({ issuer: d.issuer })), lockPath, concurrency: 2 }));

    // THEN
    expect(Object.keys(readLockFile(lockPath)!.issuers).sort()).toEqual(others.map((d) => d.issuer).sort());
    expect(result.changes).toHaveLength(3);
    expect(readFileSync(lockPath, 'utf8').endsWith('\n')).toBe(true);
  });
});
