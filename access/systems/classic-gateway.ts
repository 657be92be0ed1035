/**
 * API Gateway (classic): for every API and every stage it is published to, the plugins in effect
 * (API over group), the JWT settings that matter (token location, replay, expiry, empty-token
 * bypass, key) and who gets through: clients, audiences and scopes as the access-control rules
 * decide them.
 */
import { parsePluginData, isTrue } from '../../core/plugin-data';
import { jwkThumbprint } from '../../lookups/jwk-thumbprint';
import type { AccessChange, AccessSystem, Effect, MermaidBuilder } from '../model';
import type { SynthesizedStack } from '../synth-output';
import { type ProbedCaller, probeAccessControl } from './access-control-probe';
import { type EffectivePlugin, STAGES, loadGatewayBindings, pluginsInEffect } from './gateway-bindings';
import { compareCodeUnits } from '../../core/order';

/** Where a plugin in effect comes from. */
export interface BoundPlugin {
  /** `plugin_name`. */
  readonly plugin: string;
  /** Bound to the API itself or to its group. */
  readonly binding: 'api' | 'group';
}

/** The JWT authentication settings in effect. */
export interface JwtSettings extends BoundPlugin {
  /** `header <name>` or `query <name>`. */
  readonly tokenLocation: string;
  /** Requests without a token are let through. */
  readonly bypassEmptyToken: boolean;
  /** Expired tokens are accepted. */
  readonly ignoreExpirationCheck: boolean;
  /** Each `jti` is accepted once. */
  readonly preventJtiReplay: boolean;
  /** `kid` of the trusted key(s). */
  readonly keyIds: readonly string[];
  /** RFC 7638 thumbprints of the trusted key(s). */
  readonly keyThumbprints: readonly string[];
}

/** One API on one stage. */
export interface GatewayRoute {
  /** API group name (or the group reference when the group is not in the stack). */
  readonly group: string;
  /** API name. */
  readonly api: string;
  /** Request method. */
  readonly method: string;
  /** Request path. */
  readonly path: string;
  /** Stage. */
  readonly stage: string;
  /** `auth_type`. */
  readonly authType: string;
  /** JWT authentication in effect. */
  readonly jwt?: JwtSettings;
  /** Access control in effect. */
  readonly accessControl?: BoundPlugin;
  /** Throttling in effect (`<limit>/<unit>`). */
  readonly throttling?: BoundPlugin & { readonly limit: string };
  /** Other plugin types in effect. */
  readonly otherPlugins: readonly (BoundPlugin & { readonly type: string })[];
  /** Who gets through; `null` when it cannot be determined (see {@link notes}). */
  readonly callers: readonly ProbedCaller[] | null;
  /** Why callers are unknown, or what the analysis assumed. */
  readonly notes: readonly string[];
}

/** The classic gateway part of one stack. */
export interface ClassicGatewayAccess {
  /** Every API × published stage, sorted by group, path, method, stage. */
  readonly routes: readonly GatewayRoute[];
  /** Bindings or scripts that could not be read. */
  readonly warnings: readonly string[];
}

function bound(e: EffectivePlugin): BoundPlugin {
  return { plugin: e.plugin.name, binding: e.binding.scope };
}

