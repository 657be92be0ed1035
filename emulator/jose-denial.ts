/**
 * Why a gateway emulator denies a token that `jose` refused: one mapping from jose's errors to the
 * DENY reason, for the cloud-native APIG and the OCI API Gateway emulators. The two word their
 * reasons differently (their tests and users' scripts match on them), so the wording is one table
 * with a column per gateway.
 */
import { errors as joseErrors } from 'jose';

/** The emulators whose token denials are worded here. */
export type JoseDenialGateway = 'apig' | 'oci';

/** The wording of each reason, per gateway. */
interface DenialWording {
  readonly expired: (message: string) => string;
  readonly claim: (claim: string, message: string) => string;
  readonly signature: string;
  readonly noMatchingKey: string;
  readonly algorithm: (message: string, algorithms: readonly string[]) => string;
  readonly other: (code: string, message: string) => string;
}

const WORDING: Readonly<Record<JoseDenialGateway, DenialWording>> = {
  apig: {
    expired: (message) => `the token expired (${message})`,
    claim: (claim, message) => `claim ${claim} rejected: ${message}`,
    signature: 'the signature does not verify against the JWKS (forged or re-signed token)',
    noMatchingKey: 'no key of the JWKS matches the token (kid/alg)',
    algorithm: (message) => `the token's algorithm is not accepted (${message})`,
    other: (code, message) => `the token is rejected (${code}: ${message})`,
  },
  oci: {
    expired: (message) => `the token expired (${message})`,
    claim: (claim, message) => `claim ${claim} failed: ${message}`,
    signature: 'the signature does not verify with the JWKS',
    noMatchingKey: 'no key of the JWKS matches the token (kid / alg)',
    algorithm: (_message, algorithms) => `the token's alg is not one of ${algorithms.join(', ')}`,
    other: (code, message) => `the token is invalid (${code}: ${message})`,
  },
};

/**
 * The DENY reason for a token `jose` refused.
 *
 * @param gateway - whose wording to use
 * @param error - what `jwtVerify` threw
 * @param algorithms - the algorithms the gateway accepts (named when the token's is not one of them)
 * @returns the reason, or `undefined` when `error` is not a jose error (the caller decides)
 */
export function joseDenial(gateway: JoseDenialGateway, error: unknown, algorithms: readonly string[]): string | undefined {
  const w = WORDING[gateway];
  if (error instanceof joseErrors.JWTExpired) return w.expired(error.message);
  if (error instanceof joseErrors.JWTClaimValidationFailed) return w.claim(error.claim, error.message);
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return w.signature;
  if (error instanceof joseErrors.JWKSNoMatchingKey) return w.noMatchingKey;
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return w.algorithm(error.message, algorithms);
  if (error instanceof joseErrors.JOSEError) return w.other(error.code, error.message);
  return undefined;
}
