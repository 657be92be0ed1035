/**
 * Typed configuration of one deployment environment (dev, staging, prod, ...).
 *
 * Stacks are composed only from this config: everything that differs between environments
 * lives here, nothing environment-specific lives in constructs or stacks. No secrets belong in
 * config: provider credentials come from the environment or from assume-role-with-OIDC settings
 * (see README, "Credentials").
 *
 * Config is strict: an unknown key (a typo such as `expectedFingerprint`) is an error, both for
 * `tsc` (the example config is typed, so object literals get excess-property checks) and at run
 * time (`validateEnvironments`, through the zod schemas in `config/schema.ts`, naming the field
 * path). To add an optional section (e.g. `apig`): put its interface and its schema in their own
 * file under `config/` (`export const apigConfigSchema = exactSchema<ApigConfig>()(z.strictObject({...}))`),
 * add one optional field here and one line `apig: apigConfigSchema.optional(),` to
 * `environmentConfigSchema`. `tsc` fails until the interface and the schema agree.
 */
import type { SecurityOptOut } from '../core/opt-out';
import type { StageName } from '../core/stages';
import type { ApigConfig } from './apig';
import type { ClientAuthConfig } from './client-auth';
import type { CredentialsConfig } from './credentials';
import type { OciConfig } from './oci';

export type { StageName };

/** HTTP methods an API can be called with. */
export type HttpMethodName = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD' | 'OPTIONS';

/** The IDaaS EIAM M2M authorization server the environment trusts. */
export interface M2mServerConfig {
  /** Issuer URL (https). Its discovery, JWKS and TLS fingerprints are recorded in `lookups.lock.json`. */
  readonly issuer: string;
  /** Audience identifier of the M2M server (`aud`). */
  readonly audience: string;
  /** The server's scope catalog. */
  readonly scopes: readonly string[];
  /**
   * Fingerprints you verified yourself (e.g. with `openssl s_client -showcerts`); the synth fails
   * when the recorded ones do not include them.
   * @default - none pinned: the recorded lookup is trusted as is
   */
  readonly expectedFingerprints?: readonly string[];
  /**
   * `kid` of the key the JWT plugin trusts when the issuer's JWKS holds several (e.g. during a key
   * rotation). Must be a key recorded in `lookups.lock.json`.
   * @default - the JWKS's only key (the synth fails and asks for this when there are several)
   */
  readonly signingKeyId?: string;
}

/** An M2M client application (public identity only; its secret never enters config). */
export interface M2mClientConfig {
  /** Name used in construct ids and messages, e.g. `reporting`. */
  readonly name: string;
  /** Application id (`client_id`). */
  readonly clientId: string;
  /** Scopes the client is granted on the server. */
  readonly grantedScopes: readonly string[];
  /**
   * How `npm run verify` obtains a token for the client (the secret's environment variable).
   * @default - verify reports the client's checks as failed, naming this field
   */
  readonly clientAuth?: ClientAuthConfig;
}

/** Throttling of every protected API. */
export interface ThrottleConfig {
  /** Requests allowed per minute for each API as a whole. */
  readonly requestsPerMinute: number;
}

/** One protected API. */
export interface ApiConfig {
  /** API name (unique in the group), e.g. `hello`. */
  readonly name: string;
  /** Description shown in the console. */
  readonly description: string;
  /** Request path, starting with `/`. */
  readonly path: string;
  /** Request method. */
  readonly method: HttpMethodName;
  /** Backend path the request is mapped to. */
  readonly backendPath: string;
  /**
   * Backend method.
   * @default - same as `method`
   */
  readonly backendMethod?: HttpMethodName;
  /** Scopes a token must carry (all of them) to call the API. */
  readonly requiredScopes: readonly string[];
  /** Names of the clients (from `clients`) allowed to call the API. */
  readonly allowedClients: readonly string[];
  /**
   * Stages the API is published to.
   * @default - the environment's `stages`
   */
  readonly stages?: readonly StageName[];
}