function extract(stack: SynthesizedStack): ClassicGatewayAccess | undefined {
  if (!stack.resources.some((r) => r.type.startsWith('alicloud_api_gateway_'))) return undefined;
  const model = loadGatewayBindings(stack.json);
  const scripts = new Map(stack.resources.filter((r) => r.type === 'alicloud_api_gateway_plugin').map((r) => [r.address, r.config.plugin_data]));
  const routes: GatewayRoute[] = [];
  for (const api of model.apis) {
    for (const stage of STAGES.filter((s) => api.stages.includes(s))) {
      const { plugins: effective, unresolved } = pluginsInEffect(model, api, stage);
      const pick = (type: string) => effective.find((e) => e.plugin.pluginType === type);
      const notes: string[] = [];
      const jwtPlugin = pick('jwtAuth');
      const jwt = jwtPlugin ? readJwt(jwtPlugin, scripts.get(jwtPlugin.plugin.key), notes) : undefined;
      const acPlugin = pick('accessControl');
      const tcPlugin = pick('trafficControl');
      const tc = tcPlugin?.plugin.script.type === 'trafficControl' ? tcPlugin.plugin.script.config : undefined;
      let callers: ProbedCaller[] | null;
      if (!jwt && jwtPlugin) {
        callers = null;
      } else if (!acPlugin) {
        callers = [];
        if (!jwt || jwt.bypassEmptyToken) callers.push({ client: 'anonymous', audiences: [], scopesAllOf: [], scopesAnyOf: [] });
        if (jwt) callers.push({ client: '*', audiences: ['*'], scopesAllOf: [], scopesAnyOf: [] });
        notes.push('no accessControl plugin in effect');
      } else if (acPlugin.plugin.script.type !== 'accessControl') {
        callers = null;
        notes.push(`accessControl ${acPlugin.plugin.name} cannot be analyzed: ${'problem' in acPlugin.plugin.script ? acPlugin.plugin.script.problem : 'unknown script'}`);
      } else {
        const tokenOptional = !jwt || jwt.bypassEmptyToken;
        const result = probeAccessControl(acPlugin.plugin.script.config, { method: api.method, path: api.path, tokenOptional });
        if (result.kind === 'unanalyzable') {
          callers = null;
          notes.push(`accessControl ${acPlugin.plugin.name} cannot be analyzed: ${result.problem}`);
        } else {
          // Without jwtAuth no token is verified, so only requests without one can pass.
          callers = jwt ? [...result.callers] : result.callers.filter((c) => c.client === 'anonymous');
          notes.push(...result.notes);
        }
      }
      if (unresolved.length > 0) {
        // A binding only known at apply might add or override a plugin: never guess who gets through.
        callers = null;
        notes.push(`plugins in effect unknown until apply: ${unresolved.join(', ')}`);
      }
      if (!jwtPlugin) notes.push('no jwtAuth plugin in effect: tokens are not verified');
      if (api.authType !== 'ANONYMOUS') notes.push(`auth_type ${api.authType}: the gateway also requires an authorized API Gateway app (not modelled)`);
      routes.push({
        group: api.groupName ?? api.groupKey ?? '(no group)',
        api: api.name,
        method: api.method,
        path: api.path,
        stage,
        authType: api.authType,
        jwt,
        accessControl: acPlugin ? bound(acPlugin) : undefined,
        throttling: tcPlugin ? { ...bound(tcPlugin), limit: tc ? `${tc.apiDefault}/${tc.unit}` : 'unknown' } : undefined,
        otherPlugins: effective.filter((e) => !['jwtAuth', 'accessControl', 'trafficControl'].includes(e.plugin.pluginType))
          .map((e) => ({ ...bound(e), type: e.plugin.pluginType })),
        callers,
        notes,
      });
    }
  }
  routes.sort((a, b) => compareCodeUnits(routeKey(a), routeKey(b)));
  return { routes, warnings: [...model.warnings] };
}

function readJwt(effective: EffectivePlugin, pluginData: unknown, notes: string[]): JwtSettings | undefined {
  const parsed = parsePluginData(pluginData);
  if (parsed.kind !== 'parsed') {
    notes.push(`jwtAuth ${effective.plugin.name} cannot be read: ${parsed.kind === 'unparseable' ? parsed.reason : 'its script is only known at apply time'}`);
    return undefined;
  }
  const s = parsed.script;
  const keys = [s.jwk, ...(Array.isArray(s.jwks) ? s.jwks : []), ...(Array.isArray(s.jwkList) ? s.jwkList : [])]
    .filter((k): k is Record<string, unknown> => !!k && typeof k === 'object' && !Array.isArray(k));
  const location = typeof s.parameterLocation === 'string' ? s.parameterLocation.toLowerCase() : 'header';
  return {
    ...bound(effective),
    tokenLocation: `${location} ${typeof s.parameter === 'string' ? s.parameter : '(unset)'}`,
    bypassEmptyToken: isTrue(s.bypassEmptyToken),
    ignoreExpirationCheck: isTrue(s.ignoreExpirationCheck),
    preventJtiReplay: isTrue(s.preventJtiReplay),
    keyIds: keys.map((k) => (typeof k.kid === 'string' ? k.kid : '(no kid)')),
    keyThumbprints: keys.map((k) => jwkThumbprint(k) ?? '(unknown)'),
  };
}

