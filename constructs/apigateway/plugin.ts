import { Construct } from 'constructs';
import type { IConstruct } from 'constructs';
import { ApiGatewayGroupPluginAttachment } from '../../.gen/providers/alicloud/api-gateway-group-plugin-attachment';
import { ApiGatewayPlugin } from '../../.gen/providers/alicloud/api-gateway-plugin';
import { ApiGatewayPluginAttachment } from '../../.gen/providers/alicloud/api-gateway-plugin-attachment';
import { invalidProp } from '../private/errors';
import { exposeReference, lean, localValue } from '../private/lean-resource';
import type { IApi } from './api';
import type { IApiGroup } from './api-group';
import { physicalName, validateDescription, validatePhysicalName } from './internal';
import { escapeTemplate } from '../../core/plugin-data';
import { INSTANCE_TYPE_TAG, LIMITS, renderYaml, scriptBytes } from './plugin-script';
import { boundPlugin, recordBinding } from './registry';
import { validateStages } from './stage';
import type { Stage } from './stage';
import { builtId } from '../private/construct-id';

const LeanApiGatewayPlugin = /* @__PURE__ */ lean(ApiGatewayPlugin);
const LeanApiGatewayPluginAttachment = /* @__PURE__ */ lean(ApiGatewayPluginAttachment);
const LeanApiGatewayGroupPluginAttachment = /* @__PURE__ */ lean(ApiGatewayGroupPluginAttachment);

/** Plugin types of API Gateway (classic), as `alicloud_api_gateway_plugin.plugin_type` accepts them. */
export enum PluginType {
  /** Throttling. */
  TRAFFIC_CONTROL = 'trafficControl',
  /** IP address-based access control. */
  IP_CONTROL = 'ipControl',
  /** Backend signature. */
  BACKEND_SIGNATURE = 'backendSignature',
  /** JWT authentication. */
  JWT_AUTH = 'jwtAuth',
  /** Basic authentication. */
  BASIC_AUTH = 'basicAuth',
  /** CORS. */
  CORS = 'cors',
  /** Caching. */
  CACHING = 'caching',
  /** Backend routing. */
  ROUTING = 'routing',
  /** Parametric access control. */
  ACCESS_CONTROL = 'accessControl',
  /** Error code mapping. */
  ERROR_MAPPING = 'errorMapping',
  /** Circuit breaker. */
  CIRCUIT_BREAKER = 'circuitBreaker',
  /** Third-party authentication. */
  REMOTE_AUTH = 'remoteAuth',
  /** Log masking. */
  LOG_MASK = 'logMask',
  /** Transformer. */
  TRANSFORMER = 'transformer',
}

/**
 * Kind of API Gateway instance the APIs run on. Plugin limits depend on it: 16 parameters and
 * 16 rules take effect on shared instances, 160 on dedicated instances.
 */
export enum InstanceType {
  /** A shared instance (the default for new groups). */
  SHARED = 'SHARED',
  /** A dedicated instance. */
  DEDICATED = 'DEDICATED',
}

/**
 * Documented limits of plugin scripts, checked when a plugin is defined (and by `APIGW-LIM1`
 * on the final configuration).
 *
 * @see https://www.alibabacloud.com/help/en/api-gateway/traditional-api-gateway/user-guide/overview-3
 * @see https://www.alibabacloud.com/help/en/api-gateway/traditional-api-gateway/user-guide/use-parameters-and-conditional-expressions
 */
export class PluginLimits {
  /** Largest plugin definition in bytes (50 KB). */
  public static readonly MAX_SCRIPT_BYTES = LIMITS.scriptBytes;
  /** Longest conditional expression in characters. */
  public static readonly MAX_EXPRESSION_CHARS = LIMITS.expressionChars;
  /** Parameters or rules that take effect on an instance of `instanceType`. */
  public static maxEntries(instanceType: InstanceType): number {
    return instanceType === InstanceType.DEDICATED ? LIMITS.dedicatedEntries : LIMITS.sharedEntries;
  }
  private constructor() {}
}

/** Options shared by every plugin construct. */
export interface GatewayPluginOptions {
  /**
   * Name of the plugin: 4 to 50 letters, digits, underscores or CJK characters.
   * @default - derived from the construct path
   */
  readonly pluginName?: string;
  /**
   * Description (at most 200 characters).
   * @default - no description
   */
  readonly description?: string;
  /**
   * Kind of instance the APIs the plugin is bound to run on; the script is validated against
   * its limits, and binding to a group on a shared instance fails for a plugin sized for a
   * dedicated one.
   * @default InstanceType.SHARED
   */
  readonly instanceType?: InstanceType;
}

