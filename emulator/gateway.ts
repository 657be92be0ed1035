/**
 * A local stand-in for API Gateway (classic) that enforces the plugins of a synthesized stack:
 * route → stage → `trafficControl` → `jwtAuth` → `accessControl`, in the gateway's documented
 * plugin order. It never calls a backend: an allowed request gets a 200 describing where the
 * gateway would forward it.
 *
 * @example
 * const gateway = GatewayEmulator.fromFile('cdktf.out/stacks/gateway-dev/cdk.tf.json');
 * const res = await gateway.handle({ stage: 'TEST', method: 'GET', path: '/hello', query: { id_token: token } });
 * // res.decision: 'ALLOW' | 'DENY', res.status, res.reason
 */
import { type AccessContext, decideAccessControl, renderClaim } from './access-control';
import { EmulatorUnsupportedError } from './errors';
import { JwtAuthVerifier } from './jwt-auth';
import { DEFAULT_REQUEST_STAGE, isStageName } from '../core/stages';
import { readStackFile } from '../core/stack-file';
import { type EffectivePlugin, type EmulatedApi, type GatewayModel, effectivePlugins, loadStack } from './stack';
import { TrafficCounters } from './traffic-control';

/** Header and query values as Node and undici give them. */
export type MultiValues = Readonly<Record<string, string | readonly string[] | undefined>>;

/** A request sent through the emulator. */
export interface EmulatorRequest {
  /**
   * Stage (environment) to call.
   * @default - the `X-Ca-Stage` header, else `RELEASE` (as the gateway does)
   */
  readonly stage?: string;
  /** HTTP method. */
  readonly method: string;
  /** Request path; a `?query` part is merged into {@link query}. */
  readonly path: string;
  /**
   * Query parameters.
   * @default - none
   */
  readonly query?: MultiValues;
  /**
   * Headers (names are case-insensitive).
   * @default - none
   */
  readonly headers?: MultiValues;
  /**
   * API group (name or resource address) when several groups of the stack have the route; the
   * real gateway tells groups apart by host name.
   * @default - any group
   */
  readonly group?: string;
}

/** The emulator's answer. */
export interface EmulatorResponse {
  /** HTTP status the gateway would answer with (200 when it would forward to the backend). */
  readonly status: number;
  /** Response body: the deny rule's `responseBody`, empty for other denials, a JSON summary when allowed. */
  readonly body: string;
  /** Response headers, lower-case names; `x-ca-error-message` on denials. */
  readonly headers: Readonly<Record<string, string>>;
  /** Whether the gateway would forward the request to the backend. */
  readonly decision: 'ALLOW' | 'DENY';
  /** Why, step by step (`jwtAuth: ...; accessControl: ...`). */
  readonly reason: string;
  /** Stage the request was routed on. */
  readonly stage: string;
  /** Name of the matched API. */
  readonly api?: string;
  /** Plugins that applied, as `<type> <name> (api|group binding)`, in evaluation order. */
  readonly plugins: readonly string[];
  /** Bound plugins the emulator does not enforce (e.g. `cors`, `ipControl`). */
  readonly notEmulated: readonly string[];
  /** Set when the emulator could not evaluate the request faithfully (status 500 or APP auth). */
  readonly unsupported?: boolean;
}

/** Options of {@link GatewayEmulator}. */
export interface GatewayEmulatorOptions {
  /**
   * Clock used for token expiry, replay-cache expiry and throttling windows.
   * @default - the system clock
   */
  readonly now?: () => Date;
}

interface Route {
  readonly api: EmulatedApi;
  readonly pathParameters: Record<string, string>;
}

const EMULATED_TYPES = ['trafficControl', 'jwtAuth', 'accessControl'];

/** Enforces the plugins of one synthesized stack. */
export class GatewayEmulator {
  /** Loads a parsed `cdk.tf.json`. */
  public static fromStack(stack: unknown, options: GatewayEmulatorOptions = {}): GatewayEmulator {
    return new GatewayEmulator(loadStack(stack), options);
  }

  /** Loads a `cdk.tf.json` file. */
  public static fromFile(file: string, options: GatewayEmulatorOptions = {}): GatewayEmulator {
    return new GatewayEmulator(loadStack(readStackFile(file)), options);
  }

  private readonly now: () => Date;
  private readonly verifiers = new Map<string, JwtAuthVerifier>();
  private readonly counters = new TrafficCounters();