/** The gateway side: one API group, one HTTP backend, its APIs. */
export interface GatewayConfig {
  /** API group name. */
  readonly groupName: string;
  /** API group description. */
  readonly description: string;
  /** Backend service name. */
  readonly backendName: string;
  /** Backend address, e.g. `https://backend.internal.example.com`. */
  readonly backendAddress: string;
  /**
   * Dedicated API Gateway instance id.
   * @default - the shared instance
   */
  readonly instanceId?: string;
  /** Where the token travels: the seed's `id_token` query parameter, or `Authorization: Bearer`. */
  readonly tokenLocation: 'query' | 'bearer';
  /**
   * Reject tokens whose `jti` was already seen (replay protection): `true` is accepted, `false`
   * is a config error.
   * @deprecated Replay protection is the default; turn it off with `allowJtiReplay: { reason }`.
   * @default true
   */
  readonly preventJtiReplay?: boolean;
  /**
   * Opt-out, with a reason (at least 10 characters), of jti replay protection: tokens can then be
   * reused until they expire. Reported as a suppressed `APIGW-JWT4` finding; refused in
   * production.
   * @default - every token is accepted once
   */
  readonly allowJtiReplay?: SecurityOptOut;
  /**
   * Throttling applied to every protected API.
   * @default - no throttling plugin
   */
  readonly throttle?: ThrottleConfig;
  /** The protected APIs. */
  readonly apis: readonly ApiConfig[];
}

/** A RAM role assumable with an M2M token (AssumeRoleWithOIDC). */
export interface RoleConfig {
  /** RAM role name. */
  readonly name: string;
  /** Description. */
  readonly description: string;
  /** Exact `sub` values (client ids) that may assume the role. */
  readonly subjects: readonly string[];
  /** System policies attached by name, e.g. `AliyunOSSReadOnlyAccess`. */
  readonly systemPolicies: readonly string[];
  /**
   * Longest session in seconds (3600–43200).
   * @default 3600
   */
  readonly maxSessionDurationSeconds?: number;
}

/** The federation side: a RAM OIDC provider for the M2M server and roles trusting it. */
export interface FederationConfig {
  /** RAM OIDC identity provider name. */
  readonly providerName: string;
  /**
   * Hours after issuance during which a token can still be exchanged (1–168).
   * @default 12
   */
  readonly issuanceLimitHours?: number;
  /** Roles. */
  readonly roles: readonly RoleConfig[];
}

/** OSS remote state with TableStore locking (cdktf `OssBackend`). */
export interface OssStateConfig {
  /** Bucket holding the state. */
  readonly bucket: string;
  /** Region of the bucket. */
  readonly region: string;
  /** Prefix under which state files are kept; the stack name is appended. */
  readonly prefix: string;
  /** TableStore endpoint used for locking, e.g. `https://tf-lock.cn-hangzhou.ots.aliyuncs.com`. */
  readonly tablestoreEndpoint: string;
  /** TableStore table used for locking. */
  readonly tablestoreTable: string;
}

/** Where Terraform state is kept. */
export interface StateConfig {
  /**
   * Remote state in OSS with TableStore locking, for teams. Required when `production` is true.
   * @default - one local state file per stack, `state/<stack>.tfstate` (outside `cdktf.out/`,
   *   git-ignored; fine for trying the example, not for production)
   */
  readonly oss?: OssStateConfig;
}

/** Everything that defines one environment. */
export interface EnvironmentConfig {
  /** Short name used in stack ids, e.g. `dev` → stacks `gateway-dev`, `federation-dev`. */
  readonly name: string;
  /** Alibaba Cloud region, e.g. `cn-hangzhou`. */
  readonly region: string;
  /**
   * Alibaba Cloud account id (UID) the stacks deploy into. Every stack fails at plan time when
   * the credentials belong to another account.
   */
  readonly accountId: string;
  /**
   * How the provider authenticates (a profile or a role to assume; never secrets).
   * @default - the provider's default credential chain (environment variables, profile, ECS role)
   */
  readonly credentials?: CredentialsConfig;
  /** Production environments get the strictest checks (e.g. jti replay protection). */
  readonly production: boolean;
  /** Stages APIs are published to by default. */
  readonly stages: readonly StageName[];
  /** The M2M authorization server. */
  readonly m2mServer: M2mServerConfig;
  /** M2M clients. */
  readonly clients: readonly M2mClientConfig[];
  /** API Gateway side. */
  readonly gateway: GatewayConfig;
  /** RAM federation side. */
  readonly federation: FederationConfig;
  /** Terraform state. */
  readonly state: StateConfig;
  /**
   * Cloud-native API Gateway global JWT authentication (stack `apig-<env>`).
   * @default - no APIG stack
   */
  readonly apig?: ApigConfig;
  /**
   * The OCI side (seed 002): identity domain apps, API Gateway and token-protected deployments,
   * synthesized as the `oci-<env>` stack.
   * @default - no OCI stack
   */
  readonly oci?: OciConfig;
}
