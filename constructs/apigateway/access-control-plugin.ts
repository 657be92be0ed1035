import type { Construct } from 'constructs';
import type { IM2mAuthorizationServer } from '../m2m/authorization-server';
import type { IM2mClient } from '../m2m/client';
import { invalidProp } from '../private/errors';
import { validateScopeName } from '../private/validators';
import { recordOptOut } from '../security/opt-out';
import type { SecurityOptOut } from '../security/opt-out';
import { AccessParameter, Condition, ExpressionError } from './access-control-expression';
import { validateInteger } from './internal';
import { GatewayPlugin, PluginLimits, PluginType } from './plugin';
import type { GatewayPluginOptions, PluginScript } from './plugin';

/** What a rule does when its condition has the given outcome. */
export enum RuleAction {
  /** Let the request through immediately (later rules are skipped). */
  ALLOW = 'ALLOW',
  /** Reject the request immediately with the rule's deny response. */
  DENY = 'DENY',
}

/** How several required scopes combine. */
export enum ScopeMatch {
  /** The token must hold every required scope. */
  ALL_OF = 'ALL_OF',
  /** The token must hold at least one required scope. */
  ANY_OF = 'ANY_OF',
}

/**
 * The response returned when a rule denies a request. Texts may interpolate declared
 * parameters as `${name}` (e.g. `${clientId}`); Terraform escaping is handled for you.
 */
export interface DenyResponse {
  /**
   * HTTP status code (400–599).
   * @default 403
   */
  readonly statusCode?: number;
  /**
   * Error message (`errorMessage`), a single line.
   * @default - a message naming what was missing
   */
  readonly errorMessage?: string;
  /**
   * Response headers (`responseHeaders`); names are letters, digits and `-`, values single-line.
   * @default - none
   */
  readonly headers?: Record<string, string>;
  /**
   * Response body (`responseBody`).
   * @default - none
   */
  readonly body?: string;
}

/** One rule of the parametric access control plugin, evaluated in order. */
export interface AccessControlRule {
  /** Rule name (letters, digits, `_`, `-`), unique in the plugin. */
  readonly name: string;
  /** The condition, built with {@link Condition}. */
  readonly condition: Condition;
  /**
   * Action when the condition is true.
   * @default - none: continue with the next rule
   */
  readonly ifTrue?: RuleAction;
  /**
   * Action when the condition is false.
   * @default - none: continue with the next rule
   */
  readonly ifFalse?: RuleAction;
  /**
   * Response when the rule denies.
   * @default - status 403 and message "Forbidden"
   */
  readonly denyResponse?: DenyResponse;
}

/** Rules derived from an M2M authorization server: audience, allowed clients and required scopes. */
export interface M2mAccessOptions {
  /** The server whose tokens the JWT plugin verifies. */
  readonly server: IM2mAuthorizationServer;
  /** Clients allowed to call (their `client_id` claim). Must not be empty. */
  readonly allowedClients: readonly IM2mClient[];
  /** Scopes the token must hold, from the server's catalog. Must not be empty. */
  readonly requiredScopes: readonly string[];
  /**
   * Whether every scope or any one scope is required.
   * @default ScopeMatch.ALL_OF
   */
  readonly scopeMatch?: ScopeMatch;
  /**
   * Opt-out, with a reason, of the audience check (`aud` is the server's audience identifier;
   * the JWT plugin verifies the signature, not the audience). Recorded as the suppression of
   * `APIGW-ACL4` on this plugin, so the synth still reports it.
   * @default - `aud` is checked
   */
  readonly skipAudienceCheck?: SecurityOptOut;
  /**
   * Response for every M2M rule that denies.
   * @default - status 403 and a message per rule
   */
  readonly denyResponse?: DenyResponse;
}

/**
 * Properties for {@link AccessControlPlugin}. Give `m2m`, `rules` or both.
 *
 * The rule set always ends with an unconditional DENY (`denyOtherwise`), so a request that no
 * rule allows is denied, even if the gateway skips a rule it cannot evaluate. With `m2m`, the
 * custom rules run after the M2M checks and may only DENY (they narrow access), and the
 * explicit ALLOW is the combined M2M check (`allowM2m`). Without `m2m`, at least one custom
 * rule must ALLOW.
 */
