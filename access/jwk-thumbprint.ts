import { createHash } from 'node:crypto';
import { PUBLIC_JWK_MEMBERS } from '../core/jwk';

/**
 * RFC 7638 SHA-256 thumbprint (base64url) of a public JWK, synchronously (the same value the
 * lock records for each key), or `undefined` for a key type without listed members.
 */
export function jwkThumbprint(jwk: Readonly<Record<string, unknown>>): string | undefined {
  const kty = typeof jwk.kty === 'string' ? jwk.kty : undefined;
  const members = kty ? PUBLIC_JWK_MEMBERS[kty] : undefined;
  if (!kty || !members || members.some((m) => typeof jwk[m] !== 'string')) return undefined;
  const canonical: Record<string, unknown> = {};
  for (const name of [...members, 'kty'].sort()) canonical[name] = jwk[name];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}
