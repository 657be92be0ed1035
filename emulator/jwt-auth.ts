/**
 * The `jwtAuth` plugin: reads the token from the configured header or query parameter and verifies
 * it against the one JWK of the plugin script (signature, `kid`, expiry, `jti` replay).
 *
 * Follows the documented fields (`parameter`, `parameterLocation`, `bypassEmptyToken`,
 * `ignoreExpirationCheck`, `preventJtiReplay`, `jwk`, `claimParameters`). Not documented, so
 * chosen here and marked "assumption": no clock skew, `nbf` checked when present, a token without
 * `exp` (or, with anti-replay, without `jti`) is rejected, the replay cache is per plugin.
 *
 * @see https://www.alibabacloud.com/help/en/api-gateway/traditional-api-gateway/user-guide/jwt-authentication
 */
import { type JWK, compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import { PRIVATE_JWK_MEMBERS } from '../core/jwk';
import { isTrue } from '../core/plugin-data';
import { EmulatorUnsupportedError } from './errors';

/** A claim forwarded to the backend (`claimParameters`). */
export interface ClaimParameterConfig {
  /** Claim name. */
  readonly claimName: string;
  /** Backend parameter name. */
  readonly parameterName: string;
  /** Backend parameter location (`query`, `header`, `path`, `formData`). */
  readonly location: string;
}

/** The fields of a `jwtAuth` script the emulator enforces. */
export interface JwtAuthConfig {
  /** Header or query parameter holding the token. */
  readonly parameter: string;
  /** `header` or `query`. */
  readonly parameterLocation: 'header' | 'query';
  /** Let requests without a token through. */
  readonly bypassEmptyToken: boolean;
  /** Skip the `exp` check. */
  readonly ignoreExpirationCheck: boolean;
  /** Accept each `jti` once. */
  readonly preventJtiReplay: boolean;
  /** The public key tokens must be signed with. */
  readonly jwk: Readonly<Record<string, string>>;
  /** Claims forwarded to the backend. */
  readonly claimParameters: readonly ClaimParameterConfig[];
}

/** Signature algorithms the emulators accept; symmetric algorithms and `none` never are. */
export const ASYMMETRIC_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/**
 * Reads a parsed `jwtAuth` script.
 * @throws EmulatorUnsupportedError when a field the emulator needs is missing or has an unexpected form
 */
export function readJwtAuthConfig(script: Record<string, unknown>): JwtAuthConfig {
  const parameter = script.parameter;
  if (typeof parameter !== 'string' || parameter === '') throw new EmulatorUnsupportedError('jwtAuth script has no "parameter"');
  const location = typeof script.parameterLocation === 'string' ? script.parameterLocation.toLowerCase() : undefined;
  if (location !== 'header' && location !== 'query') {
    throw new EmulatorUnsupportedError(`jwtAuth "parameterLocation" ${JSON.stringify(script.parameterLocation)} is not emulated (header or query)`);
  }
  if ('jwks' in script || 'jwkList' in script) throw new EmulatorUnsupportedError('jwtAuth scripts with several keys are not emulated (the multi-key field is unconfirmed)');
  const jwk = script.jwk;
  if (!jwk || typeof jwk !== 'object' || Array.isArray(jwk)) throw new EmulatorUnsupportedError('jwtAuth script has no "jwk" mapping');
  const members = jwk as Record<string, unknown>;
  if (Object.values(members).some((v) => typeof v !== 'string')) throw new EmulatorUnsupportedError('jwtAuth "jwk" members must be strings');
  const leaked = PRIVATE_JWK_MEMBERS.filter((m) => m in members);
  if (leaked.length > 0) throw new EmulatorUnsupportedError(`jwtAuth "jwk" holds private or symmetric members (${leaked.join(', ')})`);
  const claims = Array.isArray(script.claimParameters) ? script.claimParameters : [];
  return {
    parameter,
    parameterLocation: location,
    bypassEmptyToken: isTrue(script.bypassEmptyToken),
    ignoreExpirationCheck: isTrue(script.ignoreExpirationCheck),
    preventJtiReplay: isTrue(script.preventJtiReplay),
    jwk: members as Record<string, string>,
    claimParameters: claims
      .filter((c): c is Record<string, unknown> => !!c && typeof c === 'object')
      .map((c) => ({ claimName: String(c.claimName), parameterName: String(c.parameterName), location: String(c.location) })),
  };
}

/** Remembers the `jti` of accepted tokens until they expire. */
class JtiReplayCache {
  private readonly seen = new Map<string, number>();

  /**
   * Records `jti` unless it was already recorded and has not expired.
   * @param expiresAt - epoch seconds after which the entry can be forgotten
   * @returns whether the `jti` was new
   */
  public claim(jti: string, expiresAt: number, nowSeconds: number): boolean {
    for (const [key, exp] of this.seen) if (exp <= nowSeconds) this.seen.delete(key);
    if (this.seen.has(jti)) return false;
    // A token without exp (ignoreExpirationCheck) is remembered for the emulator's lifetime.
    this.seen.set(jti, Number.isFinite(expiresAt) ? expiresAt : Number.POSITIVE_INFINITY);
    return true;
  }
}

/** Outcome of the JWT plugin. */
export type JwtOutcome =
  | { readonly ok: true; readonly claims?: Readonly<Record<string, unknown>>; readonly reason: string }
  | { readonly ok: false; readonly status: 401; readonly reason: string };

/** Verifies tokens for one `jwtAuth` plugin. */
export class JwtAuthVerifier {
  private readonly keys = new Map<string, ReturnType<typeof importJWK>>();
  private readonly replay = new JtiReplayCache();

  public constructor(public readonly config: JwtAuthConfig) {}

  /**
   * Verifies `token` (already extracted from the request; `undefined` when absent).
   * @param now - the emulator's clock
   */
  public async verify(token: string | undefined, now: Date): Promise<JwtOutcome> {
    const where = `${this.config.parameterLocation} parameter "${this.config.parameter}"`;
    if (token === undefined || token === '') {
      if (this.config.bypassEmptyToken) return { ok: true, reason: `jwtAuth: no token in ${where}, let through (bypassEmptyToken)` };
      return deny(`jwtAuth: no token in ${where}`);
    }
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      return deny('jwtAuth: the token is not a JWS compact serialization');
    }
    const jwkKid = this.config.jwk.kid;
    if (header.kid !== undefined && jwkKid !== undefined && header.kid !== jwkKid) {
      return deny(`jwtAuth: token kid ${JSON.stringify(header.kid)} does not match the configured key ${JSON.stringify(jwkKid)}`);
    }
    const alg = header.alg;
    const accepted = acceptedAlgorithms(this.config.jwk);
    if (typeof alg !== 'string' || !accepted.includes(alg)) {
      return deny(`jwtAuth: token alg ${JSON.stringify(alg)} is not accepted by the configured key (${accepted.join(', ') || 'none'})`);
    }

    let key: Awaited<ReturnType<typeof importJWK>>;
    try {
      let pending = this.keys.get(alg);
      if (!pending) {
        pending = importJWK(this.config.jwk as JWK, alg);
        this.keys.set(alg, pending);
      }
      key = await pending;
    } catch (error) {
      throw new EmulatorUnsupportedError(`jwtAuth "jwk" cannot be used for ${alg}: ${(error as Error).message}`);
    }
    let payloadBytes: Uint8Array;
    try {
      ({ payload: payloadBytes } = await compactVerify(token, key, { algorithms: [alg] }));
    } catch (error) {
      return deny(`jwtAuth: signature verification failed (${(error as Error).message})`);
    }
    let claims: unknown;
    try {
      claims = JSON.parse(new TextDecoder().decode(payloadBytes));
    } catch {
      return deny('jwtAuth: the payload is not JSON');
    }
    if (!claims || typeof claims !== 'object' || Array.isArray(claims)) return deny('jwtAuth: the payload is not a JSON object');
    const payload = claims as Record<string, unknown>;
    const nowSeconds = Math.floor(now.getTime() / 1000);
    if (!this.config.ignoreExpirationCheck) {
      if (typeof payload.exp !== 'number') return deny('jwtAuth: the token has no numeric exp (assumption: required unless ignoreExpirationCheck)');
      if (nowSeconds >= payload.exp) return deny(`jwtAuth: the token expired at ${new Date(payload.exp * 1000).toISOString()}`);
    }
    if (typeof payload.nbf === 'number' && nowSeconds < payload.nbf) return deny('jwtAuth: the token is not valid yet (nbf)');
    if (this.config.preventJtiReplay) {
      if (typeof payload.jti !== 'string' || payload.jti === '') return deny('jwtAuth: the token has no jti, required by preventJtiReplay (assumption)');
      const exp = typeof payload.exp === 'number' ? payload.exp : Number.POSITIVE_INFINITY;
      if (!this.replay.claim(payload.jti, exp, nowSeconds)) return deny(`jwtAuth: jti ${JSON.stringify(payload.jti)} was already used (preventJtiReplay)`);
    }
    return { ok: true, claims: payload, reason: 'jwtAuth: token verified' };
  }
}

/** Algorithms a public JWK can verify: its `alg` when set, else those matching its key type. */
function acceptedAlgorithms(jwk: Readonly<Record<string, string>>): string[] {
  if (jwk.alg !== undefined) return ASYMMETRIC_ALGS.includes(jwk.alg) ? [jwk.alg] : [];
  switch (jwk.kty) {
    case 'RSA': return ASYMMETRIC_ALGS.filter((a) => /^(RS|PS)/.test(a));
    case 'EC': return ({ 'P-256': ['ES256'], 'P-384': ['ES384'], 'P-521': ['ES512'] } as Record<string, string[]>)[jwk.crv] ?? [];
    case 'OKP': return ['EdDSA'];
    default: return [];
  }
}

function deny(reason: string): JwtOutcome {
  return { ok: false, status: 401, reason };
}