export interface AccessControlPluginProps extends GatewayPluginOptions {
  /**
   * Rules derived from an M2M server: audience check, client id allow-list, whole-scope checks.
   * @default - no M2M rules
   */
  readonly m2m?: M2mAccessOptions;
  /**
   * Custom rules, evaluated after the M2M rules.
   * @default - none
   */
  readonly rules?: readonly AccessControlRule[];
  /**
   * Extra parameters to declare (those referenced by conditions are declared automatically),
   * e.g. for `${name}` in deny messages.
   * @default - none
   */
  readonly parameters?: readonly AccessParameter[];
}

/** A generated M2M rule with the parameters its condition reads. */
type M2mRule = RenderedRule & { parameters: AccessParameter[] };

interface RenderedRule {
  readonly name: string;
  readonly condition: string;
  readonly ifTrue?: RuleAction;
  readonly ifFalse?: RuleAction;
  readonly denyResponse?: DenyResponse;
  readonly prop: string;
}

/** Marks the props of {@link AccessControlPlugin.denyAll} (not settable from outside this module). */
const DENY_ALL: unique symbol = Symbol('denyAll');
type InternalProps = AccessControlPluginProps & { readonly [DENY_ALL]?: true; readonly denyResponse?: DenyResponse };

/** Names of the rules the plugin generates itself. */
const ALLOW_M2M = 'allowM2m';
const DENY_OTHERWISE = 'denyOtherwise';

/** The rendered script with the values the plugin keeps. */
interface AccessControlScript extends PluginScript {
  readonly parameters: Readonly<Record<string, string>>;
  readonly ruleNames: readonly string[];
}

const RULE_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const HEADER_NAME = /^[A-Za-z0-9-]+$/;

/**
 * Defines a Parametric Access Control plugin (`accessControl`): rules over JWT claims and
 * request parameters, evaluated in order; the first ALLOW or DENY decides.
 *
 * With `m2m`, it generates the checks the seed configures by hand, but safely, and so that the
 * rule set fails closed by construction:
 * - `checkIssuer`: `iss` is the server's issuer (exact match);
 * - `checkAudience`: `aud` is the server's audience identifier (opt-out: `skipAudienceCheck`);
 * - `checkClient`: `client_id` is one of the allowed clients (exact match);
 * - `checkScope`…: the `scope` claim holds each required scope as a WHOLE token
 *   ({@link Condition.hasScope}), never as a substring like the seed's `like '%user:read:one%'`;
 * - `allowM2m`: ALLOW when all of the above hold together (the only ALLOW);
 * - `denyOtherwise`: DENY, whatever its condition evaluates to (both actions are DENY).
 * Each check before `allowM2m` denies with its own message; `allowM2m` and `denyOtherwise`
 * make the outcome DENY even when the gateway skips a rule it cannot evaluate (an absent
 * claim, a value of an unexpected type), instead of falling off the end of the rules.
 *
 * Values are quoted so that nothing in them is interpreted: `'`, `"`, `\`, `$`, braces and
 * control characters are refused everywhere, `%` and `_` are refused where a value goes into a
 * `like` pattern (scopes) and compared with `=` only elsewhere (issuer, audience, clients).
 * Bind it together with a {@link JwtAuthPlugin}: `Token:` parameters come from the verified JWT.
 *
 * Limits are checked here: at most 16 parameters and 16 rules take effect on shared instances
 * (160 on dedicated ones), each expression at most 1024 characters, the script at most 50 KB.
 *
 * @see https://www.alibabacloud.com/help/en/api-gateway/traditional-api-gateway/user-guide/plug-ins-of-the-parametric-access-control-type
 * @see https://www.alibabacloud.com/help/en/api-gateway/traditional-api-gateway/user-guide/use-parameters-and-conditional-expressions
 * @example
 * const acl = new AccessControlPlugin(stack, 'Acl', {
 *   m2m: { server, allowedClients: [reporting], requiredScopes: ['user:read:one'] },
 * });
 * acl.bindToApi(api);
 */
