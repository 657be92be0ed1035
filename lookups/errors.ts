/**
 * Errors raised by the synth-time lookups.
 *
 * Every failure carries a stable {@link LookupErrorCode} so callers and tests can branch on
 * `error.code` instead of on message text. Messages follow the project shape:
 * where (issuer / host) · what is wrong · what we got · how to fix.
 */

/** Stable codes of {@link LookupError}. Values never change meaning. */
export enum LookupErrorCode {
  /** The configured issuer URL is not an absolute https URL without query or fragment. */
  ISSUER_INVALID = 'LOOKUP_ISSUER_INVALID',
  /** The host name does not resolve. */
  DNS_FAILED = 'LOOKUP_DNS_FAILED',
  /** Nothing listens on the host and port. */
  CONNECTION_REFUSED = 'LOOKUP_CONNECTION_REFUSED',
  /** Connecting, the TLS handshake or the response took longer than the timeout. */
  TIMEOUT = 'LOOKUP_TIMEOUT',
  /** Any other network failure (reset, unreachable, ...). */
  NETWORK_FAILED = 'LOOKUP_NETWORK_FAILED',
  /** The server certificate chain does not end in a trusted root (self-signed, unknown CA). */
  TLS_UNTRUSTED = 'LOOKUP_TLS_UNTRUSTED',
  /** A certificate of the chain is expired or not yet valid. */
  TLS_EXPIRED = 'LOOKUP_TLS_EXPIRED',
  /** The server certificate is not valid for the host name. */
  TLS_HOSTNAME_MISMATCH = 'LOOKUP_TLS_HOSTNAME_MISMATCH',
  /** Any other TLS failure (protocol, handshake alert, ...). */
  TLS_FAILED = 'LOOKUP_TLS_FAILED',
  /** The certificates the server sent could not be read from the handshake. */
  TLS_CHAIN_UNREADABLE = 'LOOKUP_TLS_CHAIN_UNREADABLE',
  /** The verified chain could not be walked to its trust anchor. */
  TLS_CHAIN_UNRESOLVED = 'LOOKUP_TLS_CHAIN_UNRESOLVED',
  /** The `--ca-bundle` file is missing or holds no PEM certificate. */
  CA_BUNDLE_INVALID = 'LOOKUP_CA_BUNDLE_INVALID',
  /** The server answered with a non-2xx status. */
  HTTP_STATUS = 'LOOKUP_HTTP_STATUS',
  /** An OCI identity domain's signing-key URL (`/admin/v1/SigningCert/jwk`) requires credentials. */
  OCI_SIGNING_KEYS_NOT_PUBLIC = 'LOOKUP_OCI_SIGNING_KEYS_NOT_PUBLIC',
  /** A redirect left https, had no Location, or there were too many. */
  REDIRECT_INVALID = 'LOOKUP_REDIRECT_INVALID',
  /** The document is not a JSON object served as JSON. */
  NOT_JSON = 'LOOKUP_NOT_JSON',
  /** The document is larger than the size cap. */
  TOO_LARGE = 'LOOKUP_TOO_LARGE',
  /** The discovery document names another issuer. */
  ISSUER_MISMATCH = 'LOOKUP_ISSUER_MISMATCH',
  /** The discovery document lacks `jwks_uri` or has malformed endpoint members. */
  DISCOVERY_INVALID = 'LOOKUP_DISCOVERY_INVALID',
  /** The JWKS document has no `keys` array. */
  JWKS_INVALID = 'LOOKUP_JWKS_INVALID',
  /** The JWKS has no keys. */
  JWKS_EMPTY = 'LOOKUP_JWKS_EMPTY',
  /** A JWKS key has private members (d, p, q, dp, dq, qi, k). */
  JWKS_PRIVATE_KEY = 'LOOKUP_JWKS_PRIVATE_KEY',
  /** A JWKS key is a symmetric `oct` key. */
  JWKS_SYMMETRIC_KEY = 'LOOKUP_JWKS_SYMMETRIC_KEY',
  /** A JWKS key has no usable public part or cannot be imported. */
  JWKS_KEY_INVALID = 'LOOKUP_JWKS_KEY_INVALID',
  /** A user-pinned fingerprint is malformed. */
  PIN_INVALID = 'LOOKUP_PIN_INVALID',
  /** A user-pinned fingerprint is not among the observed certificates. */
  PIN_MISMATCH = 'LOOKUP_PIN_MISMATCH',
  /**
   * A user-pinned fingerprint is the root CA's; RAM compares the top certificate the issuer
   * presents, so the pin would never match what it checks.
   */
  PIN_ROOT_CA = 'LOOKUP_PIN_ROOT_CA',
  /** Accumulated fingerprints exceed the 5 an OIDC provider accepts. */
  TOO_MANY_FINGERPRINTS = 'LOOKUP_TOO_MANY_FINGERPRINTS',
  /** CI mode: an issuer is not recorded in the lock. */
  LOCK_MISSING_IN_CI = 'LOOKUP_LOCK_MISSING_IN_CI',
  /** CI mode: a refresh observed facts that differ from the lock. */
  LOCK_CHANGED_IN_CI = 'LOOKUP_LOCK_CHANGED_IN_CI',
  /** The lock file cannot be parsed or does not have the expected shape. */
  LOCK_INVALID = 'LOOKUP_LOCK_INVALID',
  /** A recorded key disagrees with itself (e.g. its thumbprint is not the RFC 7638 thumbprint of its JWK). */
  LOCK_KEY_MISMATCH = 'LOOKUP_LOCK_KEY_MISMATCH',
  /** The lock file cannot be written. */
  LOCK_WRITE_FAILED = 'LOOKUP_LOCK_WRITE_FAILED',
  /** No issuer was requested. */
  NO_ISSUERS = 'LOOKUP_NO_ISSUERS',
  /** Several issuers failed; see {@link LookupError.errors}. */
  MULTIPLE_FAILED = 'LOOKUP_MULTIPLE_FAILED',
}

