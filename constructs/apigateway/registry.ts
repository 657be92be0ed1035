/**
 * Internal bookkeeping shared by groups, APIs and plugins (not exported from the barrel):
 * routes per group (duplicate method + path detection), plugins bound per API / group and
 * stage (the gateway binds at most one plugin of each type), and request parameters that
 * group-wide JWT plugins need declared on every API of the group.
 */
import type { IConstruct } from 'constructs';

/** What the registry needs to know about an API. */
export interface RegisteredApi extends IConstruct {
  /** Route key `METHOD path`. */
  readonly routeKey: string;
  /** Declares a request parameter on the API unless it is already declared. */
  ensureTokenParameter(name: string): void;
}

interface GroupState {
  readonly apis: RegisteredApi[];
  /** APIs by request path, so duplicate detection stays linear in the number of APIs. */
  readonly apisByPath: Map<string, RegisteredApi[]>;
  readonly tokenParameters: string[];
}

const groups = new WeakMap<IConstruct, GroupState>();
const bindings = new WeakMap<IConstruct, Map<string, IConstruct>>();

function groupState(group: IConstruct): GroupState {
  let state = groups.get(group);
  if (!state) {
    state = { apis: [], apisByPath: new Map(), tokenParameters: [] };
    groups.set(group, state);
  }
  return state;
}

/** The API already registered on `group` with the same route, if any. */
export function findRoute(group: IConstruct, routeKey: string): RegisteredApi | undefined {
  const [method, path] = routeKey.split(' ');
  return groupState(group).apisByPath.get(path)?.find((api) => {
    const [m] = api.routeKey.split(' ');
    return m === method || m === 'ANY' || method === 'ANY';
  });
}

/** Registers an API on its group and applies token parameters required by group-wide plugins. */
export function registerApi(group: IConstruct, api: RegisteredApi): void {
  const state = groupState(group);
  state.apis.push(api);
  const path = api.routeKey.split(' ')[1];
  const samePath = state.apisByPath.get(path) ?? [];
  samePath.push(api);
  state.apisByPath.set(path, samePath);
  for (const name of state.tokenParameters) api.ensureTokenParameter(name);
}

/** Requires every API of `group` (present and future) to declare the query parameter `name`. */
export function requireGroupTokenParameter(group: IConstruct, name: string): void {
  const state = groupState(group);
  if (!state.tokenParameters.includes(name)) state.tokenParameters.push(name);
  for (const api of state.apis) api.ensureTokenParameter(name);
}

/**
 * Records that `plugin` (of `pluginType`) is bound to `target` on `stage`.
 * @returns the plugin of the same type already bound there, if it is a different one
 */
export function recordBinding(target: IConstruct, stage: string, pluginType: string, plugin: IConstruct): IConstruct | undefined {
  let map = bindings.get(target);
  if (!map) {
    map = new Map();
    bindings.set(target, map);
  }
  const key = `${stage}/${pluginType}`;
  const existing = map.get(key);
  if (existing && existing !== plugin) return existing;
  map.set(key, plugin);
  return undefined;
}

/** The plugin of `pluginType` bound to `target` (an API or a group) on `stage` through the library, if any. */
export function boundPlugin(target: IConstruct, stage: string, pluginType: string): IConstruct | undefined {
  return bindings.get(target)?.get(`${stage}/${pluginType}`);
}