export class AccessControlPlugin extends GatewayPlugin {
  /** `clientId: "Token:client_id"`. */
  public static readonly CLIENT_ID = AccessParameter.tokenClaim('clientId', 'client_id');
  /** `scope: "Token:scope"`. */
  public static readonly SCOPE = AccessParameter.tokenClaim('scope', 'scope');
  /** `aud: "Token:aud"`. */
  public static readonly AUDIENCE = AccessParameter.tokenClaim('aud', 'aud');
  /** `iss: "Token:iss"`. */
  public static readonly ISSUER = AccessParameter.tokenClaim('iss', 'iss');
  /** `method: "Method"`: every request has one, so the final DENY never depends on an absent value. */
  public static readonly METHOD = AccessParameter.method('method');

  /**
   * Defines an access-control plugin that denies every request: its only rule is the
   * unconditional `denyOtherwise`. Used as the group-level deny-first baseline
   * ({@link DenyFirstBaseline}), which API-level plugins of the same type override.
   */
  public static denyAll(scope: Construct, id: string, options: GatewayPluginOptions & { readonly denyResponse?: DenyResponse } = {}): AccessControlPlugin {
    const { denyResponse, ...pluginOptions } = options;
    const props: InternalProps = { ...pluginOptions, [DENY_ALL]: true, rules: [], denyResponse } as InternalProps;
    return new AccessControlPlugin(scope, id, props);
  }

  /** The declared parameters, `name → location`, sorted by name. */
  public readonly parameters: Readonly<Record<string, string>>;
  /** Names of the rules, in evaluation order. */
  public readonly ruleNames: readonly string[];

  public constructor(scope: Construct, id: string, props: AccessControlPluginProps) {
    let rendered!: AccessControlScript;
    super(scope, id, PluginType.ACCESS_CONTROL, props, (plugin) => (rendered = AccessControlPlugin.render(plugin, props)));
    this.parameters = rendered.parameters;
    this.ruleNames = rendered.ruleNames;
  }

