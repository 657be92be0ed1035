/**
 * A local stand-in for OCI API Gateway deployments (`oci_apigateway_deployment`): routes a
 * request by path prefix, route path and method, then enforces the deployment's token
 * authentication (signature with the remote JWKS, issuer, audience, verify-claims, expiry with
 * the clock skew) and the route's authorization (`ANY_OF` scopes, `AUTHENTICATION_ONLY`,
 * `ANONYMOUS`). It never calls a backend: an allowed request gets a 200 naming the backend.
 *
 * Documented behaviour it follows: tokens are RS256/RS384/RS512 JWTs; a missing or invalid token,
 * or one whose claims do not match the authentication policy (issuer, audience, expiry,
 * verify-claims), fails authentication (401, or the validation failure policy's status); a valid
 * token without an allowed scope fails authorization (403).
 *
 * @see https://docs.oracle.com/en-us/iaas/Content/APIGateway/Tasks/apigatewayusingjwttokens.htm
 * @see https://docs.oracle.com/en-us/iaas/Content/APIGateway/Tasks/apigatewaytroubleshooting_topic-token_validation_fails_token_claims_do_not_match.htm
 */
import { type JSONWebKeySet, type JWK, type JWTPayload, type JWTVerifyGetKey, createLocalJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import { Agent, request } from 'undici';
import type { LockFile } from '../core/issuer-facts';
import { readStackFile } from '../core/stack-file';
import { type EmulatorRequest, type EmulatorResponse, splitPath } from './gateway';
import { joseDenial } from './jose-denial';
import { type OciAuthenticationPolicy, type OciEmulatedDeployment, type OciEmulatedRoute, loadOciDeployments } from './oci-stack';

/** Signature algorithms the gateway accepts for JWTs validated with public keys (documented). */
const OCI_ALGORITHMS = ['RS256', 'RS384', 'RS512'];

/** Options of {@link OciGatewayEmulator}. */
export interface OciGatewayEmulatorOptions {
  /**
   * Clock used for `exp` and `nbf`.
   * @default - the system clock
   */
  readonly now?: () => Date;
  /**
   * Extra trusted CA certificates (PEM) for fetching the JWKS, e.g. the demo issuer's root.
   * @default - the system trust store
   */
  readonly caPem?: string;
  /**
   * Key sets by JWKS URL, used instead of fetching that URL: e.g. the lock's keys (see
   * {@link keySetsFromLock}) when the issuer's recorded URL is not served where the emulator runs,
   * as in `npm run verify -- --local`. A URL not listed here is fetched.
   * @default - every JWKS is fetched
   */
  readonly keySets?: Readonly<Record<string, JSONWebKeySet>>;
}

/**
 * The key sets a lock records, by the JWKS URL it recorded them from (`issuers.<issuer>.jwksUri`),
 * for {@link OciGatewayEmulatorOptions.keySets}.
 */
export function keySetsFromLock(lock: Pick<LockFile, 'issuers'>): Record<string, JSONWebKeySet> {
  const out: Record<string, JSONWebKeySet> = {};
  for (const facts of Object.values(lock.issuers)) out[facts.jwksUri] = { keys: facts.keys.map((k) => ({ ...k.jwk }) as JWK) };
  return out;
}

/** Enforces the OCI API Gateway deployments of one synthesized stack. */
export class OciGatewayEmulator {
  /** Loads a parsed `cdk.tf.json`. */
  public static fromStack(stack: unknown, options: OciGatewayEmulatorOptions = {}): OciGatewayEmulator {
    return new OciGatewayEmulator(loadOciDeployments(stack), options);
  }

  /** Loads a `cdk.tf.json` file. */
  public static fromFile(file: string, options: OciGatewayEmulatorOptions = {}): OciGatewayEmulator {
    return OciGatewayEmulator.fromStack(readStackFile(file), options);
  }

  private readonly now: () => Date;
  private readonly agent: Agent;
  private readonly keySets = new Map<string, Promise<JWTVerifyGetKey>>();
  private readonly givenKeySets: Readonly<Record<string, JSONWebKeySet>>;

  public constructor(
    /** The loaded deployments. */
    public readonly deployments: readonly OciEmulatedDeployment[],
    options: OciGatewayEmulatorOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.agent = new Agent({ connect: options.caPem ? { ca: options.caPem } : {} });
    this.givenKeySets = options.keySets ?? {};
  }

  /** Releases the connection pool used for JWKS fetches. */
  public async close(): Promise<void> {
    await this.agent.close();
  }

  /** Decides what the gateway would do with `request` (the `stage` field is ignored: OCI has none). */
  public async handle(request: EmulatorRequest): Promise<EmulatorResponse> {
    const headers = lowerCaseKeys(request.headers);
    const [path, rawQuery] = splitPath(request.path);
    const query = new URLSearchParams(rawQuery ?? '');
    for (const [name, value] of Object.entries(request.query ?? {})) for (const v of typeof value === 'string' ? [value] : value ?? []) query.append(name, v);
    const method = request.method.toUpperCase();

    const matched = this.route(method, path);
    if (!matched) return deny({ stage: '-', plugins: [], notEmulated: [] }, 404, `no route of an OCI deployment matches ${method} ${path}`);
    const { deployment, route } = matched;
    const base = { stage: deployment.pathPrefix, api: `${deployment.name} ${route.path}`, plugins: [] as string[], notEmulated: [] as string[] };
    const { policy, problem } = deployment.authentication;
    if (!policy) return unsupported(base, problem ?? 'no authentication policy');
    base.plugins.push(`${policy.type} (${deployment.address})`);
    const authorization = route.authorization ?? { type: 'AUTHENTICATION_ONLY' as const, allowedScopes: [] };
    base.plugins.push(`authorization ${authorization.type}`);

    const token = readToken(policy, headers, query);
    if (token === undefined) {
      if (policy.isAnonymousAccessAllowed && authorization.type === 'ANONYMOUS') return allow(base, route, 'no token; anonymous access allowed on an ANONYMOUS route');
      return fail(base, policy, `authentication: no token in ${where(policy)}`);
    }
    let claims: JWTPayload;
    try {
      claims = await this.verify(token, policy);
    } catch (error) {
      return fail(base, policy, `authentication: ${describeJoseError(error)}`);
    }
    for (const claim of policy.verifyClaims) {
      const mismatch = checkClaim(claims, claim.key, claim.values, claim.isRequired);
      if (mismatch) return fail(base, policy, `authentication: ${mismatch}`);
    }
    if (authorization.type === 'ANY_OF') {
      const held = scopesOf(claims.scope);
      const hit = authorization.allowedScopes.find((s) => held.includes(s));
      if (!hit) {
        return deny(base, 403, `authorization: the token's scopes ${JSON.stringify(held)} hold none of ${JSON.stringify(authorization.allowedScopes)} (ANY_OF)`);
      }
      return allow(base, route, `token verified; authorization: scope ${hit} is one of ${JSON.stringify(authorization.allowedScopes)}`);
    }
    return allow(base, route, `token verified; authorization: ${authorization.type}`);
  }

  private route(method: string, path: string): { deployment: OciEmulatedDeployment; route: OciEmulatedRoute } | undefined {
    // The longest matching prefix wins, as with several deployments on one gateway.
    const candidates = [...this.deployments].sort((a, b) => b.pathPrefix.length - a.pathPrefix.length);
    for (const deployment of candidates) {
      const prefix = deployment.pathPrefix.replace(/\/+$/, '');
      if (path !== prefix && !path.startsWith(`${prefix}/`)) continue;
      const rest = path.slice(prefix.length) || '/';
      const route = deployment.routes.find((r) => (r.methods.includes('ANY') || r.methods.includes(method)) && matchPath(r.path, rest));
      if (route) return { deployment, route };
    }
    return undefined;
  }

  private async verify(token: string, policy: OciAuthenticationPolicy): Promise<JWTPayload> {
    const options = {
      algorithms: OCI_ALGORITHMS,
      issuer: [...policy.issuers],
      audience: [...policy.audiences],
      clockTolerance: policy.maxClockSkewSeconds,
      currentDate: this.now(),
      requiredClaims: ['exp'],
    };
    try {
      return (await jwtVerify(token, await this.keySet(policy.jwksUri), options)).payload;
    } catch (error) {
      // A key rotation: fetch the key set again once.
      if (!(error instanceof joseErrors.JWKSNoMatchingKey)) throw error;
      this.keySets.delete(policy.jwksUri);
      return (await jwtVerify(token, await this.keySet(policy.jwksUri), options)).payload;
    }
  }

  private keySet(uri: string): Promise<JWTVerifyGetKey> {
    let pending = this.keySets.get(uri);
    if (!pending) {
      const given = Object.hasOwn(this.givenKeySets, uri) ? this.givenKeySets[uri] : undefined;
      pending = given ? Promise.resolve(createLocalJWKSet(given)) : fetchKeySet(uri, this.agent);
      pending.catch(() => this.keySets.delete(uri));
      this.keySets.set(uri, pending);
    }
    return pending;
  }
}

/** Thrown when the JWKS cannot be fetched: the gateway could not validate any token (fails closed). */
class KeySetUnavailable extends Error {}

async function fetchKeySet(uri: string, agent: Agent): Promise<JWTVerifyGetKey> {
  let body: unknown;
  try {
    const response = await request(uri, { dispatcher: agent, headers: { accept: 'application/json' } });
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new KeySetUnavailable(`the JWKS ${uri} answered HTTP ${response.statusCode}`);
    }
    body = await response.body.json();
  } catch (error) {
    if (error instanceof KeySetUnavailable) throw error;
    throw new KeySetUnavailable(`the JWKS ${uri} cannot be fetched (${(error as Error).message})`);
  }
  try {
    return createLocalJWKSet(body as Parameters<typeof createLocalJWKSet>[0]);
  } catch (error) {
    throw new KeySetUnavailable(`the JWKS ${uri} is not a JSON Web Key Set (${(error as Error).message})`);
  }
}

