import { GATEWAY_RESOURCE_TYPES, type TerraformResources, buildBindingIndex } from '../../../core/binding-index';
import { isUnresolvedValue as isUnresolved } from '../../../core/expressions';
import { isReplaySettingAllowed } from '../../../core/jwt-replay';
import { type ParsedScript, isTrue, parsePluginData } from '../../../core/plugin-data';
import { INSTANCE_TYPE_TAG, LIMITS, scriptBytes } from '../../apigateway/plugin-script';
import { RuleLevel, RuleResult } from '../rule';
import type { ResourceView, RuleContext, RuleOutcome, SecurityRule } from '../rule';

const { api: API, plugin: PLUGIN } = GATEWAY_RESOURCE_TYPES;
const UNPARSEABLE = 'plugin_data:unparseable';

type Parsed = Extract<ParsedScript, { kind: 'parsed' }>;

const parsedScripts = new WeakMap<object, ParsedScript>();

/** A plugin's `plugin_data`, parsed once per checked resource however many rules read it. */
export function parsedScriptOf(res: ResourceView): ParsedScript {
  let parsed = parsedScripts.get(res.config);
  if (!parsed) {
    parsed = parsePluginData(res.config.plugin_data);
    parsedScripts.set(res.config, parsed);
  }
  return parsed;
}

/** The parsed script of a plugin of `pluginType`, or the outcome to return instead (shared by the APIGW-* rule files). */
export function scriptOf(res: ResourceView, pluginType?: string): { readonly script: Parsed } | { readonly outcome: RuleOutcome } {
  if (res.type !== PLUGIN) return { outcome: RuleResult.NOT_APPLICABLE };
  const type = res.config.plugin_type;
  if (typeof type !== 'string' || isUnresolved(type)) return { outcome: RuleResult.UNRESOLVED };
  if (pluginType !== undefined && type !== pluginType) return { outcome: RuleResult.NOT_APPLICABLE };
  const parsed = parsedScriptOf(res);
  if (parsed.kind === 'unresolved') return { outcome: RuleResult.UNRESOLVED };
  if (parsed.kind === 'unparseable') return { outcome: [UNPARSEABLE] };
  return { script: parsed };
}

/** `APIGW-AUTH1`: an ANONYMOUS API must have jwtAuth + accessControl bound on every published stage. */
export const anonymousApiProtected: SecurityRule = {
  id: 'APIGW-AUTH1',
  resourceTypes: [API],
  level: RuleLevel.ERROR,
  info: 'An ANONYMOUS API is published on a stage without both a jwtAuth and an accessControl plugin bound on that stage.',
  explanation: 'With auth type ANONYMOUS the gateway authenticates nobody itself: only a JWT plugin (token signature and expiry) plus an access-control plugin (client and scope) keep the API closed, and plugins are bound per stage. A stage without both is an open API.',
  check: (res: ResourceView, context: RuleContext): RuleOutcome => {
    if (res.type !== API) return RuleResult.NOT_APPLICABLE;
    const auth = res.config.auth_type;
    if (typeof auth !== 'string' || isUnresolved(auth)) return RuleResult.UNRESOLVED;
    if (auth !== 'ANONYMOUS') return RuleResult.NOT_APPLICABLE;
    const stages = res.config.stage_names;
    if (stages === undefined || stages === null) return RuleResult.COMPLIANT;
    if (!Array.isArray(stages) || stages.some((s) => typeof s !== 'string' || isUnresolved(s))) return RuleResult.UNRESOLVED;
    if (stages.length === 0) return RuleResult.COMPLIANT;

    const index = context.memo(buildBindingIndex, () => buildBindingIndex((context.synthesized.resource ?? {}) as TerraformResources));
    const api = index.api(res.address);
    if (!api) return RuleResult.UNRESOLVED;
    const findings: string[] = [];
    let unresolved = false;
    for (const stage of stages as string[]) {
      const effective = index.pluginsInEffect(api, stage.toUpperCase());
      const bound = new Set(effective.plugins.map((p) => p.plugin.pluginType));
      if (bound.has('jwtAuth') && bound.has('accessControl')) continue;
      if (effective.unresolved.length > 0) unresolved = true;
      else findings.push(`stage:${stage}`);
    }
    if (findings.length > 0) return findings;
    return unresolved ? RuleResult.UNRESOLVED : RuleResult.COMPLIANT;
  },
};