  public constructor(
    /** The loaded stack. */
    public readonly model: GatewayModel,
    options: GatewayEmulatorOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Decides what the gateway would do with `request`. */
  public async handle(request: EmulatorRequest): Promise<EmulatorResponse> {
    const headers = normalize(request.headers, true);
    const [rawPath, rawQuery] = splitPath(request.path);
    const query = mergeQuery(normalize(request.query, false), rawQuery);
    const method = request.method.toUpperCase();
    const stage = (request.stage ?? headers['x-ca-stage']?.[0] ?? DEFAULT_REQUEST_STAGE).toUpperCase();
    const base = { stage, plugins: [] as string[], notEmulated: [] as string[] };

    if (!isStageName(stage)) return deny(base, 404, `unknown stage ${stage} (TEST, PRE or RELEASE)`);
    const routes = this.route(method, rawPath, request.group);
    if (routes.length === 0) return deny(base, 404, `no API of the stack matches ${method} ${rawPath}${request.group ? ` in group ${request.group}` : ''}`);
    if (routes.length > 1) {
      return unsupported(base, `${method} ${rawPath} matches APIs in several groups (${routes.map((r) => r.api.groupName ?? r.api.groupKey).join(', ')}); pass the group`);
    }
    const { api, pathParameters } = routes[0];
    const at = { ...base, api: api.name };
    if (!api.stages.includes(stage)) {
      return deny(at, 404, `API ${api.name} is not published to ${stage} (published: ${api.stages.join(', ') || 'none'})`);
    }

    const bound = effectivePlugins(this.model, api, stage);
    const pick = (type: string): EffectivePlugin | undefined => bound.find((b) => b.plugin.pluginType === type);
    at.notEmulated.push(...bound.filter((b) => !EMULATED_TYPES.includes(b.plugin.pluginType) && b.plugin.script.type === 'other').map((b) => b.plugin.pluginType));
    const broken = bound.find((b) => b.plugin.script.type === 'problem');
    if (broken) return unsupported(at, `cannot emulate ${describe(broken)}: ${(broken.plugin.script as { problem: string }).problem}`);
    if (api.authType === 'APP') {
      return { ...deny(at, 401, `API ${api.name} uses APP authentication (AppKey signatures), which the emulator does not verify`), unsupported: true };
    }
    if (api.authType !== 'ANONYMOUS') return unsupported(at, `auth_type ${api.authType} is not emulated`);

    const reasons: string[] = [];
    const now = this.now();
    try {
      const throttle = pick('trafficControl');
      if (throttle && throttle.plugin.script.type === 'trafficControl') {
        at.plugins.push(describe(throttle));
        const config = throttle.plugin.script.config;
        if (!this.counters.admit(`${throttle.plugin.key}|${api.address}|${stage}`, config, now)) {
          return deny(at, 429, `trafficControl: more than ${config.apiDefault} requests per ${config.unit} for API ${api.name}`);
        }
        reasons.push(`trafficControl: within ${config.apiDefault} per ${config.unit}`);
      }

      let claims: Readonly<Record<string, unknown>> | undefined;
      const jwt = pick('jwtAuth');
      if (jwt && jwt.plugin.script.type === 'jwtAuth') {
        at.plugins.push(describe(jwt));
        const verifier = this.verifier(jwt.plugin.key, jwt.plugin.script.config);
        const token = readToken(verifier.config.parameterLocation, verifier.config.parameter, query, headers);
        const outcome = await verifier.verify(token, now);
        if (!outcome.ok) return deny(at, outcome.status, joined(reasons, outcome.reason));
        reasons.push(outcome.reason);
        claims = outcome.claims;
      }

      const acl = pick('accessControl');
      if (acl && acl.plugin.script.type === 'accessControl') {
        at.plugins.push(describe(acl));
        const context: AccessContext = { method, path: rawPath, pathParameters, query, headers, claims };
        const outcome = decideAccessControl(acl.plugin.script.config, context);
        if (outcome.decision === 'DENY') {
          const message = outcome.errorMessage ?? outcome.reason;
          return {
            ...at,
            status: outcome.status,
            body: outcome.body,
            headers: { ...outcome.headers, 'x-ca-error-message': message },
            decision: 'DENY',
            reason: joined(reasons, outcome.reason),
          };
        }
        reasons.push(outcome.reason);
      }

      if (!jwt && !acl) reasons.push(`open API: ${api.authType} and no jwtAuth or accessControl plugin bound on ${stage}`);
      if (at.notEmulated.length > 0) reasons.push(`not emulated: ${at.notEmulated.join(', ')}`);
      const forwarded = jwt && jwt.plugin.script.type === 'jwtAuth' ? jwt.plugin.script.config.claimParameters.map((c) => ({
        location: c.location, name: c.parameterName, value: claims ? renderClaim(claims[c.claimName]) : undefined,
      })) : [];
      return {
        ...at,
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ api: api.name, stage, backend: api.backend, claimParameters: forwarded }),
        decision: 'ALLOW',
        reason: reasons.join('; '),
      };
    } catch (error) {
      if (error instanceof EmulatorUnsupportedError) return unsupported(at, error.message);
      throw error;
    }
  }

  private verifier(key: string, config: JwtAuthVerifier['config']): JwtAuthVerifier {
    let verifier = this.verifiers.get(key);
    if (!verifier) {
      verifier = new JwtAuthVerifier(config);
      this.verifiers.set(key, verifier);
    }
    return verifier;
  }

  /** APIs whose method and path match, preferring literal paths over `[param]` ones per group. */
  private route(method: string, path: string, group: string | undefined): Route[] {
    const matches: (Route & { params: number })[] = [];
    for (const api of this.model.apis) {
      if (api.method !== method && api.method !== 'ANY') continue;
      if (group !== undefined && api.groupName !== group && api.groupKey !== group && api.groupKey !== `literal:${group}`) continue;
      const pathParameters = matchPath(api.path, path);
      if (pathParameters) matches.push({ api, pathParameters, params: Object.keys(pathParameters).length });
    }
    const byGroup = new Map<string, (Route & { params: number })[]>();
    for (const m of matches) {
      const key = m.api.groupKey ?? m.api.address;
      byGroup.set(key, [...(byGroup.get(key) ?? []), m]);
    }
    return [...byGroup.values()].map((list) => list.sort((a, b) => a.params - b.params)[0]);
  }
}

