import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { LookupErrorCode } from '../../lookups/errors';
import { LOCK_FILE_NAME, defaultLockPath, readLockFile, serializeLock, writeLockFile } from '../../lookups/lock-file';
import type { LockFile } from '../../core/issuer-facts';
import { issuerFacts } from '../support/facts';
import { tempDir } from '../support/pki';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const lockOf = (...issuers: ReturnType<typeof issuerFacts>[]): LockFile => ({
  version: 1,
  issuers: Object.fromEntries(issuers.map((f) => [f.issuer, f])),
});

function writeRaw(name: string, value: unknown): string {
  const file = tmp.file(name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

describe('lock file', () => {
  test('round-trips a lock through write and read', () => {
    // GIVEN
    const lock = lockOf(issuerFacts('https://b.example.com'), issuerFacts('https://a.example.com'));
    const file = tmp.file('round-trip.json');

    // WHEN
    writeLockFile(file, lock);

    // THEN
    expect(readLockFile(file)).toEqual(lock);
  });

  test('writes keys sorted at every level, 2-space indented, with a trailing newline', () => {
    // GIVEN
    const file = tmp.file('sorted.json');

    // WHEN
    writeLockFile(file, lockOf(issuerFacts('https://b.example.com'), issuerFacts('https://a.example.com')));

    // THEN
    const text = readFileSync(file, 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.startsWith('{\n  "issuers": {\n    "https://a.example.com": {\n      "fingerprints"')).toBe(true);
    expect(text.indexOf('"https://a.example.com"')).toBeLessThan(text.indexOf('"https://b.example.com"'));
    expect(text).toBe(serializeLock(JSON.parse(text)));
  });

  test('serializes the same content to the same bytes whatever the key order', () => {
    // GIVEN
    const facts = issuerFacts();
    const reversed = Object.fromEntries(Object.entries(facts).reverse()) as typeof facts;

    // WHEN / THEN
    expect(serializeLock(lockOf(reversed))).toBe(serializeLock(lockOf(facts)));
  });

  test('writes atomically, leaving no temp file behind', () => {
    // GIVEN
    const dir = tmp.file('atomic');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, LOCK_FILE_NAME);
    writeLockFile(file, lockOf(issuerFacts('https://a.example.com')));

    // WHEN
    writeLockFile(file, lockOf(issuerFacts('https://c.example.com')));

    // THEN
    expect(readdirSync(dir)).toEqual([LOCK_FILE_NAME]);
    expect(Object.keys(readLockFile(file)!.issuers)).toEqual(['https://c.example.com']);
  });

  test('returns undefined for a missing lock file', () => {
    expect(readLockFile(tmp.file('does-not-exist.json'))).toBeUndefined();
  });

  test('defaults to lookups.lock.json next to the nearest package.json', () => {
    // GIVEN
    const project = tmp.file('project');
    mkdirSync(path.join(project, 'sub', 'dir'), { recursive: true });
    writeFileSync(path.join(project, 'package.json'), '{}');

    // WHEN / THEN
    expect(defaultLockPath(path.join(project, 'sub', 'dir'))).toBe(path.join(project, LOCK_FILE_NAME));
  });

  test('accepts 5 fingerprints', () => {
    // GIVEN
    const fingerprints = ['1', '2', '3', '4', '5'].map((d) => d.repeat(40));
    const file = writeRaw('five.json', lockOf(issuerFacts(undefined, { fingerprints })));

    // WHEN / THEN
    expect(readLockFile(file)!.issuers['https://idp.example.com'].fingerprints).toHaveLength(5);
  });

  test('fails when there are 6 fingerprints', () => {
    const fingerprints = ['1', '2', '3', '4', '5', '6'].map((d) => d.repeat(40));
    const file = writeRaw('six.json', lockOf(issuerFacts(undefined, { fingerprints })));
    expect(() => readLockFile(file)).toThrow(/fingerprints must be an array of 1 to 5 entries/);
  });

  test('fails when the file is not JSON, naming the file', () => {
    const file = writeRaw('broken.json', '{"version": 1,\n<<<<<<< HEAD');
    expect(() => readLockFile(file)).toThrow(expect.objectContaining({
      code: LookupErrorCode.LOCK_INVALID,
      message: expect.stringContaining(`lock file ${file} is not valid JSON`),
    }));
  });

  test('fails when the version is unknown', () => {
    const file = writeRaw('version.json', { version: 2, issuers: {} });
    expect(() => readLockFile(file)).toThrow(/version must be 1/);
  });

  test.each([
    ['a fingerprint with colons', { fingerprints: ['AB:'.repeat(19) + 'AB'] }, /fingerprints\[0\] must be a 40-character lowercase hex SHA-1/],
    ['an http jwksUri', { jwksUri: 'http://idp.example.com/jwks' }, /jwksUri must be an https URL/],
    ['no hosts', { hosts: [] }, /hosts must be an array with at least 1 entries/],
    ['no keys', { keys: [] }, /keys must be an array with at least 1 entries/],
    ['a repeated fingerprint', { fingerprints: ['a'.repeat(40), 'a'.repeat(40)] }, /must not repeat a fingerprint/],
  ])('fails when an entry has %s, naming the entry', (_what, overrides, message) => {
    const file = writeRaw('bad-entry.json', lockOf(issuerFacts(undefined, overrides)));
    expect(() => readLockFile(file)).toThrow(message);
    expect(() => readLockFile(file)).toThrow(/issuers\["https:\/\/idp\.example\.com"\]/);
  });

  test('fails when a recorded JWK holds a private member', () => {
    const facts = issuerFacts();
    const keys = [{ ...facts.keys[0], jwk: { ...facts.keys[0].jwk, d: 'secret' } }];
    const file = writeRaw('private.json', lockOf({ ...facts, keys }));
    expect(() => readLockFile(file)).toThrow(/keys\[0\]\.jwk must hold public members only, got \["d"\]/);
  });

  test('fails when an entry is stored under another issuer key', () => {
    const file = writeRaw('key.json', { version: 1, issuers: { 'https://other.example.com': issuerFacts() } });
    expect(() => readLockFile(file)).toThrow(/\.issuer must equal its key/);
  });

  test('fails when a certificate date is not ISO 8601 UTC', () => {
    const facts = issuerFacts();
    const hosts = [{ ...facts.hosts[0], root: { ...facts.hosts[0].root, notAfter: 'Jan 1 00:00:00 2030 GMT' } }];
    const file = writeRaw('date.json', lockOf({ ...facts, hosts }));
    expect(() => readLockFile(file)).toThrow(/hosts\[0\]\.root\.notAfter must be an ISO 8601 UTC timestamp/);
  });

  test('fails to write an invalid lock and leaves the existing file untouched', () => {
    // GIVEN
    const file = tmp.file('keep.json');
    writeLockFile(file, lockOf(issuerFacts()));
    const before = readFileSync(file);

    // WHEN / THEN
    expect(() => writeLockFile(file, lockOf(issuerFacts(undefined, { fingerprints: [] })))).toThrow(/fingerprints/);
    expect(readFileSync(file)).toEqual(before);
    expect(existsSync(file)).toBe(true);
  });
});
