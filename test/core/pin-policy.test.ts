/**
 * The three contradictions issue #10 found between config validation, the synth-time lookups and
 * the RAM OIDC provider construct, each as a test that every consumer now decides alike.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { DEV, validateEnvironments } from '../../config';
import { LookupErrorCode, prepareLookups, SILENT_LOGGER, writeLockFile } from '../../lookups';
import { LOCK_FILE_VERSION } from '../../core/issuer-facts';
import { tempDir } from '../support/pki';
import { testProvider } from '../constructs/ram/helpers';
import { synthJson, TEST_FACTS, TEST_ISSUER, testStack } from '../util';

const PRESENTED_TOP = TEST_FACTS.hosts[0].presentedTop.sha1;
const ROOT = TEST_FACTS.hosts[0].root.sha1;
const tmp = tempDir('pin-policy-');
afterAll(() => tmp.cleanup());

/** A lock recording the test issuer, so prepareLookups decides from the lock alone (no network). */
function recordedLock(): string {
  const lockPath = tmp.file(`lock-${Math.random().toString(16).slice(2)}.json`);
  writeLockFile(lockPath, { version: LOCK_FILE_VERSION, issuers: { [TEST_ISSUER]: TEST_FACTS } });
  return lockPath;
}

function configAccepts(pin: string): boolean {
  try {
    validateEnvironments([{ ...DEV, m2mServer: { ...DEV.m2mServer, expectedFingerprints: [pin] } }]);
    return true;
  } catch {
    return false;
  }
}

const pasted = {
  'colons': PRESENTED_TOP.match(/../g)!.join(':'),
  'upper case': PRESENTED_TOP.toUpperCase(),
  "OpenSSL's output line": `SHA1 Fingerprint=${PRESENTED_TOP.toUpperCase().match(/../g)!.join(':')}`,
};

describe('one pin policy', () => {
  test.each(Object.entries(pasted))('config, lookups and OidcProvider all accept a pin written with %s', async (_form, pin) => {
    // GIVEN the forms config used to reject while the construct accepted them
    // WHEN
    const config = configAccepts(pin);
    const lookup = await prepareLookups({ issuers: [{ issuer: TEST_ISSUER, pinnedFingerprints: [pin] }], lockPath: recordedLock(), ci: true, logger: SILENT_LOGGER });
    const stack = testStack();
    testProvider(stack, { expectedFingerprints: [pin] });
    // THEN
    expect(config).toBe(true);
    expect(lookup.issuers[TEST_ISSUER].fingerprints).toEqual([PRESENTED_TOP]);
    expect(Object.values(synthJson(stack).resource?.alicloud_ims_oidc_provider ?? {})[0]).toMatchObject({ fingerprints: [PRESENTED_TOP] });
  });

  test('lookups and OidcProvider both refuse a root-CA pin (the lookup used to accept it)', async () => {
    // GIVEN
    const lockPath = recordedLock();
    // WHEN
    const lookup = prepareLookups({ issuers: [{ issuer: TEST_ISSUER, pinnedFingerprints: [ROOT] }], lockPath, ci: true, logger: SILENT_LOGGER });
    // THEN
    await expect(lookup).rejects.toMatchObject({ code: LookupErrorCode.PIN_ROOT_CA });
    expect(() => testProvider(testStack(), { expectedFingerprints: [ROOT] })).toThrow(/is the fingerprint of the root CA/);
  });

  test('config, lookups and OidcProvider all refuse a malformed pin', async () => {
    expect(configAccepts('AB:CD')).toBe(false);
    await expect(prepareLookups({ issuers: [{ issuer: TEST_ISSUER, pinnedFingerprints: ['AB:CD'] }], lockPath: recordedLock(), ci: true, logger: SILENT_LOGGER }))
      .rejects.toMatchObject({ code: LookupErrorCode.PIN_INVALID });
    expect(() => testProvider(testStack(), { expectedFingerprints: ['AB:CD'] })).toThrow(/must be a 40-character hex SHA-1 fingerprint/);
  });
});