/** `APIGW-JWT1`: the JWT plugin lets requests without a token through. */
export const jwtNoBypass: SecurityRule = {
  id: 'APIGW-JWT1',
  resourceTypes: [PLUGIN],
  level: RuleLevel.ERROR,
  info: 'The JWT authentication plugin sets bypassEmptyToken: true.',
  explanation: 'Requests that carry no token at all are forwarded to the backend unauthenticated; only requests with a bad token are rejected.',
  check: (res) => {
    const read = scriptOf(res, 'jwtAuth');
    if ('outcome' in read) return read.outcome;
    const parsed = read.script;
    return isTrue(parsed.script.bypassEmptyToken) ? RuleResult.NON_COMPLIANT : RuleResult.COMPLIANT;
  },
};

/** `APIGW-JWT2`: jti anti-replay is off in a production stack. */
export const jwtReplayProtection: SecurityRule = {
  id: 'APIGW-JWT2',
  resourceTypes: [PLUGIN],
  level: RuleLevel.ERROR,
  info: 'The JWT authentication plugin does not set preventJtiReplay: true in a production environment.',
  explanation: 'Without the jti anti-replay check a captured token can be replayed until it expires; the IDaaS tutorial asks for it in production, so the allowJtiReplay opt-out (APIGW-JWT4) does not clear this rule.',
  check: (res, context) => {
    const prevented = replayPrevented(res);
    if (typeof prevented !== 'boolean') return prevented;
    return isReplaySettingAllowed(context.production, prevented) ? RuleResult.COMPLIANT : RuleResult.NON_COMPLIANT;
  },
};

/**
 * `APIGW-JWT4`: jti anti-replay is off, in any environment. The only accepted way to turn it off
 * is the opt-out `allowJtiReplay: { reason }` of `JwtAuthPlugin` / `M2mProtectedApis`, which
 * records its reason as the suppression of this rule; production also fails `APIGW-JWT2`.
 */
export const jwtReplayOptOut: SecurityRule = {
  id: 'APIGW-JWT4',
  resourceTypes: [PLUGIN],
  level: RuleLevel.ERROR,
  info: 'The JWT authentication plugin does not set preventJtiReplay: true, so a token is accepted more than once.',
  explanation: 'A captured token can be replayed until it expires. Turning replay protection off is an opt-out: write allowJtiReplay: { reason } (config: gateway.allowJtiReplay), which reports this finding as suppressed with the reason; production environments refuse it (APIGW-JWT2).',
  check: (res) => {
    const prevented = replayPrevented(res);
    if (typeof prevented !== 'boolean') return prevented;
    return prevented ? RuleResult.COMPLIANT : RuleResult.NON_COMPLIANT;
  },
};

/**
 * Whether a jwtAuth plugin's script turns jti anti-replay on (read by APIGW-JWT2 and APIGW-JWT4),
 * or the outcome to return instead. The script states what the gateway does: an absent
 * `preventJtiReplay` is off, not the construct default.
 */
function replayPrevented(res: ResourceView): boolean | RuleOutcome {
  const read = scriptOf(res, 'jwtAuth');
  return 'outcome' in read ? read.outcome : isTrue(read.script.script.preventJtiReplay);
}

/** `APIGW-JWT3`: the JWT plugin ignores token expiry. */
export const jwtExpiryChecked: SecurityRule = {
  id: 'APIGW-JWT3',
  resourceTypes: [PLUGIN],
  level: RuleLevel.ERROR,
  info: 'The JWT authentication plugin sets ignoreExpirationCheck: true.',
  explanation: 'Expired tokens stay valid forever, so a leaked token can never be revoked by letting it expire.',
  check: (res) => {
    const read = scriptOf(res, 'jwtAuth');
    if ('outcome' in read) return read.outcome;
    const parsed = read.script;
    return isTrue(parsed.script.ignoreExpirationCheck) ? RuleResult.NON_COMPLIANT : RuleResult.COMPLIANT;
  },
};

/** Whether a parameter location reads a scope claim. */
function isScopeLocation(location: unknown): boolean {
  return typeof location === 'string' && /^token:/i.test(location) && /scope|^token:scp$/i.test(location);
}

/**
 * Whether a LIKE pattern on a scope claim matches a substring rather than a whole,
 * space- or quote-delimited scope token.
 */
