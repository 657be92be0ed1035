/**
 * Reading and writing the lookup lock file (`lookups.lock.json`).
 *
 * One readable JSON document with recursively sorted keys and a trailing newline, so that a
 * refresh produces a small, reviewable diff. Writes are atomic (temp file + rename): a crash
 * never leaves a half-written lock behind.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { LookupErrorCode, lookupError } from './errors';
import { CANONICAL_FINGERPRINT, MAX_FINGERPRINTS } from '../core/fingerprint';
import { PRIVATE_JWK_MEMBERS } from '../core/jwk';
import { type CertificateFact, type HostFact, type IssuerFacts, type KeyFact, LOCK_FILE_VERSION, type LockFile } from '../core/issuer-facts';

/** File name of the lock in the project root. */
export const LOCK_FILE_NAME = 'lookups.lock.json';

/**
 * Default lock path: `lookups.lock.json` in the project root, i.e. the nearest directory
 * at or above `cwd` that holds a `package.json` (falls back to `cwd`).
 */
export function defaultLockPath(cwd: string = process.cwd()): string {
  let dir = path.resolve(cwd);
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return path.join(dir, LOCK_FILE_NAME);
    const parent = path.dirname(dir);
    if (parent === dir) return path.join(path.resolve(cwd), LOCK_FILE_NAME);
    dir = parent;
  }
}

/** A lock with no issuer. */
export function emptyLock(): LockFile {
  return { version: LOCK_FILE_VERSION, issuers: {} };
}

/**
 * Reads and validates a lock file.
 *
 * @param lockPath - path of the lock file.
 * @returns the lock, or `undefined` when the file does not exist.
 * @throws LookupError `LOOKUP_LOCK_INVALID` naming the file and the offending entry.
 */
