/**
 * Reads a synthesized stack (`cdk.tf.json`) into what the gateway emulator needs: the APIs
 * (route, stages, group, auth type) and the plugins with their parsed scripts. Which plugin
 * applies to which API on which stage comes from the one binding index (`core/binding-index`),
 * which the security rules and the synth summary read too.
 */
import { parsePluginData } from '../core/plugin-data';
import { singleBlock } from '../core/terraform-json';
import { type AccessControlConfig, readAccessControlConfig } from './access-control';
import { EmulatorUnsupportedError } from './errors';
import { type JwtAuthConfig, readJwtAuthConfig } from './jwt-auth';
import { type BindingIndex, GATEWAY_RESOURCE_TYPES, type IndexedApi, type PluginBinding as IndexedBinding, type TerraformResources, buildBindingIndex } from '../core/binding-index';
import { isExpression } from './references';
import { type TrafficControlConfig, readTrafficControlConfig } from './traffic-control';



/** A request parameter declared on an API (`request_parameters`). */
export interface DeclaredParameter {
  /** Name in the request. */
  readonly name: string;
  /** `QUERY`, `HEAD`, `PATH` or `BODY`. */
  readonly location: string;
  /** `REQUIRED` or `OPTIONAL`. */
  readonly required: string;
}

/** An `alicloud_api_gateway_api` of the stack. */
export interface EmulatedApi {
  /** Resource address, e.g. `alicloud_api_gateway_api.Api-hello_5B17D1E1`. */
  readonly address: string;
  /** API name (`name`). */
  readonly name: string;
  /** What `group_id` points at (see `identityKey` in core/binding-index). */
  readonly groupKey?: string;
  /** The group's name when the group is defined in the stack. */
  readonly groupName?: string;
  /** Upper-case request method (`ANY` matches every method). */
  readonly method: string;
  /** Request path; `[name]` segments are path parameters. */
  readonly path: string;
  /** `MAPPING` or `PASSTHROUGH`. */
  readonly mode: string;
  /** `request_config.protocol`, upper case: `HTTP`, `HTTPS` or `HTTP,HTTPS`. */
  readonly protocol: string;
  /** `auth_type` (`ANONYMOUS`, `APP`, ...). */
  readonly authType: string;
  /** Stages it is published to (`stage_names`). */
  readonly stages: readonly string[];
  /** Declared request parameters. */
  readonly parameters: readonly DeclaredParameter[];
  /** The backend the gateway would forward to. */
  readonly backend?: { readonly method?: string; readonly path?: string; readonly address?: string };
}

/** A plugin's script, read for the types the emulator enforces. */
export type PluginConfig =
  | { readonly type: 'jwtAuth'; readonly config: JwtAuthConfig }
  | { readonly type: 'accessControl'; readonly config: AccessControlConfig }
  | { readonly type: 'trafficControl'; readonly config: TrafficControlConfig }
  | { readonly type: 'other' }
  | { readonly type: 'problem'; readonly problem: string };

/** An `alicloud_api_gateway_plugin` of the stack (or one only referenced by id). */
export interface EmulatedPlugin {
  /** Resource address, or `literal:<id>` for a plugin that is not defined in the stack. */
  readonly key: string;
  /** `plugin_name`. */
  readonly name: string;
  /** `plugin_type`; `unknown` for a plugin not defined in the stack. */
  readonly pluginType: string;
  /** The parsed script. */
  readonly script: PluginConfig;
}

/** One binding of a plugin on a stage whose target, plugin and stage are all known (from the one binding index). */
export type PluginBinding = IndexedBinding & { readonly targetKey: string; readonly pluginKey: string; readonly stage: string };

/** A loaded stack. */
export interface GatewayModel {
  /** Every API, in address order. */
  readonly apis: readonly EmulatedApi[];
  /** Plugins by key. */
  readonly plugins: ReadonlyMap<string, EmulatedPlugin>;
  /** Every binding that could be matched. */
  readonly bindings: readonly PluginBinding[];
  /** The binding index the model was read with. */
  readonly index: BindingIndex;
  /** Things the emulator could not resolve (attachments to unknown APIs, unparseable scripts, ...). */
  readonly warnings: readonly string[];
}

/** A plugin bound to an API on a stage, with where the binding comes from. */
export interface EffectivePlugin {
  /** The plugin. */
  readonly plugin: EmulatedPlugin;
  /** The binding that applies. */
  readonly binding: PluginBinding;
}

/**
 * Loads a parsed `cdk.tf.json`.
 * @throws Error when the object is not a synthesized stack
 */