export function isSubstringScopePattern(pattern: string): boolean {
  const starts = pattern.startsWith('%');
  const ends = pattern.length > 1 && pattern.endsWith('%');
  const inner = pattern.slice(starts ? 1 : 0, ends ? -1 : undefined);
  if (!starts && !ends) return inner.includes('%');
  if (inner.includes('%')) return true;
  const leftDelimited = !starts || /^[ "]/.test(inner);
  const rightDelimited = !ends || /[ "]$/.test(inner);
  return !(leftDelimited && rightDelimited);
}

/** `APIGW-ACL1`: a condition matches the scope claim by substring. */
export const aclWholeScope: SecurityRule = {
  id: 'APIGW-ACL1',
  resourceTypes: [PLUGIN],
  level: RuleLevel.ERROR,
  info: 'An access-control condition matches the scope claim by substring (like \'%…%\').',
  explanation: 'A substring check such as $scope like \'%user:read:one%\' also admits user:read:one-admin or xuser:read:one; scopes must be matched as whole space-delimited tokens.',
  check: (res) => {
    const read = scriptOf(res, 'accessControl');
    if ('outcome' in read) return read.outcome;
    const parsed = read.script;
    const params = parsed.script.parameters;
    const rules = parsed.script.rules;
    if (params === undefined || rules === undefined) return RuleResult.COMPLIANT;
    if (typeof params !== 'object' || params === null || Array.isArray(params) || !Array.isArray(rules)) return [UNPARSEABLE];
    const scopeParams = Object.entries(params as Record<string, unknown>).filter(([, location]) => isScopeLocation(location)).map(([name]) => name);
    if (scopeParams.length === 0) return RuleResult.COMPLIANT;
    const findings: string[] = [];
    rules.forEach((rule, i) => {
      const r = (rule ?? {}) as Record<string, unknown>;
      const condition = r.condition;
      if (typeof condition !== 'string') return;
      const name = typeof r.name === 'string' ? r.name : `#${i}`;
      for (const m of condition.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)\s+like\s+(?:'([^']*)'|"([^"]*)")/gi)) {
        if (scopeParams.includes(m[1]) && isSubstringScopePattern(m[2] ?? m[3] ?? '')) {
          if (!findings.includes(`rule:${name}`)) findings.push(`rule:${name}`);
        }
      }
    });
    return findings;
  },
};

/** `APIGW-LIM1`: the final script exceeds the documented plugin limits. */
export const pluginLimits: SecurityRule = {
  id: 'APIGW-LIM1',
  resourceTypes: [PLUGIN],
  level: RuleLevel.ERROR,
  info: 'The plugin script exceeds the documented limits (parameters/rules per instance type, expression length or script size).',
  explanation: `Only ${LIMITS.sharedEntries} parameters and rules take effect on shared instances (${LIMITS.dedicatedEntries} on dedicated), expressions are limited to ${LIMITS.expressionChars} characters and scripts to 50 KB; entries past the limit are silently ignored or the plugin is rejected.`,
  check: (res) => {
    const read = scriptOf(res);
    if ('outcome' in read) return read.outcome;
    const parsed = read.script;
    const tags = res.config.tags as Record<string, unknown> | undefined;
    const max = tags?.[INSTANCE_TYPE_TAG] === 'DEDICATED' ? LIMITS.dedicatedEntries : LIMITS.sharedEntries;
    const findings: string[] = [];
    if (scriptBytes(parsed.text) > LIMITS.scriptBytes) findings.push('size');
    const params = parsed.script.parameters;
    if (params && typeof params === 'object' && !Array.isArray(params) && Object.keys(params).length > max) findings.push('parameters');
    const rules = parsed.script.rules;
    if (Array.isArray(rules)) {
      if (rules.length > max) findings.push('rules');
      rules.forEach((rule, i) => {
        const r = (rule ?? {}) as Record<string, unknown>;
        if (typeof r.condition === 'string' && r.condition.length > LIMITS.expressionChars) {
          findings.push(`expression:${typeof r.name === 'string' ? r.name : `#${i}`}`);
        }
      });
    }
    return findings;
  },
};

/** Rules for API Gateway APIs, plugins and bindings (ids `APIGW-*`). */
export const APIGATEWAY_RULES: readonly SecurityRule[] = [
  anonymousApiProtected,
  jwtNoBypass,
  jwtReplayProtection,
  jwtExpiryChecked,
  jwtReplayOptOut,
  aclWholeScope,
  pluginLimits,
];
