/**
 * A local stand-in for cloud-native API Gateway (APIG) that enforces the `JWTAuth` policies
 * (`alicloud_apig_policy`) of a synthesized stack: per gateway and environment, by host and
 * path, with the whitelist/blacklist rule conditions, the token source and prefix, and a real
 * JWT verification (signature against the policy's JWKS with the key's algorithm, `iss`, `sub`,
 * `exp`, `nbf`). It never calls a backend: an allowed request gets a 200 describing what would
 * be forwarded.
 *
 * Undocumented gateway behaviour is emulated in the form that never shows more protection than
 * the gateway may give, or answered 500 `unsupported` (never a DENY that looks like protection):
 * see emulator/README.md, "Cloud-native API Gateway".
 *
 * @example
 * const apig = ApigEmulator.fromFile('cdktf.out/stacks/apig-dev/cdk.tf.json');
 * const res = await apig.handle({ host: 'api.example.com', method: 'GET', path: '/orders', headers: { authorization: `Bearer ${token}` } });
 */
import { type JWK, type JWTPayload, createLocalJWKSet, jwtVerify } from 'jose';
import { matchesAuthResource, readJwtAuthPolicyConfig } from '../constructs';
import { PRIVATE_JWK_MEMBERS } from '../core/jwk';
import type { ParsedJwtAuthPolicyConfig } from '../constructs';
import { type MultiValues, mergeQuery, normalize, splitPath } from './gateway';
import { readStackFile } from '../core/stack-file';
import { joseDenial } from './jose-denial';
import { ASYMMETRIC_ALGS } from './jwt-auth';
import { identityKey, isExpression } from './references';

const POLICY = 'alicloud_apig_policy';

/** One `JWTAuth` policy of the stack, read for the emulator. */
export interface ApigJwtPolicy {
  /** Resource address, e.g. `alicloud_apig_policy.GlobalJwt_Resource_1A2B3C4D`. */
  readonly address: string;
  /** `policy_name`. */
  readonly name: string;
  /** What `gateway_id` points at ({@link identityKey}). */
  readonly gatewayKey?: string;
  /** What `environment_id` points at. */
  readonly environmentKey?: string;
  /** `attach_resource_type`. */
  readonly attachResourceType?: string;
  /** The parsed `policy_config`, or why it could not be read. */
  readonly config: ParsedJwtAuthPolicyConfig | string;
}

/** A gateway + environment pair with policies. */
export interface ApigTarget {
  /** Gateway key ({@link identityKey}). */
  readonly gatewayKey: string;
  /** Environment key. */
  readonly environmentKey: string;
  /** Gateway id as written, or the gateway resource address. */
  readonly gateway: string;
  /** Environment id as written, or the reference's resource address. */
  readonly environment: string;
}

/** What the emulator loaded from a stack. */
export interface ApigModel {
  /** The JWTAuth policies. */
  readonly policies: readonly ApigJwtPolicy[];
  /** Every gateway + environment pair with at least one policy. */
  readonly targets: readonly ApigTarget[];
  /** Policies of other classes, not emulated (`<class> <address>`). */
  readonly notEmulated: readonly string[];
}

/** A request sent through the APIG emulator. */
export interface ApigEmulatorRequest {
  /**
   * Gateway id (or resource address) to call.
   * @default - the stack's only gateway
   */
  readonly gateway?: string;
  /**
   * Environment id (or resource address) to call.
   * @default - the gateway's only environment in the stack
   */
  readonly environment?: string;
  /** Host the request is sent to (the `Host` header, port ignored). */
  readonly host: string;
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
   * Headers (case-insensitive names).
   * @default - none
   */
  readonly headers?: MultiValues;
}

/** The emulator's answer. */
export interface ApigEmulatorResponse {
  /** HTTP status the gateway would answer with (200 when it would forward to the backend). */
  readonly status: number;
  /** Whether the gateway would forward the request. */
  readonly decision: 'ALLOW' | 'DENY';
  /** Why, policy by policy. */
  readonly reason: string;
  /** Response body: a JSON summary when allowed, empty when denied. */
  readonly body: string;
  /** The gateway and environment the request was routed to. */
  readonly target?: ApigTarget;
  /** Policies that were evaluated (`<name> (<address>)`). */
  readonly policies: readonly string[];
  /** Set when the emulator could not evaluate the request faithfully (status 500). */
  readonly unsupported?: boolean;
}

/** Options of {@link ApigEmulator}. */
export interface ApigEmulatorOptions {
  /**
   * Clock for `exp` and `nbf`.
   * @default - the system clock
   */
  readonly now?: () => Date;
}