/** Identity of a route across versions: group, method, path, stage (names are display only). */
function routeKey(r: GatewayRoute): string {
  return `${r.group} ${r.path} ${r.method} ${r.stage}`;
}

function apiLabel(r: GatewayRoute): string {
  return `API ${r.api} (${r.method} ${r.path}, group ${r.group})`;
}

/** `client_x (scopes a, b; aud x)` */
function describeCaller(c: ProbedCaller): string {
  if (c.client === 'anonymous') return 'anyone, without a token';
  const who = c.client === '*' ? 'any client of the issuer' : `client ${c.client}`;
  const parts: string[] = [];
  if (c.scopesAllOf.length > 0) parts.push(`scopes ${c.scopesAllOf.join(' + ')}`);
  if (c.scopesAnyOf.length > 0) parts.push(`one of ${c.scopesAnyOf.join(' | ')}`);
  if (c.scopesAllOf.length === 0 && c.scopesAnyOf.length === 0) parts.push('no scope required');
  if (c.audiences.length > 0) parts.push(`aud ${c.audiences.join(', ')}`);
  for (const [claim, values] of Object.entries(c.claims ?? {})) parts.push(`${claim} ${values.join(', ')}`);
  return `${who} (${parts.join('; ')})`;
}

function jwtSummary(j: JwtSettings | undefined): string {
  if (!j) return 'none';
  const flags = [
    `token in ${j.tokenLocation}`,
    j.preventJtiReplay ? 'replay blocked' : 'replay allowed',
    j.ignoreExpirationCheck ? 'expiry ignored' : 'expiry checked',
  ];
  if (j.bypassEmptyToken) flags.push('empty token bypass');
  flags.push(`key ${j.keyIds.join(', ')}`);
  flags.push(`${j.binding}-level ${j.plugin}`);
  return flags.join(', ');
}

/** Which plugins are in effect and where they are bound, e.g. `accessControl: api-level x`. */
function pluginsSummary(r: GatewayRoute): string {
  const list = [
    ...(r.accessControl ? [`accessControl ${r.accessControl.binding}-level ${r.accessControl.plugin}`] : []),
    ...(r.throttling ? [`trafficControl ${r.throttling.limit} (${r.throttling.binding}-level)`] : []),
    ...r.otherPlugins.map((o) => `${o.type} ${o.binding}-level ${o.plugin}`),
  ];
  return list.join('<br>') || 'none';
}

function markdown(model: ClassicGatewayAccess): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = ['| API | request | stage | who gets through | JWT | other plugins |', '|---|---|---|---|---|---|'];
  for (const r of model.routes) {
    const who = r.callers === null ? '**unknown**' : r.callers.length === 0 ? 'nobody' : r.callers.map(describeCaller).join('<br>');
    lines.push(`| ${cell(r.api)} | ${cell(`${r.method} ${r.path}`)} | ${r.stage} | ${cell(who)} | ${cell(jwtSummary(r.jwt))} | ${cell(pluginsSummary(r))} |`);
  }
  const notes = [...new Set(model.routes.flatMap((r) => r.notes.map((n) => `${r.api} on ${r.stage}: ${n}`))), ...model.warnings];
  if (notes.length > 0) lines.push('', ...notes.map((n) => `- ${n}`));
  return lines.join('\n');
}

