/**
 * Reads the OCI API Gateway deployments of a synthesized stack (`oci_apigateway_deployment`), once:
 * {@link readOciDeployments} finds each field where the provider keeps it (path prefix, routes
 * with methods and authorization, the authentication policy in its TOKEN or JWT layout) and
 * returns it as declared; the access map shows that, and {@link loadOciDeployments} turns it into
 * what the OCI emulator enforces. Anything the emulator cannot enforce faithfully becomes a
 * `problem`, which it answers with 500 `unsupported`, never with an ALLOW.
 */
import { isUnresolvedValue, parseBoolString } from '../core/expressions';
import { compareCodeUnits } from '../core/order';
import { singleBlock, stringList } from '../core/terraform-json';

/** One `verify_claims` entry. */
export interface OciVerifyClaim {
  /** Claim name. */
  readonly key: string;
  /** Accepted values (exact string match); empty means "present". */
  readonly values: readonly string[];
  /** Whether a token without the claim fails. */
  readonly isRequired: boolean;
}

/** The authentication policy of a deployment, as the emulator enforces it. */
export interface OciAuthenticationPolicy {
  /** `TOKEN_AUTHENTICATION` or `JWT_AUTHENTICATION`. */
  readonly type: 'TOKEN_AUTHENTICATION' | 'JWT_AUTHENTICATION';
  /** Header the token is read from (lower-case), unless {@link tokenQueryParam}. */
  readonly tokenHeader?: string;
  /** Query parameter the token is read from. */
  readonly tokenQueryParam?: string;
  /** Scheme before the token in the header (e.g. `Bearer`); none when absent. */
  readonly tokenAuthScheme?: string;
  /** Whether requests without a token reach ANONYMOUS routes. */
  readonly isAnonymousAccessAllowed: boolean;
  /** Remote JWKS URL the signatures are verified with. */
  readonly jwksUri: string;
  /** Accepted issuers. */
  readonly issuers: readonly string[];
  /** Accepted audiences. */
  readonly audiences: readonly string[];
  /** Claims checked on every token. */
  readonly verifyClaims: readonly OciVerifyClaim[];
  /** Clock skew tolerated for `exp` / `nbf`, in seconds. */
  readonly maxClockSkewSeconds: number;
  /** Status of a failed validation (`validation_failure_policy` MODIFY_RESPONSE, else 401). */
  readonly failureStatus: number;
  /** Body of a failed validation. */
  readonly failureMessage?: string;
}

/** Authorization of one route. */
export interface OciRouteAuthorization {
  /** `ANY_OF`, `AUTHENTICATION_ONLY` or `ANONYMOUS`. */
  readonly type: 'ANY_OF' | 'AUTHENTICATION_ONLY' | 'ANONYMOUS';
  /** Scopes for `ANY_OF`. */
  readonly allowedScopes: readonly string[];
}

/** One route of a deployment. */
export interface OciEmulatedRoute {
  /** Path below the prefix; `{name}` segments are parameters, a final `{name*}` matches the rest. */
  readonly path: string;
  /** Upper-case methods (`ANY` matches every method). */
  readonly methods: readonly string[];
  /** Authorization; `undefined` when the route has none (the gateway then requires authentication, assumption). */
  readonly authorization?: OciRouteAuthorization;
  /** Backend URL, for the ALLOW summary. */
  readonly backendUrl?: string;
}

/** One deployment of the stack. */
export interface OciEmulatedDeployment {
  /** Resource address. */
  readonly address: string;
  /** `display_name`, else the address. */
  readonly name: string;
  /** `path_prefix`. */
  readonly pathPrefix: string;
  /** The routes, in order. */
  readonly routes: readonly OciEmulatedRoute[];
  /** The authentication policy, or why it cannot be emulated. */
  readonly authentication: { readonly policy?: OciAuthenticationPolicy; readonly problem?: string };
}

/** A route as declared; values as written (a Terraform expression stays a string). */
export interface OciDeclaredRoute {
  /** `path`, below the prefix. */
  readonly path?: string;
  /** `methods`; `undefined` when not set. */
  readonly methods?: readonly string[];
  /** `request_policies.authorization`; `undefined` when the route has none. */
  readonly authorization?: {
    /** `type`, e.g. `ANY_OF`; `undefined` when not set. */
    readonly type?: string;
    /** `allowed_scope`. */
    readonly allowedScopes: readonly string[];
  };
  /** `backend.url`, when a string. */
  readonly backendUrl?: string;
}

/**
 * The authentication policy as declared. TOKEN_AUTHENTICATION keeps its keys in
 * `validation_policy` and issuers, audiences and verify-claims in its
 * `additional_validation_policy`; JWT_AUTHENTICATION (and any other type) keeps its keys in
 * `public_keys` and the rest on the policy itself. Values are as written.
 */
