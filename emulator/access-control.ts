/**
 * The `accessControl` plugin (parametric access control): builds the declared parameters from the
 * request and the verified JWT, then evaluates the rules in order with
 * {@link evaluateCondition} (`condition.ts`); the first ALLOW or DENY decides, no decision lets the request through,
 * and a rule that cannot be evaluated (absent parameter, unsupported syntax) is skipped.
 *
 * Rendering of `Token:` claims follows the assumption documented in
 * `constructs/apigateway/access-control-expression.ts` (`Condition.hasScope`): strings as-is,
 * arrays (and objects) as JSON text, numbers and booleans as their JSON text. The real gateway's
 * rendering of non-string claims is unconfirmed.
 *
 * @see https://www.alibabacloud.com/help/en/api-gateway/traditional-api-gateway/user-guide/use-parameters-and-conditional-expressions
 */
import { ConditionSyntaxError, type ParameterValues, evaluateCondition } from './condition';
import { EmulatorUnsupportedError } from './errors';

/** A rule action. */
export type RuleAction = 'ALLOW' | 'DENY';

/** One rule of an `accessControl` script. */
export interface AccessRuleConfig {
  /** Rule name. */
  readonly name: string;
  /** Conditional expression. */
  readonly condition: string;
  /** Action when the condition holds. */
  readonly ifTrue?: RuleAction;
  /** Action when it does not. */
  readonly ifFalse?: RuleAction;
  /** Status of the deny response. */
  readonly statusCode?: number;
  /** Message of the deny response (may interpolate `${name}`). */
  readonly errorMessage?: string;
  /** Headers of the deny response. */
  readonly responseHeaders?: Readonly<Record<string, string>>;
  /** Body of the deny response. */
  readonly responseBody?: string;
}

/** A parsed `accessControl` script. */
export interface AccessControlConfig {
  /** Declared parameters, `name → Location:key`. */
  readonly parameters: Readonly<Record<string, string>>;
  /** Rules in evaluation order. */
  readonly rules: readonly AccessRuleConfig[];
}

/** What the parameters are read from. */
export interface AccessContext {
  /** Upper-case HTTP method. */
  readonly method: string;
  /** Request path, without the query string. */
  readonly path: string;
  /** Values of `[name]` path parameters. */
  readonly pathParameters: Readonly<Record<string, string>>;
  /** Query parameters (first value counts). */
  readonly query: Readonly<Record<string, readonly string[]>>;
  /** Headers, lower-case names (first value counts). */
  readonly headers: Readonly<Record<string, readonly string[]>>;
  /** Claims of the JWT verified by the `jwtAuth` plugin; absent without a verified token. */
  readonly claims?: Readonly<Record<string, unknown>>;
}

/** Outcome of the plugin. */
export type AccessOutcome =
  | { readonly decision: 'ALLOW'; readonly rule?: string; readonly reason: string }
  | {
    readonly decision: 'DENY';
    readonly rule: string;
    readonly status: number;
    readonly errorMessage?: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: string;
    readonly reason: string;
  };

const ACTIONS: readonly string[] = ['ALLOW', 'DENY'];

/**
 * Reads a parsed `accessControl` script.
 * @throws EmulatorUnsupportedError when its shape is not the documented one
 */
export function readAccessControlConfig(script: Record<string, unknown>): AccessControlConfig {
  const parameters: Record<string, string> = {};
  const declared = script.parameters ?? {};
  if (typeof declared !== 'object' || Array.isArray(declared)) throw new EmulatorUnsupportedError('accessControl "parameters" must be a mapping');
  for (const [name, location] of Object.entries(declared as Record<string, unknown>)) {
    if (typeof location !== 'string') throw new EmulatorUnsupportedError(`accessControl parameter ${name} must be a "Location:key" string`);
    parameters[name] = location;
  }
  if (!Array.isArray(script.rules)) throw new EmulatorUnsupportedError('accessControl "rules" must be a list');
  const rules = script.rules.map((raw, i): AccessRuleConfig => {
    if (!raw || typeof raw !== 'object') throw new EmulatorUnsupportedError(`accessControl rules[${i}] must be a mapping`);
    const r = raw as Record<string, unknown>;
    const name = typeof r.name === 'string' ? r.name : `rules[${i}]`;
    if (typeof r.condition !== 'string') throw new EmulatorUnsupportedError(`accessControl rule ${name} has no condition`);
    for (const key of ['ifTrue', 'ifFalse']) {
      if (r[key] !== undefined && !ACTIONS.includes(String(r[key]))) throw new EmulatorUnsupportedError(`accessControl rule ${name}: ${key} ${JSON.stringify(r[key])} is not ALLOW or DENY`);
    }
    const headers = r.responseHeaders;
    if (headers !== undefined && (typeof headers !== 'object' || headers === null || Array.isArray(headers))) {
      throw new EmulatorUnsupportedError(`accessControl rule ${name}: responseHeaders must be a mapping`);
    }
    return {
      name,
      condition: r.condition,
      ifTrue: r.ifTrue as RuleAction | undefined,
      ifFalse: r.ifFalse as RuleAction | undefined,
      statusCode: r.statusCode === undefined ? undefined : Number(r.statusCode),
      errorMessage: r.errorMessage === undefined ? undefined : String(r.errorMessage),
      responseHeaders: headers === undefined ? undefined : Object.fromEntries(Object.entries(headers as Record<string, unknown>).map(([k, v]) => [k, String(v)])),
      responseBody: r.responseBody === undefined ? undefined : String(r.responseBody),
    };
  });
  return { parameters, rules };
}