/**
 * Matches a route path: literal segments exactly, `{name}` one non-empty segment, a final
 * `{name*}` the rest of the path.
 */
function matchPath(pattern: string, path: string): boolean {
  const want = pattern.split('/');
  const got = path.split('/');
  for (let i = 0; i < want.length; i++) {
    if (/^\{[^}]+\*\}$/.test(want[i]) && i === want.length - 1) return got.length >= want.length && got.slice(i).join('/') !== '';
    if (i >= got.length) return false;
    if (/^\{[^}]+\}$/.test(want[i])) {
      if (got[i] === '') return false;
      continue;
    }
    if (want[i] !== got[i]) return false;
  }
  return want.length === got.length;
}

/** The token from the header (minus the auth scheme) or query parameter; `undefined` when absent or the scheme differs. */
function readToken(policy: OciAuthenticationPolicy, headers: Record<string, string>, query: URLSearchParams): string | undefined {
  if (policy.tokenQueryParam) return query.get(policy.tokenQueryParam) || undefined;
  const value = headers[policy.tokenHeader ?? 'authorization'];
  if (value === undefined) return undefined;
  if (!policy.tokenAuthScheme) return value.trim() || undefined;
  const match = /^(\S+)\s+(\S+)\s*$/.exec(value);
  if (!match || match[1].toLowerCase() !== policy.tokenAuthScheme.toLowerCase()) return undefined;
  return match[2];
}

