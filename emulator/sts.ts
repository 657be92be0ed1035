/**
 * A local stand-in for Alibaba Cloud STS `AssumeRoleWithOIDC` over a synthesized federation stack:
 * it decides like STS whether an OIDC token may assume a role and answers with well-formed
 * temporary credentials or the STS error code.
 *
 * Checks, in this order: the request parameters (RoleSessionName 2–64 of `[A-Za-z0-9.@_-]`,
 * DurationSeconds ≥ 900), the provider and role named by ARN, the token's form and algorithm,
 * `iss` equal to the provider's issuer URL, the provider's fingerprints against those the issuer
 * presents (when known), the signature against the issuer's JWKS as recorded in the lock, `exp`,
 * `iat` within the provider's issuance limit, `aud` among the provider's client IDs, the role's
 * trust policy, and DurationSeconds within the role's maximum.
 *
 * Error codes and messages are those Alibaba Cloud documents for STS (API reference and error
 * center); where none is documented the choice is marked "assumption" in `emulator/README.md`.
 * Credentials are random, never logged, and mean nothing outside the emulator.
 *
 * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-sts-2015-04-01-assumerolewithoidc
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type JWK, type JSONWebKeySet, compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader } from 'jose';
import type { LockFile } from '../core/issuer-facts';
import { readStackFile } from '../core/stack-file';
import { ASYMMETRIC_ALGS } from './jwt-auth';
import { type EmulatedOidcProvider, type EmulatedRole, type FederationModel, loadFederationStack } from './sts-stack';
import { evaluateTrustPolicy } from './trust-policy';

/** STS API version the emulator speaks. */
export const STS_API_VERSION = '2015-04-01';
/** Shortest session STS grants, in seconds. */
export const MIN_DURATION_SECONDS = 900;
/** Session length when DurationSeconds is omitted, in seconds. */
const DEFAULT_DURATION_SECONDS = 3600;
/** RoleSessionName format of AssumeRoleWithOIDC. */
const ROLE_SESSION_NAME = /^[A-Za-z0-9.@_-]{2,64}$/;

/** Algorithms STS verifies: the asymmetric JWS algorithms (EdDSA left out: STS documents RSA and EC keys only, assumption). */
const STS_ALGS = ASYMMETRIC_ALGS.filter((a) => a !== 'EdDSA');

/** What the emulator knows about an issuer, as the lock records it. */
export interface StsIssuerFacts {
  /** Public JWKs of the issuer's JWKS. */
  readonly keys: readonly JWK[];
  /**
   * SHA-1 fingerprints the issuer presents (lower-case hex). When given, a provider whose
   * fingerprints include none of them is refused, as STS refuses it.
   * @default - not checked
   */
  readonly fingerprints?: readonly string[];
}

/** Options of {@link StsEmulator}. */
export interface StsEmulatorOptions {
  /** Account UID the emulated RAM lives in; ARNs are built with it. */
  readonly accountId: string;
  /** Facts per issuer URL (keys, fingerprints), e.g. {@link issuerFactsFromLock}. */
  readonly issuers: Readonly<Record<string, StsIssuerFacts>>;
  /**
   * Clock for `exp`, `iat` and credential expiry.
   * @default - the system clock
   */
  readonly now?: () => Date;
}

/** The parameters of one AssumeRoleWithOIDC call, as sent (all strings). */
export type AssumeRoleWithOidcParams = Readonly<Record<string, string | undefined>>;

/** The emulator's answer: the HTTP status and the JSON body STS would send. */
export interface StsAnswer {
  /** HTTP status: 200, or the error's status. */
  readonly status: number;
  /** JSON body: `Credentials`, `AssumedRoleUser`, `OIDCTokenInfo`, `RequestId`, or `Code`, `Message`, `RequestId`. */
  readonly body: Readonly<Record<string, unknown>>;
}

