/**
 * The one index of which API Gateway (classic) plugin applies to which API on which stage, read
 * from a synthesized stack's `resource` section (`cdk.tf.json`). The security rules, the gateway
 * emulator, the synth summary and the access map all read bindings through it.
 *
 * Documented semantics it encodes (Alibaba Cloud, "Plug-in overview" and "Attach a plug-in to an
 * API group"): a plugin is bound per stage; a plugin bound to a group in a stage applies to every
 * API of the group published in that stage; an API-level plugin of the same type overrides the
 * group's. Attachments are matched through the `${...}` references cdktf writes (or equal literal
 * ids, for imported groups and plugins).
 *
 * @see https://www.alibabacloud.com/help/en/api-gateway/traditional-api-gateway/user-guide/plug-in-overview
 * @see https://www.alibabacloud.com/help/en/api-gateway/traditional-api-gateway/user-guide/bind-a-plug-in-to-an-api-group
 */
import { isExpression, parseReference } from './expressions';

/** Terraform resource types the index reads. */
export const GATEWAY_RESOURCE_TYPES = {
  api: 'alicloud_api_gateway_api',
  group: 'alicloud_api_gateway_group',
  plugin: 'alicloud_api_gateway_plugin',
  apiAttachment: 'alicloud_api_gateway_plugin_attachment',
  groupAttachment: 'alicloud_api_gateway_group_plugin_attachment',
} as const;

/** The `resource` section of a synthesized stack: type → name → configuration. */
export type TerraformResources = Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;

/** An `alicloud_api_gateway_api` of the stack. */
export interface IndexedApi {
  /** Resource address, e.g. `alicloud_api_gateway_api.Hello_5B17D1E1`. */
  readonly address: string;
  /** What `group_id` points at (see {@link identityKey}); `undefined` when unknown until apply. */
  readonly groupKey?: string;
  /** Stages it is published to (`stage_names`, upper case); unknown ones are left out. */
  readonly stages: readonly string[];
  /** Whether `stage_names` (or one of them) is unknown until apply. */
  readonly stagesUnresolved: boolean;
  /** The API's configuration as synthesized. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** A plugin bound somewhere: defined in the stack, or only referenced by id. */
export interface IndexedPlugin {
  /** Resource address, or `literal:<id>` for a plugin not defined in this stack. */
  readonly key: string;
  /** `plugin_type`; `undefined` when not a literal or when the plugin is not in this stack. */
  readonly pluginType?: string;
  /** The plugin's configuration as synthesized; `undefined` when it is not in this stack. */
  readonly config?: Readonly<Record<string, unknown>>;
}

/** Where a binding attaches. */
export type BindingScope = 'api' | 'group';

/** One attachment resource, resolved as far as the synthesized JSON allows. */
export interface PluginBinding {
  /** Address of the attachment resource. */
  readonly address: string;
  /** Per API (`alicloud_api_gateway_plugin_attachment`) or group-wide. */
  readonly scope: BindingScope;
  /** What it binds to: the API's address or the group's identity key; `undefined` when unknown until apply. */
  readonly targetKey?: string;
  /** The plugin's key; `undefined` when unknown until apply. */
  readonly pluginKey?: string;
  /** The stage (upper case); `undefined` when unknown until apply. */
  readonly stage?: string;
}

/** A plugin in effect for an API on a stage, with the binding it comes from. */
export interface EffectiveBinding {
  /** The plugin. */
  readonly plugin: IndexedPlugin;
  /** The binding that applies (API-level over group-level of the same type). */
  readonly binding: PluginBinding;
}

/** What applies to one API on one stage. */
export interface EffectivePlugins {
  /** At most one plugin per type, API-level over group-level; plugins of unknown type each on their own. */
  readonly plugins: readonly EffectiveBinding[];
  /**
   * Bindings of this API or its group that might apply here but cannot be decided from the JSON
   * (stage or plugin unknown until apply, or a plugin whose type is unknown). Non-empty means
   * "unknown", never "not bound".
   */
  readonly unresolved: readonly PluginBinding[];
}

/**
 * A key that identifies what an id attribute points at: the resource address for a reference,
 * `literal:<value>` for a literal id (an imported group, API or plugin), `undefined` for anything
 * else. Two attributes point at the same object when their keys are equal.
 */
export function identityKey(value: unknown): string | undefined {
  const ref = parseReference(value);
  if (ref) return ref.address;
  if (typeof value === 'string' && value !== '' && !isExpression(value)) return `literal:${value}`;
  return undefined;
}

/** The index over one stack. Build it with {@link buildBindingIndex}. */
export class BindingIndex {
  /** Every API, in address order. */
  public readonly apis: readonly IndexedApi[];
  /** Every attachment, API-level first, each in address order. */
  public readonly bindings: readonly PluginBinding[];
  private readonly apisByAddress: ReadonlyMap<string, IndexedApi>;
  private readonly pluginsByKey: ReadonlyMap<string, IndexedPlugin>;
  private readonly byApi = new Map<string, PluginBinding[]>();
  private readonly byGroup = new Map<string, PluginBinding[]>();

