/**
 * JWK member names shared by the JWKS lookup, the lock validation, the JWT plugin construct and the emulator.
 */

/** JWK members that carry private or secret key material (RFC 7518 §6). */
export const PRIVATE_JWK_MEMBERS: readonly string[] = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** Public key members per key type; exactly what RFC 7638 thumbprints hash. */
export const PUBLIC_JWK_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['e', 'n'],
  EC: ['crv', 'x', 'y'],
  OKP: ['crv', 'x'],
};

/** Descriptive members kept next to the key material. */
export const METADATA_JWK_MEMBERS: readonly string[] = ['alg', 'kid', 'use'];
