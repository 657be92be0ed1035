/**
 * Internal bookkeeping shared by groups, APIs and plugins (not exported from the barrel):
 * routes per group (duplicate method + path detection), plugins bound per API / group and
 * stage (the gateway binds at most one plugin of each type), and request parameters that
 * group-wide JWT plugins need declared on every API of the group.
 *
 * The state is held by the group or API construct itself (a non-enumerable property under a
 * `Symbol.for` key, so two copies of the library share it), not in a module-level registry: two
 * apps never share it. It is not a child construct: at scale every API has bookkeeping, and a
 * construct per API would cost each API a node, its scope list and children map for the whole
 * synth, and a visit in every walk of the construct tree.
 */
import type { IConstruct } from 'constructs';

/** An API that declares the query parameter carrying the JWT when the gateway needs it (MAPPING mode). */
export interface TokenParameterHost extends IConstruct {
  /** Declares the query parameter `name` unless it is declared already. */
  ensureTokenParameter(name: string): void;
}

/** A route registered on a group. */
export interface RegisteredRoute {
  readonly api: IConstruct;
  readonly method: string;
}

const STATE: unique symbol = Symbol.for('m2m-guard.bookkeeping');

/**
 * The bookkeeping of one group or API. Each part is created on first use: an API only ever
 * records bindings, a group also routes, APIs and token parameters.
 */
interface Bookkeeping {
  apis?: IConstruct[];
  /** Routes by request path, so duplicate detection stays linear in the number of APIs. */
  routesByPath?: Map<string, RegisteredRoute[]>;
  tokenParameters?: string[];
  /** Plugin bound per {@link bindingKey}. */
  bindings?: Record<string, IConstruct>;
}

type WithBookkeeping = IConstruct & { [STATE]?: Bookkeeping };

/** The bookkeeping of `target`, if any was recorded. */
function recorded(target: IConstruct): Bookkeeping | undefined {
  return (target as WithBookkeeping)[STATE];
}

function stateOf(target: IConstruct): Bookkeeping {
  let state = recorded(target);
  if (!state) {
    state = {};
    Object.defineProperty(target, STATE, { value: state, enumerable: false });
  }
  return state;
}

/**
 * The key of a binding: `<stage>/<plugin type>`. Used as a property name of a plain object (not
 * as a Map key), so V8 keeps one internalized copy of each key for all APIs instead of a string
 * per API and binding; the `/` keeps it clear of `Object.prototype`'s names.
 */
function bindingKey(stage: string, pluginType: string): string {
  return `${stage}/${pluginType}`;
}

/** Declares the token parameter on `api` when it is an API of this library that needs it. */
export function ensureTokenParameter(api: IConstruct, name: string): void {
  const host = api as Partial<TokenParameterHost>;
  if (typeof host.ensureTokenParameter === 'function') host.ensureTokenParameter(name);
}

/** The route already registered on `group` that overlaps `method path`, if any. */
export function findRoute(group: IConstruct, method: string, path: string): RegisteredRoute | undefined {
  return recorded(group)?.routesByPath?.get(path)?.find((r) => r.method === method || r.method === 'ANY' || method === 'ANY');
}

/** Registers an API's route on its group and applies token parameters required by group-wide plugins. */
export function registerApi(group: IConstruct, api: IConstruct, method: string, path: string): void {
  const state = stateOf(group);
  (state.apis ??= []).push(api);
  const routes = (state.routesByPath ??= new Map());
  const samePath = routes.get(path);
  if (samePath) samePath.push({ api, method });
  else routes.set(path, [{ api, method }]);
  for (const name of state.tokenParameters ?? []) ensureTokenParameter(api, name);
}

/** Requires every API of `group` (present and future) to declare the query parameter `name`. */
export function requireGroupTokenParameter(group: IConstruct, name: string): void {
  const state = stateOf(group);
  const names = (state.tokenParameters ??= []);
  if (!names.includes(name)) names.push(name);
  for (const api of state.apis ?? []) ensureTokenParameter(api, name);
}

/**
 * Records that `plugin` (of `pluginType`) is bound to `target` on `stage`.
 * @returns the plugin of the same type already bound there, if it is a different one
 */
export function recordBinding(target: IConstruct, stage: string, pluginType: string, plugin: IConstruct): IConstruct | undefined {
  const bindings = (stateOf(target).bindings ??= {});
  const key = bindingKey(stage, pluginType);
  const existing = bindings[key];
  if (existing && existing !== plugin) return existing;
  bindings[key] = plugin;
  return undefined;
}

/** The plugin of `pluginType` bound to `target` (an API or a group) on `stage` through the library, if any. */
export function boundPlugin(target: IConstruct, stage: string, pluginType: string): IConstruct | undefined {
  return recorded(target)?.bindings?.[bindingKey(stage, pluginType)];
}