/** A plugin, defined here or imported, that can be bound to APIs and groups per stage. */
export interface IGatewayPlugin extends IConstruct {
  /** The plugin id (`alicloud_api_gateway_plugin.id`). */
  readonly pluginId: string;
  /** Its type. */
  readonly pluginType: PluginType;
  /** The instance type its script was validated for. */
  readonly instanceType: InstanceType;
  /**
   * Binds the plugin to an API on stages (`alicloud_api_gateway_plugin_attachment`).
   * @param stages the stages to bind on; default every stage the API is published to
   */
  bindToApi(api: IApi, stages?: Stage[]): ApiGatewayPluginAttachment[];
  /** Binds the plugin to every API of a group on stages (`alicloud_api_gateway_group_plugin_attachment`). */
  bindToGroup(group: IApiGroup, stages: Stage[]): ApiGatewayGroupPluginAttachment[];
}

/** Attributes of an existing plugin, for {@link GatewayPlugin.fromPluginAttributes}. */
export interface GatewayPluginAttributes {
  /** The plugin id. */
  readonly pluginId: string;
  /** Its type. */
  readonly pluginType: PluginType;
  /**
   * The instance type its script is sized for.
   * @default InstanceType.SHARED
   */
  readonly instanceType?: InstanceType;
}

/** A plugin's script before rendering, as a {@link GatewayPlugin} subclass returns it. */
export interface PluginScript {
  /** The script's value, rendered as deterministic YAML. */
  readonly script: Record<string, unknown>;
  /**
   * Keys whose string values are rendered in double quotes (conditions).
   * @default - none
   */
  readonly doubleQuoted?: readonly string[];
}

/**
 * Base of the plugin constructs: one `alicloud_api_gateway_plugin` whose script is rendered as
 * deterministic YAML, plus per-stage bindings to APIs or groups.
 *
 * The gateway binds at most one plugin of each type to an API, and only to a published API:
 * both are checked when binding.
 *
 * @see https://www.alibabacloud.com/help/en/api-gateway/traditional-api-gateway/user-guide/overview-3
 */
export abstract class GatewayPlugin extends Construct implements IGatewayPlugin {
  /** Imports an existing plugin so that it can be bound. */
  public static fromPluginAttributes(scope: Construct, id: string, attrs: GatewayPluginAttributes): IGatewayPlugin {
    class Imported extends Construct implements IGatewayPlugin {
      public readonly pluginId = attrs.pluginId;
      public readonly pluginType = attrs.pluginType;
      public readonly instanceType = attrs.instanceType ?? InstanceType.SHARED;
      public bindToApi(api: IApi, stages?: Stage[]): ApiGatewayPluginAttachment[] {
        return bindToApi(this, api, stages);
      }
      public bindToGroup(group: IApiGroup, stages: Stage[]): ApiGatewayGroupPluginAttachment[] {
        return bindToGroup(this, group, stages);
      }
    }
    return new Imported(scope, id);
  }

  /** The plugin type. */
  public readonly pluginType: PluginType;
  /** The instance type the script was validated for. */
  public readonly instanceType: InstanceType;
  /** The plugin name. */
  public readonly pluginName: string;
  /** The underlying `alicloud_api_gateway_plugin` (escape hatch). */
  public readonly resource: ApiGatewayPlugin;
  /**
   * The plugin id. One token for every binding: each `resource.id` read creates a new token, and
   * cdktf records a full stack trace per token (the dominant construction cost with hundreds of
   * bindings).
   */
  public readonly pluginId: string;
  /** The plugin script exactly as the gateway receives it (YAML). */
  public readonly pluginData: string;

  /**
   * Validates the common options, renders the script, checks its size limit and defines the L1
   * resource, so that every field is set once the constructor returns.
   * @param render validates the subclass's props and returns its script; it receives this plugin
   *   (common options already validated) as the scope for errors and opt-outs
   */
  protected constructor(scope: Construct, id: string, pluginType: PluginType, options: GatewayPluginOptions, render: (plugin: GatewayPlugin) => PluginScript) {
    super(scope, id);
    validatePhysicalName(this, 'pluginName', options.pluginName);
    validateDescription(this, 'description', options.description);
    if (options.instanceType !== undefined && !Object.values(InstanceType).includes(options.instanceType)) {
      throw invalidProp(this, 'instanceType', 'is not an instance type', options.instanceType, 'Use InstanceType.SHARED or InstanceType.DEDICATED.');
    }
    this.pluginType = pluginType;
    this.instanceType = options.instanceType ?? InstanceType.SHARED;
    this.pluginName = options.pluginName ?? physicalName(this);

    const { script, doubleQuoted = [] } = render(this);
    const text = renderYaml(script, doubleQuoted);
    const bytes = scriptBytes(text);
    if (bytes > LIMITS.scriptBytes) {
      throw invalidProp(this, 'pluginData', `exceeds the ${LIMITS.scriptBytes}-byte (50 KB) limit of a plugin definition on ${this.instanceType} instances`,
        `${bytes} bytes`, 'Shorten the script (responses, keys, rules) or split it.');
    }
    this.pluginData = text;
    this.resource = new LeanApiGatewayPlugin(this, 'Resource', {
      pluginName: this.pluginName,
      pluginType: this.pluginType,
      pluginData: escapeTemplate(text),
      description: options.description,
      tags: this.instanceType === InstanceType.DEDICATED ? { [INSTANCE_TYPE_TAG]: InstanceType.DEDICATED } : undefined,
    });
    this.pluginId = exposeReference(this.resource, 'id');
  }

