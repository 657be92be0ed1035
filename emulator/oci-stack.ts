/**
 * Reads the OCI API Gateway deployments of a synthesized stack (`oci_apigateway_deployment`) into
 * what the OCI emulator enforces: path prefix, routes (path, methods, authorization) and the
 * token authentication policy (token location, validation, issuers, audiences, verify-claims,
 * clock skew, failure response). Anything it cannot read faithfully becomes a `problem`, which
 * the emulator answers with 500 `unsupported`, never with an ALLOW.
 */
import { isUnresolvedValue } from '../core/expressions';

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

type Obj = Record<string, unknown>;

/** The Terraform type the OCI emulator serves. */
const OCI_DEPLOYMENT_TYPE = 'oci_apigateway_deployment';

/** Whether a parsed `cdk.tf.json` holds OCI API Gateway deployments. */
export function hasOciDeployments(stack: unknown): boolean {
  const resources = (stack as { resource?: Record<string, unknown> } | undefined)?.resource;
  return !!resources && typeof resources === 'object' && Object.keys((resources[OCI_DEPLOYMENT_TYPE] ?? {}) as Obj).length > 0;
}

/**
 * Loads every `oci_apigateway_deployment` of a parsed `cdk.tf.json`, sorted by address.
 * @throws Error when the object is not a synthesized stack
 */
export function loadOciDeployments(stack: unknown): OciEmulatedDeployment[] {
  if (!stack || typeof stack !== 'object' || Array.isArray(stack)) throw new Error('a synthesized stack (cdk.tf.json) must be a JSON object');
  const all = ((stack as { resource?: Record<string, Record<string, Obj>> }).resource ?? {})[OCI_DEPLOYMENT_TYPE] ?? {};
  return Object.entries(all)
    .map(([name, config]) => readDeployment(`${OCI_DEPLOYMENT_TYPE}.${name}`, config))
    .sort((a, b) => a.address.localeCompare(b.address));
}

function readDeployment(address: string, config: Obj): OciEmulatedDeployment {
  const spec = block(config.specification);
  const policies = block(spec.request_policies);
  const routes = list(spec.routes).map(readRoute);
  return {
    address,
    name: typeof config.display_name === 'string' ? config.display_name : address,
    pathPrefix: typeof config.path_prefix === 'string' ? config.path_prefix : '/',
    routes,
    authentication: readAuthentication(block(policies.authentication)),
  };
}

function readRoute(route: Obj): OciEmulatedRoute {
  const methods = Array.isArray(route.methods) ? route.methods.map((m) => String(m).toUpperCase()) : ['ANY'];
  const authorization = block(block(route.request_policies).authorization);
  const backend = block(route.backend);
  return {
    path: String(route.path ?? '/'),
    methods,
    authorization: Object.keys(authorization).length === 0 ? undefined : {
      type: (String(authorization.type ?? 'AUTHENTICATION_ONLY').toUpperCase()) as OciRouteAuthorization['type'],
      allowedScopes: Array.isArray(authorization.allowed_scope) ? authorization.allowed_scope.map(String) : [],
    },
    backendUrl: typeof backend.url === 'string' ? backend.url : undefined,
  };
}

function readAuthentication(auth: Obj): { policy?: OciAuthenticationPolicy; problem?: string } {
  if (Object.keys(auth).length === 0) return { problem: 'the deployment has no authentication policy' };
  if (isUnresolvedValue(auth)) return { problem: 'the authentication policy is only known at apply time' };
  const type = String(auth.type ?? '').toUpperCase();
  let keys: Obj;
  let holder: Obj;
  if (type === 'TOKEN_AUTHENTICATION') {
    keys = block(auth.validation_policy);
    holder = block(keys.additional_validation_policy);
  } else if (type === 'JWT_AUTHENTICATION') {
    keys = block(auth.public_keys);
    holder = auth;
  } else {
    return { problem: `authentication type ${JSON.stringify(auth.type)} is not emulated (TOKEN_AUTHENTICATION or JWT_AUTHENTICATION)` };
  }
  const keyType = String(keys.type ?? '').toUpperCase();
  if (keyType !== 'REMOTE_JWKS') return { problem: `validation type ${JSON.stringify(keys.type)} is not emulated (REMOTE_JWKS only; introspection and static keys are not)` };
  if (typeof keys.uri !== 'string' || isUnresolvedValue(keys.uri)) return { problem: 'the JWKS URI is not a literal' };
  const strings = (value: unknown): string[] | undefined => (Array.isArray(value) && value.every((v) => typeof v === 'string' && !isUnresolvedValue(v)) ? value as string[] : undefined);
  const issuers = strings(holder.issuers ?? []);
  const audiences = strings(holder.audiences ?? []);
  if (!issuers || !audiences) return { problem: 'issuers or audiences are not literal lists' };
  const claims: OciVerifyClaim[] = [];
  for (const claim of list(holder.verify_claims)) {
    const values = strings(claim.values ?? []);
    if (typeof claim.key !== 'string' || isUnresolvedValue(claim.key) || !values) return { problem: 'a verify-claim is not literal' };
    claims.push({ key: claim.key, values, isRequired: claim.is_required === true || claim.is_required === 'true' });
  }
  const failure = block(auth.validation_failure_policy);
  let failureStatus = 401;
  let failureMessage: string | undefined;
  if (Object.keys(failure).length > 0) {
    if (String(failure.type ?? '').toUpperCase() !== 'MODIFY_RESPONSE') return { problem: `validation failure policy ${JSON.stringify(failure.type)} is not emulated (MODIFY_RESPONSE only)` };
    if (failure.response_code !== undefined) failureStatus = Number(failure.response_code);
    if (!Number.isInteger(failureStatus) || failureStatus < 100 || failureStatus > 599) return { problem: `validation failure response_code ${JSON.stringify(failure.response_code)} is not an HTTP status` };
    failureMessage = typeof failure.response_message === 'string' ? failure.response_message : undefined;
  }
  const skew = auth.max_clock_skew_in_seconds === undefined ? 0 : Number(auth.max_clock_skew_in_seconds);
  if (!Number.isFinite(skew) || skew < 0) return { problem: `max_clock_skew_in_seconds ${JSON.stringify(auth.max_clock_skew_in_seconds)} is not a number of seconds` };
  return {
    policy: {
      type,
      tokenHeader: typeof auth.token_header === 'string' ? auth.token_header.toLowerCase() : undefined,
      tokenQueryParam: typeof auth.token_query_param === 'string' ? auth.token_query_param : undefined,
      tokenAuthScheme: typeof auth.token_auth_scheme === 'string' ? auth.token_auth_scheme : undefined,
      isAnonymousAccessAllowed: auth.is_anonymous_access_allowed === true || auth.is_anonymous_access_allowed === 'true',
      jwksUri: keys.uri,
      issuers,
      audiences,
      verifyClaims: claims,
      maxClockSkewSeconds: skew,
      failureStatus,
      failureMessage,
    },
  };
}

/** cdktf writes single nested blocks as objects; older output used one-element lists. */
function block(value: unknown): Obj {
  const v = Array.isArray(value) ? value[0] : value;
  return v && typeof v === 'object' ? (v as Obj) : {};
}

function list(value: unknown): Obj[] {
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.filter((v): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v));
}
