/**
 * Which plugin applies to which API on which stage (API-level over group-level of the same type),
 * from the project's one binding index over synthesized JSON (`core/binding-index`), with the
 * plugin scripts as the gateway emulator reads them.
 */
import { STAGE_NAMES as STAGES } from '../../core/stages';
import { type EffectivePlugin, type EmulatedApi, type GatewayModel, effectivePlugins, loadStack } from '../../emulator';

export type { EffectivePlugin, EmulatedApi, GatewayModel };
export { STAGES };

/** Loads the APIs, plugins and bindings of a parsed `cdk.tf.json`. */
export function loadGatewayBindings(stackJson: unknown): GatewayModel {
  return loadStack(stackJson);
}

/** What applies to one API on one stage. */
export interface PluginsInEffect {
  /** One plugin per type, API-level over group-level. */
  readonly plugins: readonly EffectivePlugin[];
  /**
   * Addresses of attachments of this API or its group that might apply here but whose stage or
   * plugin is only known at apply time. Non-empty means the plugins in effect are unknown.
   */
  readonly unresolved: readonly string[];
}

/** The plugins in effect for `api` on `stage`, and the bindings that cannot be decided. */
export function pluginsInEffect(model: GatewayModel, api: EmulatedApi, stage: string): PluginsInEffect {
  const indexed = model.index.api(api.address);
  const unresolved = indexed ? model.index.pluginsInEffect(indexed, stage).unresolved.map((b) => b.address) : [];
  return { plugins: effectivePlugins(model, api, stage), unresolved };
}
