/**
 * Lock integrity: the facts in `lookups.lock.json` are re-checked on every synth instead of being
 * trusted as written. A reviewer sees the lock as a diff; this makes sure the parts a reviewer
 * cannot check by eye agree with each other, so that e.g. a key's modulus replaced by hand while
 * its recorded thumbprint is kept fails the synth instead of silently making the gateway trust a
 * new key.
 */
import { LookupErrorCode, lookupError } from './errors';
import { jwkThumbprint } from './jwk-thumbprint';
import type { LockFile } from '../core/issuer-facts';

/**
 * Re-derives the RFC 7638 SHA-256 thumbprint of every recorded JWK and compares it
 * with the recorded one; also checks that the JWK's own `kid`, `alg` and `use` agree with the
 * recorded ones. Forms (hex SHA-1 fingerprints, base64url thumbprints) are checked when the lock
 * is read ({@link validateLock}).
 *
 * @param lock - a lock that passed {@link validateLock}.
 * @param lockPath - file name for messages.
 * @throws LookupError `LOOKUP_LOCK_KEY_MISMATCH` naming the issuer, the key id and both values.
 */
export function verifyLockIntegrity(lock: LockFile, lockPath: string): void {
  for (const [issuer, facts] of Object.entries(lock.issuers)) {
    for (const [index, key] of facts.keys.entries()) {
      const keyId = key.kid ?? `#${index} (no kid)`;
      const fail = (problem: string, got: unknown): never => {
        throw lookupError(LookupErrorCode.LOCK_KEY_MISMATCH, { issuer }, `lock file ${lockPath}: issuer ${issuer}, key ${keyId}: ${problem}`, got,
          'The recorded key was changed by hand or the file is corrupt: do not trust it. Restore the lock from git, or re-record it with `npm run lookups -- --refresh` and review the diff.');
      };
      for (const member of ['kid', 'alg', 'use'] as const) {
        const recorded = key[member];
        const inJwk = key.jwk[member];
        if (recorded !== undefined && inJwk !== undefined && recorded !== inJwk) {
          fail(`the recorded ${member} ${JSON.stringify(recorded)} differs from the JWK's ${member} ${JSON.stringify(inJwk)}`, { recorded, jwk: inJwk });
        }
      }
      const derived = jwkThumbprint(key.jwk);
      if (derived === undefined) fail(`the JWK lacks the public members of a ${key.kty} key, so it has no RFC 7638 thumbprint`, key.jwk);
      if (derived !== key.thumbprint) {
        fail(`the recorded thumbprint ${key.thumbprint} does not match the RFC 7638 thumbprint ${derived} of the recorded JWK`, { recorded: key.thumbprint, derived });
      }
    }
  }
}