  /** @internal use {@link buildBindingIndex} */
  public constructor(apis: readonly IndexedApi[], plugins: ReadonlyMap<string, IndexedPlugin>, bindings: readonly PluginBinding[]) {
    this.apis = apis;
    this.bindings = bindings;
    this.apisByAddress = new Map(apis.map((a) => [a.address, a]));
    this.pluginsByKey = plugins;
    for (const binding of bindings) {
      // an attachment whose target is unknown until apply binds to nothing the index can name
      if (binding.targetKey === undefined) continue;
      const map = binding.scope === 'api' ? this.byApi : this.byGroup;
      const list = map.get(binding.targetKey) ?? [];
      list.push(binding);
      map.set(binding.targetKey, list);
    }
  }

  /** The API at an address, if it is in the stack. */
  public api(address: string): IndexedApi | undefined {
    return this.apisByAddress.get(address);
  }

  /** A plugin by key (address or `literal:<id>`), including plugins only referenced by an attachment. */
  public plugin(key: string): IndexedPlugin | undefined {
    return this.pluginsByKey.get(key);
  }

  /** Every plugin defined in or referenced by the stack. */
  public plugins(): IterableIterator<IndexedPlugin> {
    return this.pluginsByKey.values();
  }

  /** Attachments that bind directly to the API at `apiAddress`, any stage. */
  public apiBindings(apiAddress: string): readonly PluginBinding[] {
    return this.byApi.get(apiAddress) ?? [];
  }

  /** Group-wide attachments of the group with identity key `groupKey`, any stage. */
  public groupBindings(groupKey: string): readonly PluginBinding[] {
    return this.byGroup.get(groupKey) ?? [];
  }

  /**
   * The plugins in effect for an API on a stage: group-level bindings of its group and its own
   * bindings on that stage, one plugin per type, an API-level plugin taking precedence over a
   * group-level one of the same type.
   */
  public pluginsInEffect(api: IndexedApi, stage: string): EffectivePlugins {
    const candidates = [
      ...(api.groupKey === undefined ? [] : this.groupBindings(api.groupKey)),
      ...this.apiBindings(api.address),
    ];
    const byType = new Map<string, EffectiveBinding>();
    const unresolved: PluginBinding[] = [];
    for (const binding of candidates) {
      if (binding.stage === undefined || binding.pluginKey === undefined) {
        unresolved.push(binding);
        continue;
      }
      if (binding.stage !== stage) continue;
      const plugin = this.pluginsByKey.get(binding.pluginKey) as IndexedPlugin;
      if (plugin.pluginType === undefined) unresolved.push(binding);
      // A plugin of unknown type gets a slot of its own: it can neither override nor be overridden silently.
      const type = plugin.pluginType ?? `unknown:${plugin.key}`;
      const current = byType.get(type);
      if (!current || (current.binding.scope === 'group' && binding.scope === 'api')) byType.set(type, { plugin, binding });
    }
    return { plugins: [...byType.values()], unresolved };
  }
}

/**
 * Builds the binding index of a synthesized stack.
 *
 * @param resources - the `resource` section of `cdk.tf.json` (or the same shape built from a
 *   construct tree's resolved resources)
 */
export function buildBindingIndex(resources: TerraformResources): BindingIndex {
  const T = GATEWAY_RESOURCE_TYPES;
  // In address order: the names sorted (code-unit order, as the addresses share the `<type>.` prefix).
  const of = (type: string): [string, Readonly<Record<string, unknown>>][] => {
    const instances = resources[type] ?? {};
    return Object.keys(instances).sort().map((name): [string, Readonly<Record<string, unknown>>] => [`${type}.${name}`, instances[name]]);
  };

  const apis = of(T.api).map(([address, config]) => readApi(address, config));
  const plugins = new Map<string, IndexedPlugin>();
  for (const [address, config] of of(T.plugin)) {
    const type = config.plugin_type;
    plugins.set(address, { key: address, pluginType: typeof type === 'string' && !isExpression(type) ? type : undefined, config });
  }
  const bindings: PluginBinding[] = [];
  const bind = (address: string, scope: BindingScope, config: Readonly<Record<string, unknown>>, targetAttribute: string): void => {
    const pluginKey = identityKey(config.plugin_id);
    if (pluginKey !== undefined && !plugins.has(pluginKey)) plugins.set(pluginKey, { key: pluginKey });
    const stage = config.stage_name;
    bindings.push({
      address,
      scope,
      targetKey: identityKey(config[targetAttribute]),
      pluginKey,
      stage: typeof stage === 'string' && !isExpression(stage) ? stage.toUpperCase() : undefined,
    });
  };
  for (const [address, config] of of(T.apiAttachment)) bind(address, 'api', config, 'api_id');
  for (const [address, config] of of(T.groupAttachment)) bind(address, 'group', config, 'group_id');
  return new BindingIndex(apis, plugins, bindings);
}

function readApi(address: string, config: Readonly<Record<string, unknown>>): IndexedApi {
  const raw = config.stage_names;
  const list = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : undefined;
  const known = (list ?? []).filter((s): s is string => typeof s === 'string' && !isExpression(s));
  return {
    address,
    groupKey: identityKey(config.group_id),
    stages: known.map((s) => s.toUpperCase()),
    stagesUnresolved: list === undefined || known.length !== list.length,
    config,
  };
}
