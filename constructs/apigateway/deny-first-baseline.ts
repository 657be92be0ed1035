import { Construct } from 'constructs';
import type { ApiGatewayGroupPluginAttachment } from '../../.gen/providers/alicloud/api-gateway-group-plugin-attachment';
import { invalidProp } from '../private/errors';
import { localDependency } from '../private/lean-resource';
import { AccessControlPlugin } from './access-control-plugin';
import { Api } from './api';
import type { IApi } from './api';
import type { IApiGroup } from './api-group';
import { PluginType } from './plugin';
import type { IGatewayPlugin } from './plugin';
import { boundPlugin } from './registry';
import type { Stage } from './stage';

/** Construct id of the baseline below its group: part of the Terraform addresses, never rename. */
const BASELINE_ID = 'DenyFirstBaseline';

/**
 * Defines the deny-first baseline of an API group: on every stage it covers, a group-level
 * binding (`alicloud_api_gateway_group_plugin_attachment`) of a `jwtAuth` plugin and of an
 * `accessControl` plugin that denies every request, and `depends_on` from each API published
 * there to those bindings.
 *
 * Why: `alicloud_api_gateway_api` publishes to its stages when it is created, and the gateway
 * binds plugins only to published APIs, so API-level bindings always come after the API is live.
 * A plugin bound to a group on a stage applies to every API of the group published there, and an
 * API-level plugin of the same type overrides it (both documented). With the baseline bound
 * first, an API is denied from the moment it is published until its own bindings take over, and
 * for good if an apply stops half-way.
 *
 * Terraform orders (all follow from the dependencies, nothing to do by hand):
 * - create: group and plugins → baseline bindings → API (published) → API-level bindings;
 * - destroy: API-level bindings → API → baseline bindings → plugins and group, so an API is
 *   never published without the baseline;
 * - update: a changed script is updated in place and applies at once; a replaced API-level
 *   plugin or binding (e.g. regrouped rule sets) is destroyed before it is re-created, and in
 *   that gap the baseline denies (an outage, never an open API); a stage added to an API gets its
 *   baseline bindings before the API is published there; a stage removed keeps the baseline
 *   until the API is unpublished from it.
 *
 * One per group (a child of the group construct, id `DenyFirstBaseline`), shared by everything
 * that protects APIs of the group. The gateway allows one plugin of a type per group and stage,
 * so the baseline must be the only group-level `jwtAuth` and `accessControl` binding of its
 * stages; binding another one there fails at synth. An API that is meant to be callable without
 * a token (an APIGW-AUTH1 suppression) needs its own API-level access-control plugin in such a
 * group, or a group of its own.
 *
 * @see https://www.alibabacloud.com/help/en/api-gateway/traditional-api-gateway/user-guide/overview-3
 * @example
 * const baseline = DenyFirstBaseline.of(group, jwtPlugin);
 * baseline.protect(api);   // binds the baseline on api.stages and makes the API depend on it
 */
export class DenyFirstBaseline extends Construct {
  /**
   * The group's baseline, defined on first use with `jwtPlugin` as its group-level JWT plugin.
   * Later callers share it (whatever JWT plugin they pass): the baseline denies every request
   * anyway, so which server's key verifies the token there does not matter.
   */
  public static of(group: IApiGroup, jwtPlugin: IGatewayPlugin): DenyFirstBaseline {
    const existing = group.node.tryFindChild(BASELINE_ID);
    if (existing instanceof DenyFirstBaseline) return existing;
    if (existing) throw invalidProp(group, BASELINE_ID, 'is a construct id reserved for the deny-first baseline', existing.node.path, 'Rename that child of the group.');
    return new DenyFirstBaseline(group, jwtPlugin);
  }

  /** The group whose stages the baseline covers. */
  public readonly group: IApiGroup;
  /** The group-level JWT plugin. */
  public readonly jwtPlugin: IGatewayPlugin;
  /** The group-level access-control plugin that denies every request. */
  public readonly denyAllPlugin: AccessControlPlugin;
  private readonly attachments = new Map<Stage, ApiGatewayGroupPluginAttachment[]>();
  /** APIs already made to depend on their stages' bindings (which never change once covered). */
  private readonly ordered = new Set<IApi>();

  private constructor(group: IApiGroup, jwtPlugin: IGatewayPlugin) {
    super(group, BASELINE_ID);
    if (!jwtPlugin || jwtPlugin.pluginType !== PluginType.JWT_AUTH) {
      throw invalidProp(this, 'jwtPlugin', 'must be a jwtAuth plugin', jwtPlugin?.pluginType, 'Pass the JwtAuthPlugin that protects the group\'s APIs.');
    }
    this.group = group;
    this.jwtPlugin = jwtPlugin;
    this.denyAllPlugin = AccessControlPlugin.denyAll(this, 'DenyAll', { instanceType: group.instanceType, description: 'Deny-first baseline: denies every request until API-level plugins are bound' });
  }

  /** Stages the baseline is bound on so far, in the order they were covered. */
  public get stages(): readonly Stage[] {
    return [...this.attachments.keys()];
  }

  /**
   * Binds the baseline on `stage` (once) and returns its group-level attachments.
   * @throws Error when another group-level jwtAuth or accessControl plugin is bound there
   */
  public cover(stage: Stage): readonly ApiGatewayGroupPluginAttachment[] {
    const done = this.attachments.get(stage);
    if (done) return done;
    for (const [plugin, type] of [[this.jwtPlugin, PluginType.JWT_AUTH], [this.denyAllPlugin, PluginType.ACCESS_CONTROL]] as const) {
      const other = boundPlugin(this.group, stage, type);
      if (other && other !== plugin) {
        throw invalidProp(this, 'group', `already has the group-level ${type} plugin ${other.node.path} bound on ${stage}, but the deny-first baseline must be the only group-level ${type} plugin there (the gateway binds one plugin of a type per group and stage)`,
          this.group.node.path, `Bind ${other.node.path} to the APIs instead (plugin.bindToApi), where it overrides the baseline.`);
      }
    }
    const attachments = [...this.jwtPlugin.bindToGroup(this.group, [stage]), ...this.denyAllPlugin.bindToGroup(this.group, [stage])];
    this.attachments.set(stage, attachments);
    return attachments;
  }

  /**
   * Covers every stage `api` is published to and makes the API depend on those bindings, so it
   * is first published under the baseline. An imported API (not defined in this app) is already
   * published: its stages are covered, but there is nothing to order.
   */
  public protect(api: IApi): void {
    if (api.group !== this.group) {
      throw invalidProp(this, 'api', `belongs to group ${api.group.node.path}, not to ${this.group.node.path}`, api.node.path, 'Use the baseline of the API\'s own group: DenyFirstBaseline.of(api.group, ...).');
    }
    const attachments = api.stages.flatMap((stage) => this.cover(stage));
    if (!(api instanceof Api) || this.ordered.has(api)) return;
    this.ordered.add(api);
    if (attachments.length > 0) api.resource.dependsOn = [...(api.resource.dependsOn ?? []), ...attachments.map((a) => localDependency(api, a))];
  }
}