function mermaid(model: ClassicGatewayAccess, d: MermaidBuilder, stack: string): void {
  const apis = new Map<string, GatewayRoute[]>();
  for (const r of model.routes) {
    const key = `${r.group} ${r.method} ${r.path}`;
    apis.set(key, [...(apis.get(key) ?? []), r]);
  }
  for (const [key, routes] of apis) {
    const first = routes[0];
    d.line(`subgraph ${d.id(`${stack}|api|${key}`)}["${d.label(`API ${first.api}: ${first.method} ${first.path}`)}"]`);
    for (const r of routes) {
      d.line(`  ${d.id(`${stack}|route|${routeKey(r)}`)}["${d.label(`${r.stage}: ${r.jwt ? `token in ${r.jwt.tokenLocation}, ${r.jwt.preventJtiReplay ? 'replay blocked' : 'replay allowed'}, ${r.jwt.ignoreExpirationCheck ? 'expiry ignored' : 'expiry checked'}` : 'no JWT check'}`)}"]`);
    }
    d.line('end');
  }
  for (const r of model.routes) {
    const target = d.id(`${stack}|route|${routeKey(r)}`);
    for (const c of r.callers ?? [{ client: '?', audiences: [], scopesAllOf: [], scopesAnyOf: [] }]) {
      const scopes = [...c.scopesAllOf, ...(c.scopesAnyOf.length > 0 ? [`one of ${c.scopesAnyOf.join(' | ')}`] : [])].join(' + ') || 'no scope';
      const client = c.client === 'anonymous' ? 'anyone (no token)' : c.client === '*' ? 'any client of the issuer' : c.client === '?' ? 'unknown callers' : `client ${c.client}`;
      const source = d.shared(`client|${c.client}`, `(["${d.label(client)}"])`);
      d.edge(`${source} -->|"${d.label(scopes)}"| ${target}`);
    }
  }
}

function diff(stack: string, base: ClassicGatewayAccess | undefined, head: ClassicGatewayAccess | undefined): AccessChange[] {
  const out: AccessChange[] = [];
  const before = new Map((base?.routes ?? []).map((r) => [routeKey(r), r]));
  const after = new Map((head?.routes ?? []).map((r) => [routeKey(r), r]));
  const push = (effect: Effect, category: AccessChange['category'], r: GatewayRoute, summary: string, details: Record<string, unknown> = {}): void => {
    out.push({ effect, category, stack, subject: `${apiLabel(r)} on ${r.stage}`, summary, details: { api: r.api, method: r.method, path: r.path, group: r.group, stage: r.stage, ...details } });
  };
  const apiPublishedIn = (routes: Map<string, GatewayRoute>, r: GatewayRoute) =>
    [...routes.values()].some((x) => x.group === r.group && x.method === r.method && x.path === r.path);
  for (const [key, r] of after) {
    const b = before.get(key);
    if (!b) {
      const isNewApi = !apiPublishedIn(before, r);
      push('widens', 'stage', r, isNewApi ? `new API published to ${r.stage}` : `API published to a new stage ${r.stage}`,
        { callers: r.callers });
      for (const c of r.callers ?? []) push('widens', 'access', r, `${describeCaller(c)} can call it`, { client: c.client, scopes: c.scopesAllOf });
      if (r.callers === null) push('widens', 'access', r, `callers cannot be determined: ${r.notes.join('; ')}`);
      continue;
    }
    diffRoute(b, r, push);
  }
  for (const [key, b] of before) {
    if (after.has(key)) continue;
    push('narrows', 'stage', b, apiPublishedIn(after, b) ? `API no longer published to ${b.stage}` : `API removed from ${b.stage}`);
  }
  return out;
}

type Push = (effect: Effect, category: AccessChange['category'], r: GatewayRoute, summary: string, details?: Record<string, unknown>) => void;

