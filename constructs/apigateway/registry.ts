/**
 * Internal bookkeeping shared by groups, APIs and plugins (not exported from the barrel):
 * routes per group (duplicate method + path detection), plugins bound per API / group and
 * stage (the gateway binds at most one plugin of each type), and request parameters that
 * group-wide JWT plugins need declared on every API of the group.
 *
 * The state lives in the construct tree (a resource-less child of the group or API), not in a
 * module-level registry: two apps, or two copies of the library, never share it.
 */
import { Construct } from 'constructs';
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

const STATE_ID = 'm2m-guard.bookkeeping';

/** Resource-less child holding the bookkeeping of one group or API. */
class Bookkeeping extends Construct {
  public readonly apis: IConstruct[] = [];
  /** Routes by request path, so duplicate detection stays linear in the number of APIs. */
  public readonly routesByPath = new Map<string, RegisteredRoute[]>();
  public readonly tokenParameters: string[] = [];
  public readonly bindings = new Map<string, IConstruct>();
}

function stateOf(target: IConstruct): Bookkeeping {
  return (target.node.tryFindChild(STATE_ID) as Bookkeeping | undefined) ?? new Bookkeeping(target as Construct, STATE_ID);
}

/** Declares the token parameter on `api` when it is an API of this library that needs it. */
export function ensureTokenParameter(api: IConstruct, name: string): void {
  const host = api as Partial<TokenParameterHost>;
  if (typeof host.ensureTokenParameter === 'function') host.ensureTokenParameter(name);
}

/** The route already registered on `group` that overlaps `method path`, if any. */
export function findRoute(group: IConstruct, method: string, path: string): RegisteredRoute | undefined {
  return stateOf(group).routesByPath.get(path)?.find((r) => r.method === method || r.method === 'ANY' || method === 'ANY');
}

/** Registers an API's route on its group and applies token parameters required by group-wide plugins. */
export function registerApi(group: IConstruct, api: IConstruct, method: string, path: string): void {
  const state = stateOf(group);
  state.apis.push(api);
  const samePath = state.routesByPath.get(path) ?? [];
  samePath.push({ api, method });
  state.routesByPath.set(path, samePath);
  for (const name of state.tokenParameters) ensureTokenParameter(api, name);
}

/** Requires every API of `group` (present and future) to declare the query parameter `name`. */
export function requireGroupTokenParameter(group: IConstruct, name: string): void {
  const state = stateOf(group);
  if (!state.tokenParameters.includes(name)) state.tokenParameters.push(name);
  for (const api of state.apis) ensureTokenParameter(api, name);
}

/**
 * Records that `plugin` (of `pluginType`) is bound to `target` on `stage`.
 * @returns the plugin of the same type already bound there, if it is a different one
 */
export function recordBinding(target: IConstruct, stage: string, pluginType: string, plugin: IConstruct): IConstruct | undefined {
  const map = stateOf(target).bindings;
  const key = `${stage}/${pluginType}`;
  const existing = map.get(key);
  if (existing && existing !== plugin) return existing;
  map.set(key, plugin);
  return undefined;
}

/** The plugin of `pluginType` bound to `target` (an API or a group) on `stage` through the library, if any. */
export function boundPlugin(target: IConstruct, stage: string, pluginType: string): IConstruct | undefined {
  return (target.node.tryFindChild(STATE_ID) as Bookkeeping | undefined)?.bindings.get(`${stage}/${pluginType}`);
}