export interface OciDeclaredAuthentication {
  /** `type`, e.g. `TOKEN_AUTHENTICATION`; `undefined` when not set. */
  readonly type?: string;
  /** `is_anonymous_access_allowed` is `true` (or `"true"`). */
  readonly isAnonymousAccessAllowed: boolean;
  /** `token_header`. */
  readonly tokenHeader?: string;
  /** `token_query_param`. */
  readonly tokenQueryParam?: string;
  /** `token_auth_scheme`. */
  readonly tokenAuthScheme?: string;
  /** Where the keys come from. */
  readonly keys: {
    /** `type`, e.g. `REMOTE_JWKS` or `STATIC_KEYS`. */
    readonly type?: string;
    /** `uri` of the key block. */
    readonly uri?: string;
    /** `source_uri_details.uri` (discovery), for TOKEN_AUTHENTICATION. */
    readonly discoveryUri?: string;
    /** `kid` (or `key`) of each static key. */
    readonly keyIds: readonly string[];
  };
  /** Accepted issuers. */
  readonly issuers: readonly string[];
  /** Accepted audiences. */
  readonly audiences: readonly string[];
  /** `verify_claims`. */
  readonly verifyClaims: readonly { readonly key?: string; readonly values: readonly string[]; readonly isRequired: boolean }[];
  /** `max_clock_skew_in_seconds` as written. */
  readonly maxClockSkewInSeconds?: unknown;
  /** `validation_failure_policy`; `undefined` when absent. */
  readonly validationFailurePolicy?: { readonly type?: string; readonly responseCode?: unknown; readonly responseMessage?: unknown };
}

/** A deployment as declared (see {@link readOciDeployments}). */
export interface OciDeclaredDeployment {
  /** Resource address. */
  readonly address: string;
  /** `display_name`, when a string. */
  readonly displayName?: string;
  /** `path_prefix` (`''` when not set). */
  readonly pathPrefix: string;
  /** `specification.routes`, in order. */
  readonly routes: readonly OciDeclaredRoute[];
  /** `specification.request_policies.authentication`; `undefined` when the deployment has none. */
  readonly authentication?: OciDeclaredAuthentication;
}

type Obj = Record<string, unknown>;

/** The Terraform type the OCI emulator serves. */
const OCI_DEPLOYMENT_TYPE = 'oci_apigateway_deployment';

/** Whether a parsed `cdk.tf.json` holds OCI API Gateway deployments. */
export function hasOciDeployments(stack: unknown): boolean {
  const resources = (stack as { resource?: Record<string, unknown> } | undefined)?.resource;
  return !!resources && typeof resources === 'object' && Object.keys((resources[OCI_DEPLOYMENT_TYPE] ?? {}) as Obj).length > 0;
}

/**
 * Reads every `oci_apigateway_deployment` of a parsed `cdk.tf.json` as declared, sorted by address.
 * @throws Error when the object is not a synthesized stack
 */
export function readOciDeployments(stack: unknown): OciDeclaredDeployment[] {
  if (!stack || typeof stack !== 'object' || Array.isArray(stack)) throw new Error('a synthesized stack (cdk.tf.json) must be a JSON object');
  const all = ((stack as { resource?: Record<string, Record<string, Obj>> }).resource ?? {})[OCI_DEPLOYMENT_TYPE] ?? {};
  return Object.entries(all)
    .map(([name, config]) => declaredDeployment(`${OCI_DEPLOYMENT_TYPE}.${name}`, config))
    .sort((a, b) => compareCodeUnits(a.address, b.address));
}

/**
 * Loads every `oci_apigateway_deployment` of a parsed `cdk.tf.json` as the emulator enforces it,
 * sorted by address.
 * @throws Error when the object is not a synthesized stack
 */
export function loadOciDeployments(stack: unknown): OciEmulatedDeployment[] {
  return readOciDeployments(stack).map((d) => ({
    address: d.address,
    name: d.displayName ?? d.address,
    pathPrefix: d.pathPrefix,
    routes: d.routes.map(emulatedRoute),
    authentication: emulatedAuthentication(d.authentication),
  }));
}

function declaredDeployment(address: string, config: Obj): OciDeclaredDeployment {
  const spec = singleBlock(config.specification);
  const auth = singleBlock(singleBlock(spec.request_policies).authentication);
  return {
    address,
    displayName: typeof config.display_name === 'string' ? config.display_name : undefined,
    pathPrefix: String(config.path_prefix ?? ''),
    routes: list(spec.routes).map(declaredRoute),
    authentication: Object.keys(auth).length === 0 ? undefined : declaredAuthentication(auth),
  };
}

function declaredRoute(route: Obj): OciDeclaredRoute {
  const authorization = singleBlock(singleBlock(route.request_policies).authorization);
  const backend = singleBlock(route.backend);
  return {
    path: optionalString(route.path),
    methods: route.methods === undefined || route.methods === null ? undefined : stringList(route.methods),
    authorization: Object.keys(authorization).length === 0 ? undefined : { type: optionalString(authorization.type), allowedScopes: stringList(authorization.allowed_scope) },
    backendUrl: typeof backend.url === 'string' ? backend.url : undefined,
  };
}

