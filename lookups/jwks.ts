/**
 * JWKS lookup: fetch the issuer's signing keys and keep their public parts only.
 */
import { calculateJwkThumbprint, importJWK, type JWK } from 'jose';
import type { Agent } from 'undici';
import { LookupErrorCode, lookupError } from './errors';
import { type FetchLimits, fetchJsonDocument } from './http-json';
import { METADATA_JWK_MEMBERS, PRIVATE_JWK_MEMBERS, PUBLIC_JWK_MEMBERS } from '../core/jwk';
import type { KeyFact } from '../core/issuer-facts';
import { ociSigningKeysError } from './oci-signing-keys';

/** Options of {@link fetchJwks}. */
export interface FetchJwksOptions {
  /** undici dispatcher from `createLookupAgent`. */
  readonly agent: Agent;
  /** Timeout, size cap and redirect bound. */
  readonly limits: FetchLimits;
}

/**
 * Fetches a JWKS and turns every key into a {@link KeyFact}.
 *
 * @param issuer - the issuer the keys belong to (for messages).
 * @param jwksUri - `jwks_uri` from discovery.
 * @throws LookupError `LOOKUP_JWKS_INVALID`, `LOOKUP_JWKS_EMPTY`, `LOOKUP_JWKS_PRIVATE_KEY`,
 *   `LOOKUP_JWKS_SYMMETRIC_KEY`, `LOOKUP_JWKS_KEY_INVALID`, `LOOKUP_OCI_SIGNING_KEYS_NOT_PUBLIC` (an OCI
 *   identity domain that does not serve its signing keys without credentials), or a network / TLS / document code.
 */
export async function fetchJwks(issuer: string, jwksUri: string, options: FetchJwksOptions): Promise<KeyFact[]> {
  let document: Awaited<ReturnType<typeof fetchJsonDocument>>;
  try {
    document = await fetchJsonDocument(new URL(jwksUri), { issuer, what: 'JWKS', agent: options.agent, limits: options.limits });
  } catch (error) {
    throw ociSigningKeysError(issuer, jwksUri, error) ?? error;
  }
  return readJwks(issuer, document.url.href, document.body);
}

/**
 * Validates a parsed JWKS document and turns every key into a {@link KeyFact}.
 *
 * A JWKS that publishes private or symmetric material is refused outright rather than
 * filtered: the identity provider is misconfigured, and recording anything from it would
 * copy a secret into the lock.
 *
 * @param issuer - issuer, for messages.
 * @param source - where the document came from, for messages.
 * @param document - the parsed JWKS.
 */
async function readJwks(issuer: string, source: string, document: Readonly<Record<string, unknown>>): Promise<KeyFact[]> {
  const where = { issuer, host: source };
  const keys = document.keys;
  if (!Array.isArray(keys)) {
    throw lookupError(LookupErrorCode.JWKS_INVALID, where, `JWKS ${source} has no 'keys' array`, keys ?? null,
      'Check that jwks_uri points at a JSON Web Key Set (RFC 7517 §5).');
  }
  if (keys.length === 0) {
    throw lookupError(LookupErrorCode.JWKS_EMPTY, where, `JWKS ${source} has no keys`, [],
      'The identity provider publishes no signing key yet; configure one, then run the lookup again.');
  }
  const facts: KeyFact[] = [];
  for (const [index, key] of keys.entries()) {
    facts.push(await readKey(issuer, source, index, key));
  }
  return facts;
}

async function readKey(issuer: string, source: string, index: number, key: unknown): Promise<KeyFact> {
  const where = { issuer, host: source };
  const label = `JWKS ${source} key #${index}`;
  if (key === null || typeof key !== 'object' || Array.isArray(key)) {
    throw lookupError(LookupErrorCode.JWKS_KEY_INVALID, where, `${label} is not a JSON object`, key, 'Fix the JWKS.');
  }
  const jwk = key as Record<string, unknown>;
  const name = typeof jwk.kid === 'string' ? `${label} (kid ${JSON.stringify(jwk.kid)})` : label;
  if (jwk.kty === 'oct') {
    throw lookupError(LookupErrorCode.JWKS_SYMMETRIC_KEY, where, `${name} is a symmetric 'oct' key`, 'oct',
      'A shared secret must never be published; remove it from the JWKS and rotate it.');
  }
  const privateMembers = PRIVATE_JWK_MEMBERS.filter((m) => m in jwk);
  if (privateMembers.length > 0) {
    throw lookupError(LookupErrorCode.JWKS_PRIVATE_KEY, where, `${name} contains private key members`, privateMembers,
      'The JWKS leaks a private key: remove the private members from the published JWKS and rotate that key.');
  }
  const kty = jwk.kty;
  const publicMembers = typeof kty === 'string' ? PUBLIC_JWK_MEMBERS[kty] : undefined;
  if (!publicMembers) {
    throw lookupError(LookupErrorCode.JWKS_KEY_INVALID, where, `${name} has an unsupported 'kty'`, kty ?? null,
      'Supported key types are RSA, EC and OKP.');
  }
  const missing = publicMembers.filter((m) => typeof jwk[m] !== 'string' || jwk[m] === '');
  if (missing.length > 0) {
    throw lookupError(LookupErrorCode.JWKS_KEY_INVALID, where, `${name} has no usable public part (missing ${missing.join(', ')})`,
      kty, 'Fix the JWKS: every key needs its public members.');
  }
  for (const m of METADATA_JWK_MEMBERS) {
    if (m in jwk && typeof jwk[m] !== 'string') {
      throw lookupError(LookupErrorCode.JWKS_KEY_INVALID, where, `${name} '${m}' must be a string`, jwk[m], 'Fix the JWKS.');
    }
  }
  const publicJwk: Record<string, string> = {};
  for (const m of [...publicMembers, ...METADATA_JWK_MEMBERS, 'kty'].sort()) {
    if (typeof jwk[m] === 'string') publicJwk[m] = jwk[m] as string;
  }
  const alg = (jwk.alg as string | undefined) ?? inferAlg(publicJwk);
  try {
    // Import proves the public part is a real key of that type (valid point, modulus, ...).
    await importJWK(publicJwk as JWK, alg);
  } catch (cause) {
    throw lookupError(LookupErrorCode.JWKS_KEY_INVALID, { ...where, cause }, `${name} cannot be imported (${(cause as Error).message})`,
      alg ?? kty, 'Fix the JWKS: the key material or its alg is not valid.');
  }
  const thumbprint = await calculateJwkThumbprint(publicJwk as JWK, 'sha256');
  return {
    ...(publicJwk.kid !== undefined ? { kid: publicJwk.kid } : {}),
    kty: publicJwk.kty,
    ...(publicJwk.alg !== undefined ? { alg: publicJwk.alg } : {}),
    ...(publicJwk.use !== undefined ? { use: publicJwk.use } : {}),
    thumbprint,
    jwk: publicJwk,
  };
}

/** An algorithm to import a key that declares none; only used to validate the key material. */
function inferAlg(jwk: Readonly<Record<string, string>>): string | undefined {
  switch (jwk.kty) {
    case 'RSA':
      return 'RS256';
    case 'EC':
      return { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }[jwk.crv];
    case 'OKP':
      return jwk.crv === 'Ed25519' || jwk.crv === 'Ed448' ? 'EdDSA' : 'ECDH-ES';
    default:
      return undefined;
  }
}