  /** Validates the props, generates the M2M rules and returns the script. */
  private static render(plugin: GatewayPlugin, props: AccessControlPluginProps): AccessControlScript {
    const rules: RenderedRule[] = [];
    const params = new Map<string, AccessParameter>();
    const declare = (p: AccessParameter, prop: string): void => {
      const existing = params.get(p.name);
      if (existing && existing.location !== p.location) {
        throw invalidProp(plugin, prop, `declares parameter "${p.name}" as ${p.location}, but it is already ${existing.location}`, p.location, 'Use distinct parameter names.');
      }
      params.set(p.name, p);
    };
    const denyAll = (props as InternalProps)[DENY_ALL] === true;
    const m2m = props.m2m ? AccessControlPlugin.m2mRules(plugin, props.m2m) : undefined;
    for (const rule of m2m?.checks ?? []) {
      rule.parameters.forEach((p) => declare(p, rule.prop));
      rules.push(rule);
    }
    (props.rules ?? []).forEach((rule, i) => {
      const prop = `rules[${i}]`;
      if (!rule || !(rule.condition instanceof Condition)) {
        throw invalidProp(plugin, `${prop}.condition`, 'must be a Condition', rule?.condition, 'Build it with Condition.equals(), Condition.hasScope(), ...');
      }
      if (m2m && (rule.ifTrue === RuleAction.ALLOW || rule.ifFalse === RuleAction.ALLOW)) {
        throw invalidProp(plugin, `${prop}.ifTrue/ifFalse`, 'is ALLOW, but with m2m the only ALLOW is the combined M2M check (an earlier ALLOW would skip it)', rule.name,
          'Use custom rules to DENY more (e.g. ifFalse: RuleAction.DENY); the M2M check allows what is left.');
      }
      if (rule.name === ALLOW_M2M || rule.name === DENY_OTHERWISE) {
        throw invalidProp(plugin, `${prop}.name`, 'is the name of a rule the plugin generates', rule.name, 'Choose another rule name.');
      }
      rule.condition.parameters().forEach((p) => declare(p, `${prop}.condition`));
      rules.push({ name: rule.name, condition: rule.condition.render(), ifTrue: rule.ifTrue, ifFalse: rule.ifFalse, denyResponse: rule.denyResponse, prop });
    });
    (props.parameters ?? []).forEach((p, i) => {
      if (!(p instanceof AccessParameter)) throw invalidProp(plugin, `parameters[${i}]`, 'must be an AccessParameter', p);
      declare(p, `parameters[${i}]`);
    });

    if (rules.length === 0 && !m2m && !denyAll) {
      throw invalidProp(plugin, 'rules', 'must not be empty', [], 'Give m2m options or at least one rule (or use AccessControlPlugin.denyAll() to deny every request).');
    }
    if (m2m) {
      m2m.allow.parameters.forEach((p) => declare(p, m2m.allow.prop));
      rules.push(m2m.allow);
    }
    const denyResponse = denyAll ? (props as InternalProps).denyResponse ?? { statusCode: 403, errorMessage: 'Denied: no API-level protection is bound on this stage (deny-first baseline)' }
      : props.m2m?.denyResponse ?? { statusCode: 403, errorMessage: 'Forbidden' };
    declare(AccessControlPlugin.METHOD, DENY_OTHERWISE);
    rules.push({
      name: DENY_OTHERWISE, prop: DENY_OTHERWISE, condition: Condition.isPresent(AccessControlPlugin.METHOD).render(),
      ifTrue: RuleAction.DENY, ifFalse: RuleAction.DENY, denyResponse,
    });
    const max = PluginLimits.maxEntries(plugin.instanceType);
    if (rules.length > max) {
      throw invalidProp(plugin, 'rules', `has more rules than the ${max} that take effect on ${plugin.instanceType} instances`, rules.length,
        plugin.instanceType === 'SHARED' ? 'Merge rules, or use InstanceType.DEDICATED (160) if the APIs run on a dedicated instance.' : 'Merge rules.');
    }
    if (params.size > max) {
      throw invalidProp(plugin, 'parameters', `has more parameters than the ${max} that take effect on ${plugin.instanceType} instances`, params.size,
        plugin.instanceType === 'SHARED' ? 'Reuse parameters, or use InstanceType.DEDICATED (160) if the APIs run on a dedicated instance.' : 'Reuse parameters.');
    }
    const names = [...params.keys()].sort();
    const seen = new Set<string>();
    const rendered = rules.map((rule) => {
      if (typeof rule.name !== 'string' || !RULE_NAME.test(rule.name)) {
        throw invalidProp(plugin, `${rule.prop}.name`, 'must be 1 to 64 letters, digits, "_" or "-"', rule.name);
      }
      if (seen.has(rule.name)) throw invalidProp(plugin, `${rule.prop}.name`, 'is used by another rule', rule.name, 'Give each rule a unique name.');
      seen.add(rule.name);
      if (rule.condition.length > PluginLimits.MAX_EXPRESSION_CHARS) {
        throw invalidProp(plugin, `${rule.prop}.condition`, `is longer than the ${PluginLimits.MAX_EXPRESSION_CHARS} characters an expression may have (on ${plugin.instanceType} instances too)`,
          `${rule.condition.length} characters`, rule.name === ALLOW_M2M
            ? 'The combined M2M check holds the issuer, audience, every client and every scope: protect the APIs with fewer allowed clients or required scopes per rule set (e.g. several M2mProtectedApis entries).'
            : 'Split it into several rules (e.g. fewer allowed clients per rule).');
      }
      for (const action of [rule.ifTrue, rule.ifFalse]) {
        if (action !== undefined && !Object.values(RuleAction).includes(action)) {
          throw invalidProp(plugin, `${rule.prop}.ifTrue/ifFalse`, 'is not a rule action', action, 'Use RuleAction.ALLOW or RuleAction.DENY.');
        }
      }
      if (rule.ifTrue === undefined && rule.ifFalse === undefined) {
        throw invalidProp(plugin, rule.prop, 'must set ifTrue or ifFalse', rule.name, 'A rule without an action has no effect.');
      }
      const out: Record<string, unknown> = { name: rule.name, condition: rule.condition };
      if (rule.ifTrue) out.ifTrue = rule.ifTrue;
      if (rule.ifFalse) out.ifFalse = rule.ifFalse;
      if (rule.ifTrue === RuleAction.DENY || rule.ifFalse === RuleAction.DENY) {
        Object.assign(out, AccessControlPlugin.renderDeny(plugin, rule.denyResponse ?? {}, `${rule.prop}.denyResponse`, names));
      }
      return out;
    });

    if (!m2m && !denyAll && !rules.some((r) => r.ifTrue === RuleAction.ALLOW || r.ifFalse === RuleAction.ALLOW)) {
      throw invalidProp(plugin, 'rules', 'has no rule that ALLOWs: the rule set ends with an unconditional DENY, so every request would be denied', rules.map((r) => r.name).slice(0, -1),
        'Add an explicit ALLOW (e.g. ifTrue: RuleAction.ALLOW on the condition that admits a request), or use AccessControlPlugin.denyAll() if denying everything is intended.');
    }
    const parameterMap: Record<string, string> = {};
    for (const name of names) parameterMap[name] = params.get(name)!.location;
    return {
      script: { parameters: parameterMap, rules: rendered },
      doubleQuoted: ['condition'],
      parameters: parameterMap,
      ruleNames: rendered.map((r) => r.name as string),
    };
  }