/** A refusal: documented code and message plus the emulator's reason. */
export interface StsRefusal {
  /** HTTP status. */
  readonly status: number;
  /** STS error code, e.g. `AuthenticationFail.OIDCToken.Expired`. */
  readonly code: string;
  /** STS error message. */
  readonly message: string;
  /** What exactly failed (emulator only). */
  readonly reason: string;
}

/** Issuer facts from a `lookups.lock.json` structure: keys and fingerprints per issuer URL. */
export function issuerFactsFromLock(lock: Pick<LockFile, 'issuers'>): Record<string, StsIssuerFacts> {
  const out: Record<string, StsIssuerFacts> = {};
  for (const [issuer, facts] of Object.entries(lock.issuers)) {
    out[issuer] = { keys: facts.keys.map((k) => ({ ...k.jwk }) as JWK), fingerprints: facts.fingerprints?.map((f) => f.toLowerCase()) };
  }
  return out;
}

/** Decides AssumeRoleWithOIDC calls for one federation stack. */
export class StsEmulator {
  /** Loads a parsed `cdk.tf.json`. */
  public static fromStack(stack: unknown, options: StsEmulatorOptions): StsEmulator {
    return new StsEmulator(loadFederationStack(stack, options.accountId), options);
  }

  /** Loads a `cdk.tf.json` file. */
  public static fromFile(file: string, options: StsEmulatorOptions): StsEmulator {
    return new StsEmulator(loadFederationStack(readStackFile(file), options.accountId), options);
  }

  private readonly now: () => Date;