/** Matches a request path against an API path with `[name]` segments; `undefined` if it does not match. */
function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const m = /^\[([^\]]+)\]$/.exec(want[i]);
    if (m) {
      if (got[i] === '') return undefined;
      try {
        params[m[1]] = decodeURIComponent(got[i]);
      } catch {
        return undefined;
      }
    } else if (want[i] !== got[i]) {
      return undefined;
    }
  }
  return params;
}

/** The token as the JWT plugin reads it; `Authorization: Bearer <token>` loses its scheme. */
function readToken(location: 'header' | 'query', parameter: string, query: Record<string, string[]>, headers: Record<string, string[]>): string | undefined {
  if (location === 'query') return query[parameter]?.[0];
  const value = headers[parameter.toLowerCase()]?.[0];
  if (value === undefined) return undefined;
  return parameter.toLowerCase() === 'authorization' ? value.replace(/^Bearer\s+/i, '').trim() : value.trim();
}

/** Shared with the APIG emulator (`apig.ts`). */
export function normalize(values: MultiValues | undefined, lowerCase: boolean): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(values ?? {})) {
    if (value === undefined) continue;
    const key = lowerCase ? name.toLowerCase() : name;
    out[key] = [...(out[key] ?? []), ...(typeof value === 'string' ? [value] : value)];
  }
  return out;
}

/** Shared with the APIG and OCI emulators (`apig.ts`, `oci-gateway.ts`). */
export function splitPath(path: string): [string, string | undefined] {
  const q = path.indexOf('?');
  return q < 0 ? [path, undefined] : [path.slice(0, q), path.slice(q + 1)];
}

/** Shared with the APIG emulator (`apig.ts`). */
export function mergeQuery(query: Record<string, string[]>, raw: string | undefined): Record<string, string[]> {
  if (raw === undefined) return query;
  const out = { ...query };
  for (const [name, value] of new URLSearchParams(raw)) out[name] = [...(out[name] ?? []), value];
  return out;
}

function describe(effective: EffectivePlugin): string {
  return `${effective.plugin.pluginType} ${effective.plugin.name} (${effective.binding.scope} binding)`;
}

function joined(reasons: readonly string[], last: string): string {
  return [...reasons, last].join('; ');
}

type Base = Pick<EmulatorResponse, 'stage' | 'plugins' | 'notEmulated' | 'api'>;

function deny(base: Base, status: number, reason: string): EmulatorResponse {
  return { ...base, status, body: '', headers: { 'x-ca-error-message': reason }, decision: 'DENY', reason };
}

function unsupported(base: Base, reason: string): EmulatorResponse {
  return { ...deny(base, 500, `emulator: ${reason}`), unsupported: true };
}
