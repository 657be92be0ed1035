/**
 * The contract between the synth-time lookups and the constructs: what is recorded about an
 * issuer, and the shape of the lock file (`lookups.lock.json`).
 *
 * The lock is the only thing construction reads about an issuer: an async prepare step
 * (`lookups/prepare.ts`) fills it over the network, construction stays synchronous and offline.
 * Modelled on AWS CDK's `cdk.context.json`.
 */

/** Version of the lock file format; bump on incompatible change. */
export const LOCK_FILE_VERSION = 1;

/** One X.509 certificate as recorded in the lock. */
export interface CertificateFact {
  /** SHA-1 of the DER certificate: 40 lowercase hex characters, no colons. */
  readonly sha1: string;
  /** Subject distinguished name, e.g. `CN=idp.example.com`. */
  readonly subject: string;
  /** Issuer distinguished name. */
  readonly issuer: string;
  /** End of validity, ISO 8601 UTC (`2027-01-31T23:59:59.000Z`). */
  readonly notAfter: string;
}

/** What one TLS endpoint presented, verified against the trust store. */
export interface HostFact {
  /** Host name (SNI) that was verified. */
  readonly host: string;
  /** TCP port. */
  readonly port: number;
  /**
   * Top certificate of the chain the server itself sent: the last one
   * `openssl s_client -showcerts` prints. Alibaba Cloud's documented IdP fingerprint.
   */
  readonly presentedTop: CertificateFact;
  /** Trust anchor (root) that the verified chain ends in. */
  readonly root: CertificateFact;
  /**
   * The server (leaf) certificate, recorded for expiry warnings and change reports.
   * Absent in locks written before it was added.
   */
  readonly leaf?: CertificateFact;
}

/** One public signing key from the issuer's JWKS. */
export interface KeyFact {
  /** Key id, when the JWKS gives one. */
  readonly kid?: string;
  /** Key type: RSA, EC or OKP (symmetric `oct` keys are refused). */
  readonly kty: string;
  /** Declared algorithm, when the JWKS gives one. */
  readonly alg?: string;
  /** Declared use, when the JWKS gives one. */
  readonly use?: string;
  /** RFC 7638 SHA-256 JWK thumbprint (base64url). */
  readonly thumbprint: string;
  /** The public JWK, public members only, keys in sorted order. */
  readonly jwk: Readonly<Record<string, string>>;
}

/** Everything recorded about one OIDC issuer. */
export interface IssuerFacts {
  /** The issuer URL exactly as configured and as its discovery document states it. */
  readonly issuer: string;
  /** `jwks_uri` from discovery. */
  readonly jwksUri: string;
  /** `token_endpoint` from discovery, when present. */
  readonly tokenEndpoint?: string;
  /** TLS facts: issuer host first, then the `jwks_uri` host when it differs. */
  readonly hosts: readonly HostFact[];
  /**
   * Fingerprints an OIDC identity provider for this issuer should trust (1–5): the presented-top
   * SHA-1 of each host. During certificate rotation old and new are kept side by side until
   * the user prunes the old one.
   */
  readonly fingerprints: readonly string[];
  /** Public signing keys from the JWKS. */
  readonly keys: readonly KeyFact[];
}

/** The whole lock file. */
export interface LockFile {
  readonly version: typeof LOCK_FILE_VERSION;
  /** Issuer URL → facts. Written with keys sorted so diffs stay small. */
  readonly issuers: Readonly<Record<string, IssuerFacts>>;
}