export function loadStack(stack: unknown): GatewayModel {
  if (!stack || typeof stack !== 'object' || Array.isArray(stack)) throw new Error('a synthesized stack (cdk.tf.json) must be a JSON object');
  const resources = ((stack as { resource?: unknown }).resource ?? {}) as TerraformResources;
  if (typeof resources !== 'object' || Array.isArray(resources)) throw new Error('"resource" of the stack must be an object');
  const warnings: string[] = [];
  const index = buildBindingIndex(resources);

  const groups = resources[GATEWAY_RESOURCE_TYPES.group] ?? {};
  const groupNames = new Map(Object.entries(groups).map(([name, config]) => [`${GATEWAY_RESOURCE_TYPES.group}.${name}`, typeof config.name === 'string' ? config.name : undefined]));
  const apis = index.apis.map((api) => readApi(api, groupNames));

  const plugins = new Map<string, EmulatedPlugin>();
  for (const indexed of index.plugins()) {
    if (indexed.config) {
      const plugin = readPlugin(indexed.key, indexed.config);
      if (plugin.script.type === 'problem') warnings.push(`${indexed.key}: ${plugin.script.problem}`);
      plugins.set(indexed.key, plugin);
    } else {
      const literal = indexed.key.startsWith('literal:');
      plugins.set(indexed.key, {
        key: indexed.key,
        name: indexed.key,
        pluginType: 'unknown',
        script: { type: 'problem', problem: literal ? `plugin ${indexed.key.slice(8)} is not defined in this stack (imported), so its script is unknown` : `${indexed.key} is not in this stack` },
      });
    }
  }

  const bindings: PluginBinding[] = [];
  for (const binding of index.bindings) {
    const { address, scope, targetKey, pluginKey, stage } = binding;
    if (targetKey === undefined || pluginKey === undefined || stage === undefined) {
      warnings.push(`${address}: ${scope === 'api' ? 'api_id' : 'group_id'}, plugin_id or stage_name is not a literal or a plain reference; the binding is ignored`);
      continue;
    }
    if (scope === 'api' && !index.api(targetKey)) {
      warnings.push(`${address}: binds to ${describeKey(targetKey)}, which is not an API of this stack; the binding is ignored`);
      continue;
    }
    if (!index.plugin(pluginKey)?.config) warnings.push(`${address}: binds ${describeKey(pluginKey)}, whose script is not in this stack`);
    bindings.push({ ...binding, targetKey, pluginKey, stage });
  }
  return { apis, plugins, bindings, warnings, index };
}

/**
 * The plugins in effect for `api` on `stage`, one per type: a plugin bound to the API itself
 * takes precedence over a plugin of the same type bound to its group (documented).
 */
export function effectivePlugins(model: GatewayModel, api: EmulatedApi, stage: string): EffectivePlugin[] {
  const indexed = model.index.api(api.address);
  if (!indexed) return [];
  // bindings whose stage or plugin is unknown until apply were reported as warnings and are ignored here
  return model.index.pluginsInEffect(indexed, stage).plugins
    .map(({ plugin, binding }) => ({ plugin: model.plugins.get(plugin.key) as EmulatedPlugin, binding: binding as PluginBinding }));
}

function readApi(api: IndexedApi, groupNames: ReadonlyMap<string, string | undefined>): EmulatedApi {
  const { address, config, groupKey } = api;
  const request = singleBlock(config.request_config);
  const service = singleBlock(config.http_service_config);
  const stages = Array.isArray(config.stage_names) ? config.stage_names.filter((s): s is string => typeof s === 'string').map((s) => s.toUpperCase()) : [];
  const parameters = Array.isArray(config.request_parameters)
    ? config.request_parameters.filter((p): p is Record<string, unknown> => !!p && typeof p === 'object').map((p) => ({
      name: String(p.name), location: String(p.in ?? '').toUpperCase(), required: String(p.required ?? 'OPTIONAL').toUpperCase(),
    }))
    : [];
  return {
    address,
    name: typeof config.name === 'string' ? config.name : address,
    groupKey,
    groupName: groupKey === undefined ? undefined : groupNames.get(groupKey),
    method: String(request.method ?? 'GET').toUpperCase(),
    path: String(request.path ?? '/'),
    mode: String(request.mode ?? 'MAPPING').toUpperCase(),
    protocol: String(request.protocol ?? 'HTTP').toUpperCase(),
    authType: String(config.auth_type ?? 'APP').toUpperCase(),
    stages,
    parameters,
    backend: Object.keys(service).length === 0 ? undefined : {
      method: optionalString(service.method), path: optionalString(service.path), address: optionalString(service.address),
    },
  };
}

function readPlugin(address: string, config: Readonly<Record<string, unknown>>): EmulatedPlugin {
  const name = typeof config.plugin_name === 'string' ? config.plugin_name : address;
  const pluginType = typeof config.plugin_type === 'string' && !isExpression(config.plugin_type) ? config.plugin_type : 'unknown';
  const fail = (problem: string): EmulatedPlugin => ({ key: address, name, pluginType, script: { type: 'problem', problem } });
  if (!['jwtAuth', 'accessControl', 'trafficControl'].includes(pluginType)) {
    return pluginType === 'unknown' ? fail('plugin_type is not a literal') : { key: address, name, pluginType, script: { type: 'other' } };
  }
  const parsed = parsePluginData(config.plugin_data);
  if (parsed.kind === 'unresolved') return fail('plugin_data references other resources, so it is only known at apply time');
  if (parsed.kind === 'unparseable') return fail(`plugin_data is not valid YAML: ${parsed.reason}`);
  try {
    if (pluginType === 'jwtAuth') return { key: address, name, pluginType, script: { type: 'jwtAuth', config: readJwtAuthConfig(parsed.script) } };
    if (pluginType === 'accessControl') return { key: address, name, pluginType, script: { type: 'accessControl', config: readAccessControlConfig(parsed.script) } };
    return { key: address, name, pluginType, script: { type: 'trafficControl', config: readTrafficControlConfig(parsed.script) } };
  } catch (error) {
    if (error instanceof EmulatorUnsupportedError) return fail(error.message);
    throw error;
  }
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : value === undefined ? undefined : String(value);
}

function describeKey(key: string): string {
  return key.startsWith('literal:') ? `id ${JSON.stringify(key.slice(8))}` : key;
}