function diffRoute(b: GatewayRoute, r: GatewayRoute, push: Push): void {
  // Callers
  if (r.callers === null && b.callers !== null) {
    push('widens', 'access', r, `callers can no longer be determined: ${r.notes.join('; ')}`);
  } else if (r.callers !== null && b.callers === null) {
    push('neutral', 'access', r, `callers can be determined again: ${r.callers.map(describeCaller).join('; ') || 'nobody'}`);
  } else if (r.callers && b.callers) {
    const prev = new Map(b.callers.map((c) => [c.client, c]));
    const next = new Map(r.callers.map((c) => [c.client, c]));
    for (const [client, c] of next) {
      const p = prev.get(client);
      if (!p) {
        push('widens', 'access', r, `${describeCaller(c)} can now call it`, { client, scopes: c.scopesAllOf, audiences: c.audiences });
        continue;
      }
      const droppedAll = p.scopesAllOf.filter((s) => !c.scopesAllOf.includes(s));
      const addedAll = c.scopesAllOf.filter((s) => !p.scopesAllOf.includes(s));
      if (droppedAll.length > 0) push('widens', 'access', r, `${who(client)} no longer needs scope ${droppedAll.join(', ')}`, { client, scopesRemoved: droppedAll });
      if (addedAll.length > 0) push('narrows', 'access', r, `${who(client)} now needs scope ${addedAll.join(', ')}`, { client, scopesAdded: addedAll });
      const anyAdded = c.scopesAnyOf.filter((s) => !p.scopesAnyOf.includes(s));
      const anyRemoved = p.scopesAnyOf.filter((s) => !c.scopesAnyOf.includes(s));
      if (anyAdded.length > 0 && p.scopesAnyOf.length > 0) push('widens', 'access', r, `${who(client)} may now use scope ${anyAdded.join(', ')} instead`, { client, anyOfAdded: anyAdded });
      if (anyRemoved.length > 0 && c.scopesAnyOf.length > 0) push('narrows', 'access', r, `${who(client)} may no longer use scope ${anyRemoved.join(', ')}`, { client, anyOfRemoved: anyRemoved });
      if (p.scopesAnyOf.length > 0 && c.scopesAnyOf.length === 0 && droppedAll.length === 0 && addedAll.length === 0) push('widens', 'access', r, `${who(client)} no longer needs one of ${p.scopesAnyOf.join(' | ')}`, { client });
      const audAdded = c.audiences.filter((a) => !p.audiences.includes(a));
      const audRemoved = p.audiences.filter((a) => !c.audiences.includes(a));
      if (audAdded.length > 0 || (p.audiences.length > 0 && c.audiences.length === 0)) push('widens', 'trust', r, `${who(client)}: audience ${audAdded.join(', ') || 'no longer checked'} accepted`, { client, audiencesAdded: audAdded });
      if (audRemoved.length > 0 && c.audiences.length > 0) push('narrows', 'trust', r, `${who(client)}: audience ${audRemoved.join(', ')} no longer accepted`, { client, audiencesRemoved: audRemoved });
      for (const claim of new Set([...Object.keys(p.claims ?? {}), ...Object.keys(c.claims ?? {})])) {
        const was = p.claims?.[claim] ?? ['*'];
        const now = c.claims?.[claim] ?? ['*'];
        const added = now.filter((v) => !was.includes(v) && !was.includes('*'));
        const removed = was.filter((v) => !now.includes(v) && !now.includes('*'));
        if (added.length > 0 || (now.includes('*') && !was.includes('*'))) push('widens', 'trust', r, `${who(client)}: ${claim} ${was.join(', ')} → ${now.join(', ')}`, { client, claim, before: was, after: now });
        else if (removed.length > 0 || (was.includes('*') && !now.includes('*'))) push('narrows', 'trust', r, `${who(client)}: ${claim} ${was.join(', ')} → ${now.join(', ')}`, { client, claim, before: was, after: now });
      }
    }
    for (const [client, p] of prev) {
      if (!next.has(client)) push('narrows', 'access', r, `${describeCaller(p)} can no longer call it`, { client });
    }
  }
  // JWT settings
  const bj = b.jwt;
  const rj = r.jwt;
  if (bj && !rj) push('widens', 'plugin', r, 'jwtAuth no longer in effect: tokens are not verified');
  if (!bj && rj) push('narrows', 'plugin', r, `jwtAuth ${rj.plugin} now in effect`);
  if (bj && rj) {
    const flag = (name: keyof JwtSettings, loosened: boolean, text: string) => {
      if (bj[name] !== rj[name]) push(loosened ? 'widens' : 'narrows', 'plugin', r, `jwtAuth ${String(name)}: ${String(bj[name])} → ${String(rj[name])} (${text})`, { setting: name, before: bj[name], after: rj[name] });
    };
    flag('bypassEmptyToken', rj.bypassEmptyToken, rj.bypassEmptyToken ? 'requests without a token get through' : 'a token is required');
    flag('ignoreExpirationCheck', rj.ignoreExpirationCheck, rj.ignoreExpirationCheck ? 'expired tokens are accepted' : 'expiry is checked');
    flag('preventJtiReplay', !rj.preventJtiReplay, rj.preventJtiReplay ? 'tokens are single-use' : 'a token can be replayed');
    if (bj.tokenLocation !== rj.tokenLocation) push('neutral', 'plugin', r, `token location: ${bj.tokenLocation} → ${rj.tokenLocation}`, { setting: 'tokenLocation', before: bj.tokenLocation, after: rj.tokenLocation });
    if (bj.keyThumbprints.join() !== rj.keyThumbprints.join()) {
      const added = rj.keyThumbprints.filter((t) => !bj.keyThumbprints.includes(t));
      const removed = bj.keyThumbprints.filter((t) => !rj.keyThumbprints.includes(t));
      const effect: Effect = added.length > 0 && removed.length === 0 ? 'widens' : added.length === 0 ? 'narrows' : 'neutral';
      push(effect, 'key', r, `trusted signing key rotated: ${bj.keyIds.join(', ')} → ${rj.keyIds.join(', ')}`, { before: bj.keyThumbprints, after: rj.keyThumbprints });
    }
    if (bj.binding !== rj.binding) push('neutral', 'plugin', r, `jwtAuth now bound at ${rj.binding} level (was ${bj.binding})`);
  }
  if (b.accessControl && !r.accessControl) push('widens', 'plugin', r, 'accessControl no longer in effect');
  if (b.throttling && !r.throttling) push('widens', 'plugin', r, `throttling ${b.throttling.limit} removed`);
  if (!b.throttling && r.throttling) push('narrows', 'plugin', r, `throttling ${r.throttling.limit} added`);
  if (b.throttling && r.throttling && b.throttling.limit !== r.throttling.limit) {
    const rate = (l: string) => Number.parseInt(l, 10) / ({ SECOND: 1, MINUTE: 60, HOUR: 3600, DAY: 86400 }[l.split('/')[1]] ?? 1);
    push(rate(r.throttling.limit) > rate(b.throttling.limit) ? 'widens' : 'narrows', 'plugin', r, `throttling ${b.throttling.limit} → ${r.throttling.limit}`);
  }
  for (const o of b.otherPlugins) if (!r.otherPlugins.some((x) => x.type === o.type)) push('neutral', 'plugin', r, `${o.type} plugin ${o.plugin} no longer in effect`);
  for (const o of r.otherPlugins) if (!b.otherPlugins.some((x) => x.type === o.type)) push('neutral', 'plugin', r, `${o.type} plugin ${o.plugin} now in effect`);
  if (b.authType !== r.authType) push(r.authType === 'ANONYMOUS' ? 'widens' : 'narrows', 'plugin', r, `auth_type ${b.authType} → ${r.authType}`);
}

function who(client: string): string {
  return client === '*' ? 'any client' : client === 'anonymous' ? 'a request without a token' : `client ${client}`;
}

/** The classic API Gateway system. */
export const CLASSIC_GATEWAY: AccessSystem<ClassicGatewayAccess> = {
  id: 'apigateway',
  title: 'API Gateway (classic)',
  extract,
  markdown,
  mermaid,
  diff,
};
