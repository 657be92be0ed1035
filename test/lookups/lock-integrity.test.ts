/**
 * Lock integrity: every synth re-derives each recorded JWK's RFC 7638 thumbprint, so a key
 * replaced by hand in lookups.lock.json (keeping the recorded thumbprint) fails instead of making
 * the gateway trust the new key.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JWK, calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, test } from 'vitest';
import { isCiMode } from '../../lookups/ci-mode';
import { LookupErrorCode } from '../../lookups/errors';
import { defaultLockPath, readLockFile, validateLock } from '../../lookups/lock-file';
import { jwkThumbprint } from '../../lookups/jwk-thumbprint';
import { verifyLockIntegrity } from '../../lookups/lock-integrity';
import type { LockFile } from '../../core/issuer-facts';
import { SILENT_LOGGER, prepareLookups } from '../../lookups/prepare';
import { TEST_JWK } from '../util';

const ROOT = join(__dirname, '..', '..');
const COMMITTED = readLockFile(defaultLockPath(ROOT)) as LockFile;

/** The committed lock with the first key's modulus replaced by another real RSA modulus, its recorded thumbprint kept. */
function tampered(): { lock: LockFile; issuer: string; kid: string; recorded: string } {
  const lock = structuredClone(COMMITTED) as any;
  const issuer = Object.keys(lock.issuers)[0];
  const key = lock.issuers[issuer].keys.find((k: any) => k.kty === 'RSA');
  key.jwk.n = TEST_JWK.n;
  return { lock, issuer, kid: key.kid, recorded: key.thumbprint };
}

function writeTemp(lock: LockFile): string {
  const file = join(mkdtempSync(join(tmpdir(), 'lock-integrity-')), 'lookups.lock.json');
  writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
  return file;
}

describe('verifyLockIntegrity', () => {
  test('accepts the committed lock', async () => {
    expect(() => verifyLockIntegrity(COMMITTED, 'lookups.lock.json')).not.toThrow();
  });

  test('derives the same thumbprints as jose (which the lookup records with) for RSA, EC and OKP keys', async () => {
    for (const alg of ['RS256', 'ES384', 'EdDSA']) {
      const { publicKey } = await generateKeyPair(alg, { extractable: true });
      const jwk = await exportJWK(publicKey);
      expect(jwkThumbprint(jwk as Record<string, unknown>), alg).toBe(await calculateJwkThumbprint(jwk, 'sha256'));
    }
    for (const facts of Object.values(COMMITTED.issuers)) {
      for (const key of facts.keys) expect(jwkThumbprint(key.jwk)).toBe(await calculateJwkThumbprint(key.jwk as JWK, 'sha256'));
    }
  });

  test('fails when a key\'s modulus was replaced and its thumbprint kept, naming issuer, key id and both thumbprints', async () => {
    // GIVEN
    const { lock, issuer, kid, recorded } = tampered();
    // WHEN
    let error: Error & { code?: string } = new Error('not thrown');
    try {
      verifyLockIntegrity(lock, 'lookups.lock.json');
    } catch (e) {
      error = e as Error;
    }
    // THEN
    expect(error.code).toBe(LookupErrorCode.LOCK_KEY_MISMATCH);
    expect(error.message).toContain(`issuer ${issuer}, key ${kid}: the recorded thumbprint ${recorded} does not match the RFC 7638 thumbprint `);
    expect(error.message).toMatch(/thumbprint [A-Za-z0-9_-]{43} of the recorded JWK/);
    expect(error.message).not.toMatch(new RegExp(`RFC 7638 thumbprint ${recorded}`));
  });

  test('fails when the JWK\'s kid differs from the recorded kid', async () => {
    const lock = structuredClone(COMMITTED) as any;
    const issuer = Object.keys(lock.issuers)[0];
    lock.issuers[issuer].keys[0].jwk.kid = 'swapped';
    expect(() => verifyLockIntegrity(lock, 'l.json')).toThrow(expect.objectContaining({
      code: LookupErrorCode.LOCK_KEY_MISMATCH, message: expect.stringMatching(/the recorded kid ".*" differs from the JWK's kid "swapped"/),
    }));
  });
});

describe('lock fingerprint forms', () => {
  test('fails when a thumbprint is not a 43-character base64url SHA-256 value', () => {
    const lock = structuredClone(COMMITTED) as any;
    const issuer = Object.keys(lock.issuers)[0];
    lock.issuers[issuer].keys[0].thumbprint = 'abc';
    expect(() => validateLock(lock, 'l.json')).toThrow(/thumbprint must be a 43-character base64url RFC 7638 SHA-256 thumbprint/);
  });

  test('fails when a certificate fingerprint is not 40 lowercase hex characters', () => {
    const lock = structuredClone(COMMITTED) as any;
    const issuer = Object.keys(lock.issuers)[0];
    lock.issuers[issuer].fingerprints[0] = lock.issuers[issuer].fingerprints[0].toUpperCase();
    expect(() => validateLock(lock, 'l.json')).toThrow(/fingerprints\[0\] must be a 40-character lowercase hex SHA-1/);
  });
});

describe('prepareLookups with a tampered lock', () => {
  test('fails in CI mode without writing the lock', async () => {
    // GIVEN
    const { lock, issuer } = tampered();
    const lockPath = writeTemp(lock);
    const before = readFileSync(lockPath, 'utf8');
    // WHEN
    const outcome = prepareLookups({ issuers: [{ issuer }], lockPath, ci: true, logger: SILENT_LOGGER });
    // THEN
    await expect(outcome).rejects.toMatchObject({ code: LookupErrorCode.LOCK_KEY_MISMATCH });
    expect(readFileSync(lockPath, 'utf8')).toBe(before);
  });
});

describe('synth command with a tampered lock', () => {
  test('fails the synth with CI=1, naming the issuer and the key', () => {
    // GIVEN
    const { lock, issuer, kid } = tampered();
    const lockPath = writeTemp(lock);
    const outdir = join(mkdtempSync(join(tmpdir(), 'synth-')), 'cdktf.out');
    // WHEN
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'main.ts', '--lock', lockPath], {
      cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, CI: '1', CDKTF_OUTDIR: outdir, FORCE_COLOR: '0' },
    });
    // THEN
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`issuer ${issuer}, key ${kid}: the recorded thumbprint`);
    expect(result.stdout).not.toMatch(/synthesized and validated/);
  });
});

describe('isCiMode', () => {
  test.each([
    [undefined, false], ['', false], ['false', false], ['FALSE', false], [' 0 ', false], ['0', false],
    ['true', true], ['1', true], ['yes', true], ['on', true], ['github-actions', true],
  ])('CI=%j is CI: %s', (value, expected) => {
    expect(isCiMode(value === undefined ? {} : { CI: value })).toBe(expected);
  });
});