/**
 * A claim value as a condition sees it: strings as-is, arrays and objects as JSON text, numbers
 * and booleans as JSON text (`42`, `true`); `null` and absent claims are absent.
 */
export function renderClaim(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/**
 * The value of one declared parameter (`Token:<claim>`, `Query:<name>`, `Header:<name>`,
 * `Path:<name>`, `Path`, `Method`, `Host`). Other locations (e.g. `System:CaAppId`, which only
 * APP authentication sets) are absent, so comparisons with them are false.
 */
export function parameterValue(location: string, context: AccessContext): string | undefined {
  const colon = location.indexOf(':');
  const kind = (colon < 0 ? location : location.slice(0, colon)).toLowerCase();
  const key = colon < 0 ? undefined : location.slice(colon + 1);
  switch (kind) {
    case 'token':
      return key === undefined || !context.claims ? undefined : renderClaim(context.claims[key]);
    case 'query':
      return key === undefined ? undefined : context.query[key]?.[0];
    case 'header':
      return key === undefined ? undefined : context.headers[key.toLowerCase()]?.[0];
    case 'path':
      return key === undefined ? context.path : context.pathParameters[key];
    case 'method':
      return context.method;
    case 'host':
      return context.headers.host?.[0];
    default:
      return undefined;
  }
}

/** Every declared parameter's value. */
function parameterValues(config: AccessControlConfig, context: AccessContext): ParameterValues {
  return Object.fromEntries(Object.entries(config.parameters).map(([name, location]) => [name, parameterValue(location, context)]));
}

/** Replaces `${name}` with the parameter's value (absent → empty). */
export function interpolate(text: string, values: ParameterValues): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => values[name] ?? '');
}

/**
 * The parameters a condition references (`$name` outside quoted literals).
 */
export function referencedParameters(condition: string): string[] {
  const outside = condition.replace(/'[^']*'/g, "''");
  return [...new Set([...outside.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]))];
}

/**
 * Evaluates the rules in order; the first ALLOW or DENY decides, and when no rule decides the
 * request is let through (the gateway's documented behaviour).
 *
 * A rule the emulator cannot evaluate is skipped, the worst case the gateway's documentation
 * leaves open: its condition references a parameter that has no value (an absent claim, header
 * or query parameter), or uses syntax outside the subset the project renders. A rule set that
 * does not end with an unconditional DENY can then fall off its end and allow the request, which
 * is exactly what the emulator should show (`APIGW-ACL2`).
 */
export function decideAccessControl(config: AccessControlConfig, context: AccessContext): AccessOutcome {
  const values = parameterValues(config, context);
  const skipped: string[] = [];
  for (const rule of config.rules) {
    const absent = referencedParameters(rule.condition).filter((name) => values[name] === undefined);
    if (absent.length > 0) {
      skipped.push(`${rule.name} (no value for ${absent.map((n) => `$${n}`).join(', ')})`);
      continue;
    }
    let holds: boolean;
    try {
      holds = evaluateCondition(rule.condition, values);
    } catch (error) {
      if (!(error instanceof ConditionSyntaxError)) throw error;
      skipped.push(`${rule.name} (${error.message})`);
      continue;
    }
    const action = holds ? rule.ifTrue : rule.ifFalse;
    const after = skipped.length > 0 ? ` after skipping ${skipped.join(', ')}` : '';
    if (action === 'ALLOW') return { decision: 'ALLOW', rule: rule.name, reason: `accessControl: rule ${rule.name} allowed (condition ${holds})${after}` };
    if (action === 'DENY') {
      const errorMessage = rule.errorMessage === undefined ? undefined : interpolate(rule.errorMessage, values);
      const headers = Object.fromEntries(Object.entries(rule.responseHeaders ?? {}).map(([k, v]) => [k, interpolate(v, values)]));
      return {
        decision: 'DENY',
        rule: rule.name,
        status: rule.statusCode ?? 403,
        errorMessage,
        headers,
        body: rule.responseBody === undefined ? '' : interpolate(rule.responseBody, values),
        reason: `accessControl: rule ${rule.name} denied (condition ${holds})${after}${errorMessage ? `: ${errorMessage}` : ''}`,
      };
    }
  }
  const after = skipped.length > 0 ? `, skipped as unevaluable: ${skipped.join(', ')}` : '';
  return { decision: 'ALLOW', reason: `accessControl: no rule decided, let through (${config.rules.length} rules${after})` };
}