export function readLockFile(lockPath: string): LockFile | undefined {
  let text: string;
  try {
    text = readFileSync(lockPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw lookupError(LookupErrorCode.LOCK_INVALID, { cause: error }, `lock file ${lockPath} cannot be read`,
      (error as NodeJS.ErrnoException).code, 'Check the file permissions or pass another path with --lock.');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw lookupError(LookupErrorCode.LOCK_INVALID, { cause }, `lock file ${lockPath} is not valid JSON (${(cause as Error).message})`,
      undefined, 'Resolve merge conflicts or restore it from git, then run `npm run lookups`.');
  }
  return validateLock(parsed, lockPath);
}

/**
 * Serializes a lock canonically: keys sorted at every level, 2-space indent, trailing newline.
 */
export function serializeLock(lock: LockFile): string {
  return `${JSON.stringify(sortKeys(lock), null, 2)}\n`;
}

/**
 * Writes a lock file atomically: a temp file in the same directory is written, flushed and
 * renamed over the target.
 *
 * @throws LookupError `LOOKUP_LOCK_WRITE_FAILED`.
 */
export function writeLockFile(lockPath: string, lock: LockFile): void {
  const text = serializeLock(validateLock(JSON.parse(JSON.stringify(lock)), lockPath));
  const dir = path.dirname(path.resolve(lockPath));
  const temp = path.join(dir, `.${path.basename(lockPath)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = openSync(temp, 'wx', 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, lockPath);
  } catch (error) {
    rmSync(temp, { force: true });
    throw lookupError(LookupErrorCode.LOCK_WRITE_FAILED, { cause: error }, `lock file ${lockPath} cannot be written`,
      (error as NodeJS.ErrnoException).code ?? (error as Error).message, 'Check that the directory exists and is writable.');
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** An RFC 7638 SHA-256 thumbprint: 32 bytes, base64url without padding. */
const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Checks that a parsed value has the {@link LockFile} shape.
 *
 * @param value - parsed JSON.
 * @param lockPath - file name for messages.
 * @throws LookupError `LOOKUP_LOCK_INVALID` naming the file, the JSON path and the problem.
 */
export function validateLock(value: unknown, lockPath: string): LockFile {
  const fail = (at: string, problem: string, got: unknown): never => {
    throw lookupError(LookupErrorCode.LOCK_INVALID, {}, `lock file ${lockPath}: ${at} ${problem}`, got,
      'Fix that entry, or delete it and run `npm run lookups` to record it again.');
  };
  const obj = (v: unknown, at: string): Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(at, 'must be an object', v);
  const str = (v: unknown, at: string, pattern?: RegExp, what = 'a non-empty string'): string =>
    typeof v === 'string' && v !== '' && (!pattern || pattern.test(v)) ? v : fail(at, `must be ${what}`, v);
  const optStr = (v: unknown, at: string): string | undefined => (v === undefined ? undefined : str(v, at));
  const arr = (v: unknown, at: string, min: number, max = Infinity): unknown[] =>
    Array.isArray(v) && v.length >= min && v.length <= max
      ? v
      : fail(at, max === Infinity ? `must be an array with at least ${min} entries` : `must be an array of ${min} to ${max} entries`, v);
  const https = (v: unknown, at: string): string => {
    const s = str(v, at);
    if (!s.startsWith('https://')) fail(at, 'must be an https URL', s);
    return s;
  };

  const cert = (v: unknown, at: string): CertificateFact => {
    const o = obj(v, at);
    str(o.sha1, `${at}.sha1`, CANONICAL_FINGERPRINT, 'a 40-character lowercase hex SHA-1 without colons');
    str(o.subject, `${at}.subject`);
    str(o.issuer, `${at}.issuer`);
    str(o.notAfter, `${at}.notAfter`, ISO_UTC, 'an ISO 8601 UTC timestamp like 2027-01-31T23:59:59.000Z');
    return o as unknown as CertificateFact;
  };
  const host = (v: unknown, at: string): HostFact => {
    const o = obj(v, at);
    str(o.host, `${at}.host`);
    if (!Number.isInteger(o.port) || (o.port as number) < 1 || (o.port as number) > 65535) fail(`${at}.port`, 'must be a TCP port', o.port);
    cert(o.presentedTop, `${at}.presentedTop`);
    cert(o.root, `${at}.root`);
    if (o.leaf !== undefined) cert(o.leaf, `${at}.leaf`);
    return o as unknown as HostFact;
  };
  const key = (v: unknown, at: string): KeyFact => {
    const o = obj(v, at);
    optStr(o.kid, `${at}.kid`);
    str(o.kty, `${at}.kty`, /^(RSA|EC|OKP)$/, 'RSA, EC or OKP');
    optStr(o.alg, `${at}.alg`);
    optStr(o.use, `${at}.use`);
    str(o.thumbprint, `${at}.thumbprint`, THUMBPRINT, 'a 43-character base64url RFC 7638 SHA-256 thumbprint');
    const jwk = obj(o.jwk, `${at}.jwk`);
    for (const [member, memberValue] of Object.entries(jwk)) str(memberValue, `${at}.jwk.${member}`);
    const leaked = PRIVATE_JWK_MEMBERS.filter((m) => m in jwk);
    if (leaked.length > 0) fail(`${at}.jwk`, 'must hold public members only', leaked);
    if (jwk.kty !== o.kty) fail(`${at}.jwk.kty`, `must equal kty ${JSON.stringify(o.kty)}`, jwk.kty);
    return o as unknown as KeyFact;
  };
  const issuerFacts = (v: unknown, name: string): IssuerFacts => {
    const at = `issuers[${JSON.stringify(name)}]`;
    const o = obj(v, at);
    if (o.issuer !== name) fail(`${at}.issuer`, 'must equal its key', o.issuer);
    https(o.jwksUri, `${at}.jwksUri`);
    optStr(o.tokenEndpoint, `${at}.tokenEndpoint`);
    arr(o.hosts, `${at}.hosts`, 1).forEach((h, i) => host(h, `${at}.hosts[${i}]`));
    const fps = arr(o.fingerprints, `${at}.fingerprints`, 1, MAX_FINGERPRINTS);
    fps.forEach((fp, i) => str(fp, `${at}.fingerprints[${i}]`, CANONICAL_FINGERPRINT, 'a 40-character lowercase hex SHA-1 without colons'));
    if (new Set(fps).size !== fps.length) fail(`${at}.fingerprints`, 'must not repeat a fingerprint', fps);
    arr(o.keys, `${at}.keys`, 1).forEach((k, i) => key(k, `${at}.keys[${i}]`));
    return o as unknown as IssuerFacts;
  };

  const root = obj(value, 'the document');
  if (root.version !== LOCK_FILE_VERSION) {
    fail('version', `must be ${LOCK_FILE_VERSION} (this tool's lock format)`, root.version);
  }
  const issuers = obj(root.issuers, 'issuers');
  for (const [name, facts] of Object.entries(issuers)) issuerFacts(facts, name);
  return root as unknown as LockFile;
}
