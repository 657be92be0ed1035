/**
 * The optional cloud-native API Gateway (APIG) section of an environment: a global JWT
 * authentication rule on an existing gateway and environment, trusting the environment's M2M
 * server (seed 001). Synthesized as the `apig-<env>` stack.
 */
import { z } from 'zod';
import { show } from './show';

/** Where the gateway reads the token. */
export interface ApigTokenSourceConfig {
  /** `header` or `query`. */
  readonly in: 'header' | 'query';
  /** Header or query parameter name, e.g. `Authorization`. */
  readonly name: string;
  /**
   * Text before the token, e.g. `Bearer ` (headers only).
   * @default ''
   */
  readonly prefix?: string;
}

/** One rule condition: a request domain and path. */
export interface ApigRuleConfig {
  /** Host, `*.example.com`, or `*` for any host. */
  readonly domain: string;
  /** Path, e.g. `/health`; `/x/*` or `/x/**` for everything under `/x/`. */
  readonly path: string;
}

/** Cloud-native API Gateway global JWT authentication. */
export interface ApigConfig {
  /** Gateway instance id, e.g. `gw-cq7l5s5lhtgi6qasrdc0` (console: Instance page). */
  readonly gatewayId: string;
  /** Gateway environment id, e.g. `env-cq7l5s5lhtgi6qasrdc0`. */
  readonly environmentId: string;
  /** Authentication Name (unique per gateway). */
  readonly policyName: string;
  /**
   * Name of a configured client (`clients`) whose id must be the token's `sub` (console: Sub).
   * @default - any subject of the issuer
   */
  readonly subjectClient?: string;
  /**
   * Where the token is read.
   * @default - header `Authorization`, prefix `Bearer `
   */
  readonly tokenSource?: ApigTokenSourceConfig;
  /**
   * Pass the token through to the backend.
   * @default false
   */
  readonly passThroughToken?: boolean;
  /**
   * Whitelist (listed requests skip authentication) or blacklist (only listed requests need it).
   * @default 'whitelist'
   */
  readonly mode?: 'whitelist' | 'blacklist';
  /**
   * Rule conditions of the mode.
   * @default - none: in whitelist mode every request needs a token
   */
  readonly rules?: readonly ApigRuleConfig[];
  /**
   * Whether the rule is enabled.
   * @default true
   */
  readonly enabled?: boolean;
}

/** Runtime shape of {@link ApigConfig} (strict: unknown keys are errors). */
export const apigConfigSchema = z.strictObject({
  gatewayId: z.string(),
  environmentId: z.string(),
  policyName: z.string(),
  subjectClient: z.string().optional(),
  tokenSource: z.strictObject({
    in: z.enum(['header', 'query'], { error: (issue) => `must be "header" or "query", got ${show(issue.input)}.` }),
    name: z.string(),
    prefix: z.string().optional(),
  }).optional(),
  passThroughToken: z.boolean().optional(),
  mode: z.enum(['whitelist', 'blacklist'], { error: (issue) => `must be "whitelist" or "blacklist", got ${show(issue.input)}.` }).optional(),
  rules: z.array(z.strictObject({ domain: z.string(), path: z.string() })).readonly().optional(),
  enabled: z.boolean().optional(),
});

/**
 * Checks what the shape cannot: id formats, the subject client, the rule conditions.
 * @param clients names of the environment's configured clients
 * @param problem reports a problem for a field under `apig.`
 */
export function checkApigConfig(apig: ApigConfig, clients: ReadonlySet<string>, problem: (field: string, message: string) => void): void {
  if (!/^gw-[A-Za-z0-9]+$/.test(apig.gatewayId)) problem('apig.gatewayId', `must be an APIG gateway id such as "gw-cq7l5s5lhtgi6qasrdc0", got ${show(apig.gatewayId)}.`);
  if (!/^env-[A-Za-z0-9]+$/.test(apig.environmentId)) problem('apig.environmentId', `must be an APIG environment id such as "env-cq7l5s5lhtgi6qasrdc0", got ${show(apig.environmentId)}.`);
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(apig.policyName)) problem('apig.policyName', `must be 1-64 letters, digits, "-" or "_", got ${show(apig.policyName)}.`);
  if (apig.subjectClient !== undefined && !clients.has(apig.subjectClient)) {
    problem('apig.subjectClient', `is not a configured client, got ${show(apig.subjectClient)}. Known: ${[...clients].join(', ') || 'none'}.`);
  }
  if (apig.tokenSource !== undefined) {
    if (apig.tokenSource.name.trim() === '') problem('apig.tokenSource.name', 'must name the header or query parameter.');
    if (apig.tokenSource.in === 'query' && apig.tokenSource.prefix) problem('apig.tokenSource.prefix', 'is for headers only; remove it for a query parameter.');
  }
  if ((apig.mode ?? 'whitelist') === 'blacklist' && (apig.rules ?? []).length === 0) {
    problem('apig.rules', 'must list the domain and path pairs to protect in blacklist mode; with none, nothing is authenticated. Use mode "whitelist" to protect everything.');
  }
  (apig.rules ?? []).forEach((rule, i) => {
    if (rule.domain.trim() === '') problem(`apig.rules[${i}].domain`, 'must be a host, "*.example.com" or "*" for any host.');
    if (!rule.path.startsWith('/')) problem(`apig.rules[${i}].path`, `must start with "/", got ${show(rule.path)}.`);
  });
}