  /** The M2M checks (each denies with its own message) and the combined ALLOW. */
  private static m2mRules(plugin: GatewayPlugin, options: M2mAccessOptions): { checks: M2mRule[]; allow: M2mRule } {
    const { server } = options;
    if (!server) throw invalidProp(plugin, 'm2m.server', 'is required', server, 'Pass the M2mAuthorizationServer the JWT plugin trusts.');
    const clients = options.allowedClients ?? [];
    if (clients.length === 0) {
      throw invalidProp(plugin, 'm2m.allowedClients', 'must not be empty', [], 'List the M2M clients allowed to call (server.addClient(...)).');
    }
    const scopes = options.requiredScopes ?? [];
    if (scopes.length === 0) {
      throw invalidProp(plugin, 'm2m.requiredScopes', 'must not be empty', [], 'Require at least one scope of the M2M server, e.g. ["user:read:one"].');
    }
    scopes.forEach((s, i) => {
      validateScopeName(plugin, `m2m.requiredScopes[${i}]`, s);
      if (scopes.indexOf(s) !== i) throw invalidProp(plugin, `m2m.requiredScopes[${i}]`, 'is listed twice', s, 'Remove the duplicate.');
    });
    server.assertScopes(plugin, 'm2m.requiredScopes', scopes);
    const match = options.scopeMatch ?? ScopeMatch.ALL_OF;
    if (!Object.values(ScopeMatch).includes(match)) {
      throw invalidProp(plugin, 'm2m.scopeMatch', 'is not a scope match', match, 'Use ScopeMatch.ALL_OF or ScopeMatch.ANY_OF.');
    }
    clients.forEach((client, i) => {
      if (client.server !== server) {
        throw invalidProp(plugin, `m2m.allowedClients[${i}]`, `belongs to another M2M server (${client.server.issuer})`, client.clientId, 'Allow clients of the server the JWT plugin trusts.');
      }
      if (clients.findIndex((c) => c.clientId === client.clientId) !== i) {
        throw invalidProp(plugin, `m2m.allowedClients[${i}]`, 'is listed twice', client.clientId, 'Remove the duplicate.');
      }
      const granted = scopes.filter((s) => client.isGranted(s));
      const missing = scopes.filter((s) => !client.isGranted(s));
      if ((match === ScopeMatch.ALL_OF && missing.length > 0) || (match === ScopeMatch.ANY_OF && granted.length === 0)) {
        throw invalidProp(plugin, `m2m.allowedClients[${i}]`, `is not granted ${match === ScopeMatch.ALL_OF ? missing.join(', ') : `any of ${scopes.join(', ')}`} on the server, so it could never pass`,
          client.clientId, 'Grant the scope to the client (grantedScopes) or remove the client.');
      }
    });
    const build = (prop: string, value: unknown, fn: () => Condition): Condition => {
      try {
        return fn();
      } catch (error) {
        if (error instanceof ExpressionError) {
          throw invalidProp(plugin, prop, `cannot be matched safely in a condition (${error.message})`, value,
            'Values in conditions must not contain quotes, backslashes, "$", braces or control characters, and scopes must not contain "%" or "_" (LIKE wildcards).');
        }
        throw error;
      }
    };
    const { CLIENT_ID, SCOPE, AUDIENCE, ISSUER } = AccessControlPlugin;
    const deny = options.denyResponse;
    const checks: M2mRule[] = [];
    const parts: Condition[] = [];
    const push = (name: string, prop: string, condition: Condition, fallback: DenyResponse): void => {
      parts.push(condition);
      checks.push({ name, prop, condition: condition.render(), ifFalse: RuleAction.DENY, denyResponse: deny ?? fallback, parameters: condition.parameters() });
    };
    push('checkIssuer', 'm2m.server.issuer', build('m2m.server.issuer', server.issuer, () => Condition.equals(ISSUER, server.issuer)),
      { statusCode: 403, errorMessage: 'Token issuer is not accepted' });
    if (options.skipAudienceCheck === undefined) {
      push('checkAudience', 'm2m.server.audience', build('m2m.server.audience', server.audience, () => Condition.hasValue(AUDIENCE, server.audience)),
        { statusCode: 403, errorMessage: 'Token audience is not accepted' });
    } else {
      recordOptOut(plugin, 'm2m.skipAudienceCheck', options.skipAudienceCheck, { target: plugin, ruleId: 'APIGW-ACL4' });
    }
    push('checkClient', 'm2m.allowedClients', build('m2m.allowedClients', clients.map((c) => c.clientId), () => Condition.oneOf(CLIENT_ID, clients.map((c) => c.clientId))),
      { statusCode: 403, errorMessage: 'No permission by client id: ${clientId}' });
    if (match === ScopeMatch.ANY_OF) {
      push('checkScope', 'm2m.requiredScopes', build('m2m.requiredScopes', scopes, () => Condition.anyOf(...scopes.map((s) => Condition.hasScope(SCOPE, s)))),
        { statusCode: 403, errorMessage: `Missing one of the scopes ${scopes.join(', ')} for client id: \${clientId}` });
    } else {
      scopes.forEach((s, i) => {
        push(i === 0 ? 'checkScope' : `checkScope${i + 1}`, `m2m.requiredScopes[${i}]`, build(`m2m.requiredScopes[${i}]`, s, () => Condition.hasScope(SCOPE, s)),
          { statusCode: 403, errorMessage: `Missing scope ${s} for client id: \${clientId}` });
      });
    }
    // The default messages interpolate ${clientId}: make sure it is declared.
    for (const rule of checks) if (!rule.parameters.includes(CLIENT_ID)) rule.parameters.push(CLIENT_ID);
    const combined = Condition.allOf(...parts);
    const allow: M2mRule = { name: ALLOW_M2M, prop: 'm2m', condition: combined.render(), ifTrue: RuleAction.ALLOW, parameters: combined.parameters() };
    return { checks, allow };
  }