/** Context attached to a {@link LookupError}. */
export interface LookupErrorContext {
  /** The issuer being looked up, when known. */
  readonly issuer?: string;
  /** The host (`name:port`) or URL involved, when known. */
  readonly host?: string;
  /** Underlying error. */
  readonly cause?: unknown;
  /** Individual failures, for {@link LookupErrorCode.MULTIPLE_FAILED}. */
  readonly errors?: readonly LookupError[];
  /** The HTTP status, for {@link LookupErrorCode.HTTP_STATUS}. */
  readonly status?: number;
}

/** A lookup failure with a stable {@link LookupErrorCode}. */
export class LookupError extends Error {
  /** Stable error code, e.g. `LOOKUP_TLS_UNTRUSTED`. */
  public readonly code: LookupErrorCode;
  /** The issuer being looked up, when known. */
  public readonly issuer?: string;
  /** The host (`name:port`) or URL involved, when known. */
  public readonly host?: string;
  /** Individual failures when several issuers failed. */
  public readonly errors: readonly LookupError[];
  /** The HTTP status, for {@link LookupErrorCode.HTTP_STATUS}. */
  public readonly status?: number;

  public constructor(code: LookupErrorCode, message: string, context: LookupErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.name = 'LookupError';
    this.code = code;
    this.issuer = context.issuer;
    this.host = context.host;
    this.errors = context.errors ?? [];
    this.status = context.status;
  }
}

/**
 * Builds a {@link LookupError} with the project's message shape:
 * `[<issuer>] <subject> <problem>, got <value>. <fix>`.
 */
export function lookupError(
  code: LookupErrorCode,
  where: { readonly issuer?: string; readonly host?: string; readonly cause?: unknown; readonly status?: number },
  problem: string,
  got?: unknown,
  fix?: string,
): LookupError {
  const prefix = where.issuer ? `[${where.issuer}] ` : '';
  const gotText = got === undefined ? '' : `, got ${typeof got === 'string' ? JSON.stringify(got) : safeJson(got)}`;
  const fixText = fix ? ` ${fix}` : '';
  return new LookupError(code, `${prefix}${problem}${gotText}.${fixText}`, where);
}

function safeJson(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return String(value);
  }
}

/** Error codes from Node/OpenSSL/undici, collected through `cause` and `AggregateError.errors`. */
function collectCodes(error: unknown, out: string[] = [], depth = 0): string[] {
  if (!error || typeof error !== 'object' || depth > 5) return out;
  const e = error as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string') out.push(e.code);
  if (e.name === 'TimeoutError' || e.name === 'AbortError') out.push(e.name);
  collectCodes(e.cause, out, depth + 1);
  if (Array.isArray(e.errors)) for (const inner of e.errors) collectCodes(inner, out, depth + 1);
  return out;
}