  /** @inheritdoc */
  public bindToApi(api: IApi, stages?: Stage[]): ApiGatewayPluginAttachment[] {
    const attachments = bindToApi(this, api, stages);
    this.onBindApi(api);
    return attachments;
  }

  /** @inheritdoc */
  public bindToGroup(group: IApiGroup, stages: Stage[]): ApiGatewayGroupPluginAttachment[] {
    const attachments = bindToGroup(this, group, stages);
    this.onBindGroup(group);
    return attachments;
  }

  /** Called after the plugin is bound to an API (e.g. to declare the token parameter). */
  protected onBindApi(_api: IApi): void {}

  /** Called after the plugin is bound to a group. */
  protected onBindGroup(_group: IApiGroup): void {}
}

function checkInstance(plugin: IGatewayPlugin, target: IApiGroup, prop: string): void {
  if (plugin.instanceType === InstanceType.DEDICATED && target.instanceType === InstanceType.SHARED) {
    throw invalidProp(plugin, prop, `is a group on a SHARED instance, but the plugin is sized for DEDICATED instances (${LIMITS.dedicatedEntries} parameters/rules; ${LIMITS.sharedEntries} take effect on shared instances)`,
      target.node.path, 'Bind a plugin sized for InstanceType.SHARED, or move the group to a dedicated instance.');
  }
}

function bindToApi(plugin: IGatewayPlugin, api: IApi, stages?: Stage[]): ApiGatewayPluginAttachment[] {
  checkInstance(plugin, api.group, 'api.group');
  const targets = stages === undefined ? [...api.stages] : validateStages(plugin, 'stages', stages);
  if (targets.length === 0) {
    throw invalidProp(plugin, 'stages', `is empty: ${api.node.path} is not published to any stage`, targets,
      'Publish the API (ApiProps.stages) before binding plugins; the gateway binds plugins to published APIs only.');
  }
  return targets.map((stage) => {
    if (!api.stages.includes(stage)) {
      throw invalidProp(plugin, 'stages', `includes ${stage}, but ${api.node.path} is not published there`, stage,
        `Publish the API to ${stage} first (ApiProps.stages); the gateway binds plugins to published APIs only.`);
    }
    const other = recordBinding(api, stage, plugin.pluginType, plugin);
    if (other) {
      throw invalidProp(plugin, 'api', `already has the ${plugin.pluginType} plugin ${other.node.path} bound on ${stage}`, api.node.path,
        'The gateway binds at most one plugin of each type to an API; merge the plugins.');
    }
    const id = builtId(`${api.node.id}-${stage}`);
    const existing = plugin.node.tryFindChild(id);
    if (existing instanceof ApiGatewayPluginAttachment) return existing;
    if (existing) {
      throw invalidProp(plugin, 'api', `has the same construct id as another API bound to this plugin ("${api.node.id}")`, api.node.path, 'Give the APIs distinct construct ids.');
    }
    return new LeanApiGatewayPluginAttachment(plugin, id, {
      apiId: localValue(plugin, api.apiId),
      groupId: localValue(plugin, api.group.groupId),
      pluginId: localValue(plugin, plugin.pluginId),
      stageName: stage,
    });
  });
}

function bindToGroup(plugin: IGatewayPlugin, group: IApiGroup, stages: Stage[]): ApiGatewayGroupPluginAttachment[] {
  checkInstance(plugin, group, 'group');
  const targets = validateStages(plugin, 'stages', stages, false);
  return targets.map((stage) => {
    const boundBefore = boundPlugin(group, stage, plugin.pluginType) === plugin;
    const other = recordBinding(group, stage, plugin.pluginType, plugin);
    if (other) {
      throw invalidProp(plugin, 'group', `already has the ${plugin.pluginType} plugin ${other.node.path} bound on ${stage}`, group.node.path,
        'Bind at most one plugin of each type to a group per stage; merge the plugins.');
    }
    const id = builtId(`Group-${group.node.id}-${stage}`);
    const existing = plugin.node.tryFindChild(id);
    if (existing && !boundBefore) {
      // Another group with the same construct id: returning its attachment would leave this group unbound.
      throw invalidProp(plugin, 'group', `has the same construct id as another group bound to this plugin ("${group.node.id}")`, group.node.path, 'Give the groups distinct construct ids.');
    }
    if (existing instanceof ApiGatewayGroupPluginAttachment) return existing;
    return new LeanApiGatewayGroupPluginAttachment(plugin, id, {
      groupId: localValue(plugin, group.groupId),
      pluginId: localValue(plugin, plugin.pluginId),
      stageName: stage,
    });
  });
}