  private static renderDeny(plugin: GatewayPlugin, response: DenyResponse, prop: string, declared: readonly string[]): Record<string, unknown> {
    const statusCode = response.statusCode ?? 403;
    validateInteger(plugin, `${prop}.statusCode`, statusCode, 400, 599, 'Deny with a 4xx or 5xx status, e.g. 403.');
    const checkText = (text: string, where: string, singleLine: boolean): void => {
      if (typeof text !== 'string') throw invalidProp(plugin, where, 'must be a string', text);
      if (singleLine && /[\r\n\u0000-\u001f\u007f]/.test(text)) throw invalidProp(plugin, where, 'must be a single line without control characters', text);
      for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
        if (!declared.includes(m[1])) {
          throw invalidProp(plugin, where, `interpolates \${${m[1]}}, which is not a declared parameter`, text,
            `Declare it (AccessControlPluginProps.parameters) or use one of: ${declared.join(', ') || '(none)'}.`);
        }
      }
    };
    const out: Record<string, unknown> = { statusCode };
    const message = response.errorMessage ?? 'Forbidden';
    checkText(message, `${prop}.errorMessage`, true);
    out.errorMessage = message;
    if (response.headers && Object.keys(response.headers).length > 0) {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (!HEADER_NAME.test(name)) throw invalidProp(plugin, `${prop}.headers`, 'has a header name that is not letters, digits or "-"', name);
        checkText(value, `${prop}.headers.${name}`, true);
        headers[name] = value;
      }
      out.responseHeaders = headers;
    }
    if (response.body !== undefined) {
      checkText(response.body, `${prop}.body`, false);
      out.responseBody = response.body;
    }
    return out;
  }
}