function firstMessage(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return firstMessage(error.errors[0]);
  if (error instanceof Error) {
    const own = error.message || error.name;
    const cause = error.cause instanceof Error ? `: ${firstMessage(error.cause)}` : '';
    return `${own}${cause}`;
  }
  return String(error);
}

const EXPIRED_CODES = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_EXPIRED']);
const HOSTNAME_CODES = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH', 'IP_ADDRESS_MISMATCH']);
const UNTRUSTED_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
  'CERT_REJECTED',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
]);
const TIMEOUT_CODES = new Set([
  'TimeoutError',
  'AbortError',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ERR_TLS_HANDSHAKE_TIMEOUT',
]);

/**
 * Turns a low-level network/TLS error into a {@link LookupError} naming the issuer, the
 * endpoint and a fix. Already-converted errors pass through unchanged.
 *
 * @param error - what Node, OpenSSL or undici threw.
 * @param where - the issuer, the `host:port` and a label of what was being fetched.
 */
export function toNetworkError(
  error: unknown,
  where: { readonly issuer?: string; readonly host: string; readonly what: string; readonly timeoutMs: number },
): LookupError {
  if (error instanceof LookupError) return error;
  const codes = collectCodes(error);
  const detail = firstMessage(error);
  const ctx = { issuer: where.issuer, host: where.host, cause: error };
  const on = `${where.what} on ${where.host}`;
  const has = (set: Set<string>): string | undefined => codes.find((c) => set.has(c));
  let code: string | undefined;
  if ((code = codes.find((c) => c === 'ENOTFOUND' || c === 'EAI_AGAIN' || c === 'EAI_NONAME' || c === 'EAI_FAIL'))) {
    return lookupError(LookupErrorCode.DNS_FAILED, ctx, `${on}: the host name does not resolve (${code})`, undefined,
      'Check the issuer URL for typos and that DNS works from this machine.');
  }
  if ((code = codes.find((c) => c === 'ECONNREFUSED'))) {
    return lookupError(LookupErrorCode.CONNECTION_REFUSED, ctx, `${on}: connection refused (${code})`, undefined,
      'Check the issuer URL port and that the issuer is up.');
  }
  if ((code = has(TIMEOUT_CODES))) {
    return lookupError(LookupErrorCode.TIMEOUT, ctx, `${on}: no complete answer within ${where.timeoutMs} ms (${code})`,
      undefined, 'Check that the issuer is reachable, or raise the timeout.');
  }
  if ((code = has(EXPIRED_CODES))) {
    return lookupError(LookupErrorCode.TLS_EXPIRED, ctx, `${on}: a certificate of the chain is expired or not yet valid (${code}: ${detail})`,
      undefined, 'The issuer must renew its certificate; do not work around this by trusting it.');
  }
  if ((code = has(HOSTNAME_CODES))) {
    return lookupError(LookupErrorCode.TLS_HOSTNAME_MISMATCH, ctx, `${on}: the certificate is not valid for this host name (${code}: ${detail})`,
      undefined, 'Use the exact host name the issuer certificate is issued for.');
  }
  if ((code = has(UNTRUSTED_CODES))) {
    return lookupError(LookupErrorCode.TLS_UNTRUSTED, ctx, `${on}: the certificate chain does not end in a trusted root (${code}: ${detail})`,
      undefined, 'If the issuer uses a private CA, pass its root with --ca-bundle <pem> (caBundlePath).');
  }
  if (codes.some((c) => c.startsWith('ERR_SSL') || c.startsWith('ERR_TLS') || c.startsWith('EPROTO'))) {
    return lookupError(LookupErrorCode.TLS_FAILED, ctx, `${on}: TLS handshake failed (${detail})`, undefined,
      'Check that the issuer serves TLS 1.2+ with a valid certificate.');
  }
  return lookupError(LookupErrorCode.NETWORK_FAILED, ctx, `${on}: request failed (${codes[0] ?? 'no code'}: ${detail})`,
    undefined, 'Check that the issuer is reachable from this machine.');
}
