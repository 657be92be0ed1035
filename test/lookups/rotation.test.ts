import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type DemoIssuer, startDemoIssuer } from '../../demo-issuer/demo-issuer';
import { ChainShape, type DemoPki, generateDemoPki } from '../../demo-issuer/pki';
import { type PrivateSigningJwk, generateSigningKey } from '../../demo-issuer/signing-keys';
import { IssuerChangeKind } from '../../lookups/changes';
import { LookupErrorCode } from '../../lookups/errors';
import { readLockFile } from '../../lookups/lock-file';
import { type PrepareLookupsOptions, prepareLookups } from '../../lookups/prepare';
import { recordingLogger, snapshotFile } from '../support/lookups';
import { opensslSha1, tempDir, writeCaBundle } from '../support/pki';

const tmp = tempDir();
// one PKI per "generation" of the issuer's certificate; all roots trusted through the bundle
const generations: DemoPki[] = Array.from({ length: 6 }, (_, i) => generateDemoPki({ label: `gen${i}` }));
const keyA: PrivateSigningJwk = generateSigningKey({ kid: 'key-a' });
const keyB: PrivateSigningJwk = generateSigningKey({ kid: 'key-b' });
const topOf = (pki: DemoPki) => opensslSha1(pki.intermediate.certPem);
let caBundle: string;
let demo: DemoIssuer;
let lockPath: string;
let run = 0;

beforeAll(async () => {
  caBundle = writeCaBundle(tmp.file('ca.pem'), ...generations.map((g) => g.root.certPem));
  demo = await startDemoIssuer({ pki: generations[0], signingKeys: [keyA] });
});
afterAll(async () => {
  await demo.close();
  tmp.cleanup();
});

beforeEach(async () => {
  // GIVEN (shared) an issuer recorded with generation 0 and key A
  demo.setCertificates(generations[0], ChainShape.LEAF_AND_INTERMEDIATE);
  demo.setSigningKeys([keyA]);
  lockPath = tmp.file(`lock-${run++}.json`);
  await prepare();
});

function prepare(overrides: Partial<PrepareLookupsOptions> = {}) {
  return prepareLookups({ issuers: [{ issuer: demo.issuer }], lockPath, caBundlePath: caBundle, ci: false, logger: recordingLogger(), ...overrides });
}

function rotate(generation: number) {
  demo.setCertificates(generations[generation]);
  demo.setSigningKeys([keyB]);
}

describe('prepareLookups rotation', () => {
  test('refresh reports old and new fingerprints, certificates and keys side by side', async () => {
    // GIVEN
    rotate(1);
    const logger = recordingLogger();

    // WHEN
    const result = await prepare({ refresh: true, logger });

    // THEN
    const [change] = result.changes;
    expect(change.kind).toBe(IssuerChangeKind.CHANGED);
    expect(change.before!.fingerprints).toEqual([topOf(generations[0])]);
    expect(change.after.fingerprints).toEqual([topOf(generations[0]), topOf(generations[1])]);
    expect(change.fingerprintsAdded).toEqual([topOf(generations[1])]);
    expect(change.fingerprintsNotObserved).toEqual([topOf(generations[0])]);
    expect(change.keysAdded.map((k) => k.kid)).toEqual(['key-b']);
    expect(change.keysRemoved.map((k) => k.kid)).toEqual(['key-a']);
    expect(change.certificates).toContainEqual(expect.objectContaining({
      role: 'presentedTop',
      before: expect.objectContaining({ sha1: topOf(generations[0]) }),
      after: expect.objectContaining({ sha1: topOf(generations[1]) }),
    }));
    const report = logger.infos.join('\n');
    expect(report).toContain(`presentedTop: ${topOf(generations[0])}`);
    expect(report).toContain(`-> ${topOf(generations[1])}`);
    expect(report).toContain('- key key-a');
    expect(report).toContain('+ key key-b');
  });

  test('refresh keeps the old fingerprint next to the new one in the lock until pruned', async () => {
    // GIVEN
    rotate(1);

    // WHEN
    await prepare({ refresh: true });
    const accumulated = readLockFile(lockPath)!.issuers[demo.issuer].fingerprints;
    const pruned = await prepare({ prune: true });

    // THEN
    expect(accumulated).toEqual([topOf(generations[0]), topOf(generations[1])]);
    expect(readLockFile(lockPath)!.issuers[demo.issuer].fingerprints).toEqual([topOf(generations[1])]);
    expect(pruned.changes[0].fingerprintsRemoved).toEqual([topOf(generations[0])]);
  });

  test('refresh without change does not rewrite the lock', async () => {
    // GIVEN
    const before = snapshotFile(lockPath);

    // WHEN
    const result = await prepare({ refresh: true });

    // THEN
    expect(result.changes[0].kind).toBe(IssuerChangeKind.UNCHANGED);
    expect(result.lockWritten).toBe(false);
    expect(snapshotFile(lockPath)).toEqual(before);
  });

  test('fails in CI mode when a refresh sees a rotation, leaving the lock byte-identical', async () => {
    // GIVEN
    rotate(1);
    const before = snapshotFile(lockPath);

    // WHEN
    const outcome = prepare({ refresh: true, ci: true });

    // THEN
    await expect(outcome).rejects.toMatchObject({
      code: LookupErrorCode.LOCK_CHANGED_IN_CI,
      message: expect.stringContaining(`-> ${topOf(generations[0])}, ${topOf(generations[1])}`),
    });
    expect(snapshotFile(lockPath)).toEqual(before);
  });

  test('passes in CI mode when a refresh sees no change', async () => {
    const result = await prepare({ refresh: true, ci: true });
    expect(result.lockWritten).toBe(false);
  });

  test('keeps up to 5 fingerprints across rotations', async () => {
    // WHEN
    for (const generation of [1, 2, 3, 4]) {
      rotate(generation);
      await prepare({ refresh: true });
    }

    // THEN
    expect(readLockFile(lockPath)!.issuers[demo.issuer].fingerprints).toEqual(generations.slice(0, 5).map(topOf));
  });

  test('fails when a rotation would make more than 5 fingerprints, telling to prune, lock untouched', async () => {
    // GIVEN
    for (const generation of [1, 2, 3, 4]) {
      rotate(generation);
      await prepare({ refresh: true });
    }
    rotate(5);
    const before = snapshotFile(lockPath);

    // WHEN
    const outcome = prepare({ refresh: true });

    // THEN
    await expect(outcome).rejects.toMatchObject({
      code: LookupErrorCode.TOO_MANY_FINGERPRINTS,
      message: expect.stringContaining('--prune'),
    });
    expect(snapshotFile(lockPath)).toEqual(before);
  });

  test('fails when the pinned fingerprint belongs to the certificate rotated away', async () => {
    // GIVEN
    rotate(1);
    const before = snapshotFile(lockPath);

    // WHEN
    const outcome = prepare({ refresh: true, issuers: [{ issuer: demo.issuer, pinnedFingerprints: [topOf(generations[0])] }] });

    // THEN
    await expect(outcome).rejects.toMatchObject({ code: LookupErrorCode.PIN_MISMATCH });
    expect(snapshotFile(lockPath)).toEqual(before);
  });
});
