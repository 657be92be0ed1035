/**
 * Signing keys for the demo issuer.
 */
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';

/** A private signing JWK (as oidc-provider takes it) with `kid`, `alg` and `use`. */
export type PrivateSigningJwk = Readonly<Record<string, string>>;

/** Signing algorithms the demo issuer can generate keys for. */
export enum DemoSigningAlgorithm {
  /** ECDSA P-256 / SHA-256: fast to generate. */
  ES256 = 'ES256',
  /** RSA 2048 / SHA-256: what most cloud JWT verifiers expect. */
  RS256 = 'RS256',
}

/**
 * Generates a private signing JWK.
 *
 * @param options.kid - key id; @default - `demo-<8 hex digits>`
 * @param options.alg - algorithm; @default ES256
 */
export function generateSigningKey(options: { readonly kid?: string; readonly alg?: DemoSigningAlgorithm } = {}): PrivateSigningJwk {
  const alg = options.alg ?? DemoSigningAlgorithm.ES256;
  const { privateKey } =
    alg === DemoSigningAlgorithm.RS256
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' }) as Record<string, string>;
  return { ...jwk, kid: options.kid ?? `demo-${randomBytes(4).toString('hex')}`, alg, use: 'sig' };
}

/** The public part of a signing JWK (what the issuer's JWKS publishes). */
export function publicSigningJwk(jwk: PrivateSigningJwk): Record<string, string> {
  const pub = createPublicKey({ key: { ...jwk }, format: 'jwk' }).export({ format: 'jwk' }) as Record<string, string>;
  return { ...pub, ...(jwk.kid ? { kid: jwk.kid } : {}), ...(jwk.alg ? { alg: jwk.alg } : {}), ...(jwk.use ? { use: jwk.use } : {}) };
}