  public constructor(
    /** The loaded stack. */
    public readonly model: FederationModel,
    private readonly options: StsEmulatorOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Answers one AssumeRoleWithOIDC call. */
  public async assumeRoleWithOidc(params: AssumeRoleWithOidcParams): Promise<StsAnswer> {
    const requestId = randomUUID().toUpperCase();
    const outcome = await this.decide(params);
    if (isRefusal(outcome)) {
      return { status: outcome.status, body: { RequestId: requestId, HostId: 'sts.aliyuncs.com', Code: outcome.code, Message: outcome.message, Reason: outcome.reason } };
    }
    return { status: 200, body: { RequestId: requestId, ...outcome } };
  }

  /** The decision without the HTTP framing: a refusal, or the success body (without RequestId). */
  public async decide(params: AssumeRoleWithOidcParams): Promise<StsRefusal | Record<string, unknown>> {
    const providerArn = params.OIDCProviderArn;
    const roleArn = params.RoleArn;
    const session = params.RoleSessionName;
    const token = params.OIDCToken;
    if (!providerArn) return refuse(400, 'MissingParameter.OIDCProviderArn', 'Parameter OIDCProviderArn is required.', 'OIDCProviderArn is missing');
    if (!roleArn) return refuse(400, 'MissingParameter.RoleArn', 'Parameter RoleArn is required.', 'RoleArn is missing');
    if (!session) return refuse(400, 'MissingParameter.RoleSessionName', 'Parameter RoleSessionName is required.', 'RoleSessionName is missing');
    if (!token) return refuse(401, 'AuthenticationFail.OIDCToken.Invalid', 'The OIDCToken can not empty.', 'OIDCToken is missing');
    if (!ROLE_SESSION_NAME.test(session)) {
      return refuse(400, 'InvalidParameter.RoleSessionName', 'The RoleSessionName is invalid.', `RoleSessionName ${JSON.stringify(session)} must be 2 to 64 characters of letters, digits and . @ _ -`);
    }
    let duration = DEFAULT_DURATION_SECONDS;
    if (params.DurationSeconds !== undefined && params.DurationSeconds !== '') {
      duration = Number(params.DurationSeconds);
      if (!Number.isInteger(duration) || duration < MIN_DURATION_SECONDS) {
        return refuse(400, 'InvalidParameter.DurationSeconds', 'The DurationSeconds is invalid.', `DurationSeconds ${JSON.stringify(params.DurationSeconds)} must be an integer of at least ${MIN_DURATION_SECONDS}`);
      }
    }
    if (token.length < 4 || token.length > 20000) return refuse(401, 'AuthenticationFail.OIDCToken.Invalid', 'The Jwt content is invalid that cannot be recognized.', 'OIDCToken must be 4 to 20,000 characters');

    const provider = this.model.providers.find((p) => p.arn === providerArn);
    if (!provider) {
      return refuse(401, 'AuthenticationFail.NoPermission', 'No such OIDC Provider registered.', `no OIDC provider ${providerArn} (known: ${this.model.providers.map((p) => p.arn).join(', ') || 'none'})`);
    }
    const role = this.model.roles.find((r) => r.arn.toLowerCase() === roleArn.toLowerCase());
    if (!role) return refuse(404, 'EntityNotExist.Role', `The role not exists: ${roleArn}.`, `no role ${roleArn} (known: ${this.model.roles.map((r) => r.arn).join(', ') || 'none'})`);

    const verified = await this.verifyToken(token, provider);
    if (isRefusal(verified)) return verified;
    const claims = verified.claims;

    const trust = this.trust(role, provider, claims);
    if (!trust.allowed) return refuse(401, 'AuthenticationFail.NoPermission', 'There is no permission', `the trust policy of role ${role.name} does not admit this token: ${trust.reason}`);
    if (duration > role.maxSessionDurationSeconds) {
      return refuse(400, 'InvalidParameter.DurationSeconds', 'The DurationSeconds is invalid.', `DurationSeconds ${duration} is more than the role's max_session_duration ${role.maxSessionDurationSeconds}`);
    }
    return this.credentials(role, provider, session, duration, claims);
  }

  private async verifyToken(token: string, provider: EmulatedOidcProvider): Promise<StsRefusal | { claims: Record<string, unknown> }> {
    const invalid = (message: string, reason: string) => refuse(401, 'AuthenticationFail.OIDCToken.Invalid', message, reason);
    if (token.split('.').length !== 3) return invalid("The number of Jwt field should be divided into 3 parts with '.' .", 'the token is not a compact JWS');
    let header: ReturnType<typeof decodeProtectedHeader>;
    let claims: Record<string, unknown>;
    try {
      header = decodeProtectedHeader(token);
      claims = decodeJwt(token) as Record<string, unknown>;
    } catch {
      return invalid('Cannot decode base64 encoded response(format invalided).', 'the token header or payload is not base64url JSON');
    }
    if (typeof header.alg !== 'string' || !STS_ALGS.includes(header.alg)) {
      return invalid(`The algorithm ${String(header.alg)} that be specified in Jwt header is unknown.`, `alg ${JSON.stringify(header.alg)} is not an asymmetric signature algorithm`);
    }
    if (claims.iss !== provider.issuerUrl) {
      return refuse(401, 'AuthenticationFail.OIDCToken.IssuerNotMatch', "The issuer in the OIDC Token doesn't match the OIDC Provider registered.",
        `iss ${JSON.stringify(claims.iss)} is not the issuer URL ${provider.issuerUrl} of ${provider.name}`);
    }
    const facts = this.options.issuers[provider.issuerUrl];
    if (!facts || facts.keys.length === 0) {
      return refuse(401, 'AuthenticationFail.OIDCToken.IssuerConfigurationBroken', `Get public keys from OIDC Provider failed, the issuer is ${provider.issuerUrl}.`,
        `no JWKS recorded for ${provider.issuerUrl} (record it in lookups.lock.json with npm run lookups)`);
    }
    if (facts.fingerprints && facts.fingerprints.length > 0 && !provider.fingerprints.some((f) => facts.fingerprints?.includes(f))) {
      return refuse(401, 'AuthenticationFail.OIDCToken.PublicKeyFingerprintMismatch', 'The public key fingerprint of the OIDC provider does not match.',
        `the provider's fingerprints ${JSON.stringify(provider.fingerprints)} include none the issuer presents ${JSON.stringify(facts.fingerprints)}`);
    }
    try {
      await compactVerify(token, createLocalJWKSet({ keys: facts.keys.map((k) => ({ ...k })) } as JSONWebKeySet), { algorithms: STS_ALGS });
    } catch (error) {
      return refuse(401, 'AuthenticationFail.OIDCToken.InvalidSignature', 'OIDC token validate failed: invalid signature.', `signature not verified with the JWKS of ${provider.issuerUrl}: ${(error as Error).message}`);
    }
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    if (typeof claims.exp !== 'number') return invalid('The Jwt content is invalid that cannot be recognized.', 'the token has no numeric exp');
    if (nowSeconds >= claims.exp) return refuse(401, 'AuthenticationFail.OIDCToken.Expired', 'This JsonWebToken is expired.', `exp ${isoSeconds(claims.exp)} is past`);
    if (typeof claims.iat !== 'number') return invalid('The Jwt content is invalid that cannot be recognized.', 'the token has no numeric iat');
    const limitSeconds = provider.issuanceLimitHours * 3600;
    if (nowSeconds - claims.iat > limitSeconds) {
      // assumption: STS documents no separate code for the issuance limit
      return refuse(401, 'AuthenticationFail.OIDCToken.Expired', 'This JsonWebToken is expired.',
        `iat ${isoSeconds(claims.iat)} is more than the provider's issuance limit of ${provider.issuanceLimitHours} h ago`);
    }
    const audiences = audiencesOf(claims.aud);
    if (!audiences.some((a) => provider.clientIds.includes(a))) {
      return refuse(401, 'AuthenticationFail.OIDCToken.AudienceNotMatch', 'Invalid audience.', `aud ${JSON.stringify(claims.aud)} holds none of the client IDs ${JSON.stringify(provider.clientIds)} of ${provider.name}`);
    }
    return { claims };
  }

  private trust(role: EmulatedRole, provider: EmulatedOidcProvider, claims: Record<string, unknown>) {
    if (role.trustPolicy === undefined) return { allowed: false, reason: role.trustPolicyProblem ?? 'no trust policy' };
    return evaluateTrustPolicy(role.trustPolicy, provider.arn, {
      'oidc:iss': typeof claims.iss === 'string' ? [claims.iss] : [],
      'oidc:aud': audiencesOf(claims.aud),
      'oidc:sub': typeof claims.sub === 'string' ? [claims.sub] : [],
    });
  }

  private credentials(role: EmulatedRole, provider: EmulatedOidcProvider, session: string, duration: number, claims: Record<string, unknown>): Record<string, unknown> {
    const expiresAt = Math.floor(this.now().getTime() / 1000) + duration;
    const roleId = BigInt(`0x${Buffer.from(role.arn).toString('hex').slice(0, 14)}`).toString().padStart(17, '3').slice(0, 17);
    return {
      Credentials: {
        AccessKeyId: `STS.${randomBytes(18).toString('base64url')}`,
        AccessKeySecret: randomBytes(30).toString('base64url'),
        SecurityToken: randomBytes(96).toString('base64'),
        Expiration: isoSeconds(expiresAt),
      },
      AssumedRoleUser: {
        AssumedRoleId: `${roleId}:${session}`,
        Arn: `acs:ram::${this.model.accountId}:assumed-role/${role.name}/${session}`,
      },
      OIDCTokenInfo: {
        Subject: claims.sub,
        Issuer: claims.iss,
        ClientIds: audiencesOf(claims.aud).join(','),
        IssuanceTime: isoSeconds(claims.iat as number),
        ExpirationTime: isoSeconds(claims.exp as number),
        VerificationInfo: `Success (emulated ${provider.name})`,
      },
    };
  }
}

function isRefusal(value: StsRefusal | Record<string, unknown>): value is StsRefusal {
  return typeof value.code === 'string' && typeof value.status === 'number';
}

function refuse(status: number, code: string, message: string, reason: string): StsRefusal {
  return { status, code, message, reason };
}

function audiencesOf(aud: unknown): string[] {
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
}

/** `2026-01-01T00:00:00Z` (STS writes no milliseconds). */
function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