/**
 * Checks one verify-claim: an exact, case-sensitive comparison of the whole value (the seed's
 * warning). Assumption: a number or boolean claim is compared as its JSON text; an array or
 * object claim never matches a listed value.
 * @returns why it fails, or `undefined`
 */
function checkClaim(claims: JWTPayload, key: string, values: readonly string[], required: boolean): string | undefined {
  const value = claims[key];
  if (value === undefined || value === null) return required ? `the token has no ${key} claim, which is required` : undefined;
  if (values.length === 0) return undefined;
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? JSON.stringify(value) : undefined;
  if (text !== undefined && values.includes(text)) return undefined;
  return `claim ${key} is ${JSON.stringify(value)}, not exactly one of ${JSON.stringify(values)}`;
}

/** Scopes of a `scope` claim: a space-delimited string (OCI, RFC 8693) or an array. */
function scopesOf(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter((s) => s !== '');
  if (Array.isArray(value)) return value.filter((s): s is string => typeof s === 'string');
  return [];
}

function describeJoseError(error: unknown): string {
  if (error instanceof KeySetUnavailable) return error.message;
  const reason = joseDenial('oci', error, OCI_ALGORITHMS);
  if (reason === undefined) throw error;
  return reason;
}

function where(policy: OciAuthenticationPolicy): string {
  return policy.tokenQueryParam ? `query parameter ${policy.tokenQueryParam}` : `header ${policy.tokenHeader ?? 'authorization'}${policy.tokenAuthScheme ? ` (${policy.tokenAuthScheme} scheme)` : ''}`;
}

function lowerCaseKeys(values: EmulatorRequest['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(values ?? {})) {
    const first = typeof value === 'string' ? value : value?.[0];
    if (first !== undefined) out[name.toLowerCase()] = first;
  }
  return out;
}

type Base = Pick<EmulatorResponse, 'stage' | 'plugins' | 'notEmulated' | 'api'>;

function allow(base: Base, route: OciEmulatedRoute, reason: string): EmulatorResponse {
  return {
    ...base,
    status: 200,
    body: JSON.stringify({ forwardedTo: route.backendUrl ?? null }),
    headers: {},
    decision: 'ALLOW',
    reason,
  };
}

function deny(base: Base, status: number, reason: string, body = ''): EmulatorResponse {
  return { ...base, status, body, headers: { 'x-emulator-reason': reason }, decision: 'DENY', reason };
}

function fail(base: Base, policy: OciAuthenticationPolicy, reason: string): EmulatorResponse {
  return deny(base, policy.failureStatus, reason, policy.failureMessage ?? '');
}

function unsupported(base: Base, reason: string): EmulatorResponse {
  return { ...deny(base, 500, `emulator: ${reason}`), unsupported: true };
}