/** Whether a parsed `cdk.tf.json` defines cloud-native APIG policies. */
export function hasApigPolicies(stack: unknown): boolean {
  const resources = (stack as { resource?: Record<string, unknown> } | undefined)?.resource;
  return !!resources && typeof resources[POLICY] === 'object' && resources[POLICY] !== null;
}

/** Reads the APIG policies of a parsed `cdk.tf.json`. */
export function loadApigStack(stack: unknown): ApigModel {
  const byName = ((stack as { resource?: Record<string, Record<string, Record<string, unknown>>> } | undefined)?.resource?.[POLICY]) ?? {};
  const policies: ApigJwtPolicy[] = [];
  const notEmulated: string[] = [];
  for (const name of Object.keys(byName).sort()) {
    const config = byName[name];
    const address = `${POLICY}.${name}`;
    if (config.policy_class_name !== 'JWTAuth') {
      notEmulated.push(`${String(config.policy_class_name)} ${address}`);
      continue;
    }
    const text = config.policy_config;
    policies.push({
      address,
      name: typeof config.policy_name === 'string' ? config.policy_name : name,
      gatewayKey: identityKey(config.gateway_id),
      environmentKey: identityKey(config.environment_id),
      attachResourceType: typeof config.attach_resource_type === 'string' ? config.attach_resource_type : undefined,
      config: typeof text === 'string' && !isExpression(text) ? readJwtAuthPolicyConfig(text) : 'policy_config is not a literal string',
    });
  }
  const targets = new Map<string, ApigTarget>();
  for (const p of policies) {
    if (!p.gatewayKey || !p.environmentKey) continue;
    targets.set(`${p.gatewayKey}|${p.environmentKey}`, {
      gatewayKey: p.gatewayKey, environmentKey: p.environmentKey, gateway: display(p.gatewayKey), environment: display(p.environmentKey),
    });
  }
  return { policies, targets: [...targets.values()], notEmulated };
}

/** Enforces the JWTAuth policies of one synthesized stack. */
export class ApigEmulator {
  /** Loads a parsed `cdk.tf.json`. */
  public static fromStack(stack: unknown, options: ApigEmulatorOptions = {}): ApigEmulator {
    return new ApigEmulator(loadApigStack(stack), options);
  }

  /** Loads a `cdk.tf.json` file. */
  public static fromFile(file: string, options: ApigEmulatorOptions = {}): ApigEmulator {
    return ApigEmulator.fromStack(readStackFile(file), options);
  }

  private readonly now: () => Date;

