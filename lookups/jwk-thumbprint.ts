/**
 * RFC 7638 JWK thumbprints without the network bundle: the lock check runs on every synth, and the
 * synth bundle deliberately holds no jose (it is loaded only when an issuer must be looked up).
 * The lookup records thumbprints with jose's `calculateJwkThumbprint`; a test checks both agree.
 */
import { createHash } from 'node:crypto';
import { PUBLIC_JWK_MEMBERS } from '../core/jwk';

/**
 * RFC 7638 SHA-256 thumbprint (base64url, no padding) of a public JWK: SHA-256 of the JSON object
 * holding only the key type's required members and `kty`, in lexicographic order, no whitespace.
 *
 * @returns `undefined` when the key type is not RSA, EC or OKP, or a required member is not a string
 */
export function jwkThumbprint(jwk: Readonly<Record<string, unknown>>): string | undefined {
  const kty = typeof jwk.kty === 'string' ? jwk.kty : undefined;
  const members = kty ? PUBLIC_JWK_MEMBERS[kty] : undefined;
  if (!kty || !members || members.some((m) => typeof jwk[m] !== 'string')) return undefined;
  const canonical: Record<string, unknown> = {};
  for (const name of [...members, 'kty'].sort()) canonical[name] = jwk[name];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}