function declaredAuthentication(auth: Obj): OciDeclaredAuthentication {
  const type = optionalString(auth.type);
  const token = type?.toUpperCase() === 'TOKEN_AUTHENTICATION';
  const keys = token ? singleBlock(auth.validation_policy) : singleBlock(auth.public_keys);
  const holder = token ? singleBlock(keys.additional_validation_policy) : auth;
  const failure = singleBlock(auth.validation_failure_policy);
  return {
    type,
    isAnonymousAccessAllowed: isTrue(auth.is_anonymous_access_allowed),
    tokenHeader: optionalString(auth.token_header),
    tokenQueryParam: optionalString(auth.token_query_param),
    tokenAuthScheme: optionalString(auth.token_auth_scheme),
    keys: {
      type: optionalString(keys.type),
      uri: optionalString(keys.uri),
      discoveryUri: token ? optionalString(singleBlock(keys.source_uri_details).uri) : undefined,
      keyIds: list(keys.keys).map((k) => String(k.kid ?? k.key ?? '')),
    },
    issuers: stringList(holder.issuers),
    audiences: stringList(holder.audiences),
    verifyClaims: list(holder.verify_claims).map((c) => ({ key: optionalString(c.key), values: stringList(c.values), isRequired: isTrue(c.is_required) })),
    maxClockSkewInSeconds: auth.max_clock_skew_in_seconds,
    validationFailurePolicy: Object.keys(failure).length === 0 ? undefined : { type: optionalString(failure.type), responseCode: failure.response_code, responseMessage: failure.response_message },
  };
}

function emulatedRoute(route: OciDeclaredRoute): OciEmulatedRoute {
  return {
    path: route.path ?? '/',
    methods: route.methods ? route.methods.map((m) => m.toUpperCase()) : ['ANY'],
    authorization: route.authorization && {
      type: (route.authorization.type ?? 'AUTHENTICATION_ONLY').toUpperCase() as OciRouteAuthorization['type'],
      allowedScopes: route.authorization.allowedScopes,
    },
    backendUrl: route.backendUrl,
  };
}

function emulatedAuthentication(auth: OciDeclaredAuthentication | undefined): { policy?: OciAuthenticationPolicy; problem?: string } {
  if (!auth) return { problem: 'the deployment has no authentication policy' };
  const type = (auth.type ?? '').toUpperCase();
  if (type !== 'TOKEN_AUTHENTICATION' && type !== 'JWT_AUTHENTICATION') {
    return { problem: `authentication type ${JSON.stringify(auth.type)} is not emulated (TOKEN_AUTHENTICATION or JWT_AUTHENTICATION)` };
  }
  const keys = auth.keys;
  if ((keys.type ?? '').toUpperCase() !== 'REMOTE_JWKS') return { problem: `validation type ${JSON.stringify(keys.type)} is not emulated (REMOTE_JWKS only; introspection and static keys are not)` };
  if (keys.uri === undefined || isUnresolvedValue(keys.uri)) return { problem: 'the JWKS URI is not a literal' };
  const literal = (values: readonly string[]) => !values.some(isUnresolvedValue);
  if (!literal(auth.issuers) || !literal(auth.audiences)) return { problem: 'issuers or audiences are not literal lists' };
  if (auth.verifyClaims.some((c) => c.key === undefined || isUnresolvedValue(c.key) || !literal(c.values))) return { problem: 'a verify-claim is not literal' };
  const failure = auth.validationFailurePolicy;
  let failureStatus = 401;
  let failureMessage: string | undefined;
  if (failure) {
    if ((failure.type ?? '').toUpperCase() !== 'MODIFY_RESPONSE') return { problem: `validation failure policy ${JSON.stringify(failure.type)} is not emulated (MODIFY_RESPONSE only)` };
    if (failure.responseCode !== undefined) failureStatus = Number(failure.responseCode);
    if (!Number.isInteger(failureStatus) || failureStatus < 100 || failureStatus > 599) return { problem: `validation failure response_code ${JSON.stringify(failure.responseCode)} is not an HTTP status` };
    failureMessage = typeof failure.responseMessage === 'string' ? failure.responseMessage : undefined;
  }
  const skew = auth.maxClockSkewInSeconds === undefined ? 0 : Number(auth.maxClockSkewInSeconds);
  if (!Number.isFinite(skew) || skew < 0) return { problem: `max_clock_skew_in_seconds ${JSON.stringify(auth.maxClockSkewInSeconds)} is not a number of seconds` };
  return {
    policy: {
      type,
      tokenHeader: auth.tokenHeader?.toLowerCase(),
      tokenQueryParam: auth.tokenQueryParam,
      tokenAuthScheme: auth.tokenAuthScheme,
      isAnonymousAccessAllowed: auth.isAnonymousAccessAllowed,
      jwksUri: keys.uri,
      issuers: auth.issuers,
      audiences: auth.audiences,
      verifyClaims: auth.verifyClaims.map((c) => ({ key: c.key!, values: c.values, isRequired: c.isRequired })),
      maxClockSkewSeconds: skew,
      failureStatus,
      failureMessage,
    },
  };
}

function list(value: unknown): Obj[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.filter((v): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v));
}

/** A string attribute as written (`undefined` when absent). */
function optionalString(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

/** A bool attribute as Terraform reads it: `true`, or a string that converts to true (`"true"`, `"1"`). */
function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && parseBoolString(value) === true);
}