  public constructor(
    /** The loaded stack. */
    public readonly model: ApigModel,
    options: ApigEmulatorOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Decides what the gateway would do with `request`. */
  public async handle(request: ApigEmulatorRequest): Promise<ApigEmulatorResponse> {
    const headers = normalize(request.headers, true);
    const [path, rawQuery] = splitPath(request.path);
    const query = mergeQuery(normalize(request.query, false), rawQuery);
    const target = this.target(request);
    if (typeof target === 'string') return deny({ policies: [] }, 404, target);
    const host = request.host.replace(/:\d+$/, '');
    const at = { target, policies: [] as string[] };
    const policies = this.model.policies.filter((p) => p.gatewayKey === target.gatewayKey && p.environmentKey === target.environmentKey);
    const reasons: string[] = [];
    let tokenPass = true;
    for (const policy of policies) {
      at.policies.push(`${policy.name} (${policy.address})`);
      const { config } = policy;
      if (typeof config === 'string') return unsupported(at, `${policy.name}: ${config}`);
      if (config.enable === undefined) return unsupported(at, `${policy.name}: policy_config has no boolean "enable"`);
      if (!config.enable) {
        reasons.push(`${policy.name}: disabled, authenticates nothing`);
        continue;
      }
      if (policy.attachResourceType !== 'Gateway') {
        return unsupported(at, `${policy.name}: attached to ${policy.attachResourceType ?? 'nothing'}; only Gateway attachments are emulated (which ${policy.attachResourceType} a request hits is not in the stack)`);
      }
      if (config.isWhite === undefined) return unsupported(at, `${policy.name}: policy_config has no boolean "isWhite" (whitelist or blacklist mode)`);
      const rules = config.authResourceList ?? [];
      const matched = rules.findIndex((r) => matchesAuthResource(r, host, path));
      const rule = matched >= 0 ? `${rules[matched].domain ?? '*'}${rules[matched].path ?? ''}` : undefined;
      if (config.isWhite && rule !== undefined) {
        reasons.push(`${policy.name}: ${host}${path} is whitelisted by ${rule}, no token needed`);
        continue;
      }
      if (!config.isWhite && rule === undefined) {
        reasons.push(`${policy.name}: ${host}${path} is not in the blacklist, no token needed`);
        continue;
      }
      const outcome = await this.verify(policy.name, config, query, headers);
      if ('unsupported' in outcome) return unsupported(at, outcome.unsupported);
      if ('denied' in outcome) return deny(at, 401, [...reasons, outcome.denied].join('; '));
      reasons.push(outcome.ok);
      if (config.tokenPass !== true) tokenPass = false;
    }
    if (policies.length === 0) reasons.push('no JWTAuth policy: open');
    return {
      ...at,
      status: 200,
      decision: 'ALLOW',
      reason: reasons.join('; '),
      body: JSON.stringify({ gateway: target.gateway, environment: target.environment, host, method: request.method.toUpperCase(), path, tokenForwarded: tokenPass }),
    };
  }

  private target(request: ApigEmulatorRequest): ApigTarget | string {
    const matches = (key: string, wanted: string | undefined) => wanted === undefined || key === wanted || key === `literal:${wanted}`;
    const found = this.model.targets.filter((t) => matches(t.gatewayKey, request.gateway) && matches(t.environmentKey, request.environment));
    const known = this.model.targets.map((t) => `${t.gateway}/${t.environment}`).join(', ') || 'none';
    if (found.length === 1) return found[0];
    if (found.length === 0) return `no JWTAuth policy of the stack is on gateway ${request.gateway ?? '(any)'} environment ${request.environment ?? '(any)'} (known: ${known})`;
    return `several gateways or environments match; pass the gateway and environment (known: ${known})`;
  }

  private async verify(name: string, config: ParsedJwtAuthPolicyConfig, query: Record<string, string[]>, headers: Record<string, string[]>): Promise<{ ok: string } | { denied: string } | { unsupported: string }> {
    if (!config.issuer) return { unsupported: `${name}: policy_config has no "issuer"` };
    const jwks = config.jwks;
    if (!jwks || 'problem' in jwks) return { unsupported: `${name}: ${jwks ? jwks.problem : 'policy_config has no "jwks"'}` };
    if ('uri' in jwks) return { unsupported: `${name}: a remote JWKS (${jwks.uri}) is not emulated` };
    if (jwks.keys.some((k) => PRIVATE_JWK_MEMBERS.some((m) => m in k))) return { unsupported: `${name}: the JWKS holds private key members` };
    const position = config.tokenPosition ?? 'HEADER';
    if (position !== 'HEADER' && position !== 'QUERY') return { unsupported: `${name}: tokenPosition ${position} is not emulated (HEADER or QUERY)` };
    // Console defaults (Header, Authorization, Bearer) when a hand-written config leaves them out.
    const tokenName = config.tokenName ?? 'Authorization';
    const prefix = config.tokenNamePrefix ?? (config.tokenName === undefined ? 'Bearer ' : '');
    const where = `${position.toLowerCase()} ${JSON.stringify(tokenName)}`;
    const raw = position === 'HEADER' ? headers[tokenName.toLowerCase()]?.[0] : query[tokenName]?.[0];
    if (raw === undefined || raw === '') return { denied: `${name}: no token in ${where}` };
    // Assumption (fail closed): the prefix must match exactly, case included.
    if (!raw.startsWith(prefix)) return { denied: `${name}: the ${where} value does not start with the prefix ${JSON.stringify(prefix)}` };
    const token = raw.slice(prefix.length).trim();
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: jwks.keys as JWK[] }), {
        issuer: config.issuer,
        subject: config.sub,
        algorithms: ASYMMETRIC_ALGS,
        requiredClaims: ['exp'],
        currentDate: this.now(),
      });
      return { ok: `${name}: token verified (iss ${JSON.stringify(payload.iss)}${config.sub ? `, sub ${JSON.stringify(payload.sub)}` : ''}, ${expiry(payload)})` };
    } catch (error) {
      return { denied: `${name}: ${denial(error)}` };
    }
  }
}

function denial(error: unknown): string {
  return joseDenial('apig', error, ASYMMETRIC_ALGS) ?? `the token is rejected (${(error as Error).message})`;
}

function expiry(payload: JWTPayload): string {
  return typeof payload.exp === 'number' ? `exp ${new Date(payload.exp * 1000).toISOString()}` : 'no exp';
}

function display(key: string): string {
  return key.startsWith('literal:') ? key.slice('literal:'.length) : key;
}

type Base = Pick<ApigEmulatorResponse, 'target' | 'policies'>;

function deny(base: Base, status: number, reason: string): ApigEmulatorResponse {
  return { ...base, status, decision: 'DENY', reason, body: '' };
}

function unsupported(base: Base, reason: string): ApigEmulatorResponse {
  return { ...deny(base, 500, `emulator: ${reason}`), unsupported: true };
}
