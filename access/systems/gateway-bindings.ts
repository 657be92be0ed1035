/**
 * Which plugin applies to which API on which stage (API-level over group-level of the same type).
 *
 * The only place the access map reads bindings: it uses the gateway emulator's reading of the
 * synthesized stack until the project's one binding index over synthesized JSON exists, so the
 * swap is confined to this file.
 */
import { STAGE_NAMES as STAGES } from '../../core/stages';
import { type EffectivePlugin, type EmulatedApi, type GatewayModel, effectivePlugins, loadStack } from '../../emulator';

export type { EffectivePlugin, EmulatedApi, GatewayModel };
export { STAGES };

/** Loads the APIs, plugins and bindings of a parsed `cdk.tf.json`. */
export function loadGatewayBindings(stackJson: unknown): GatewayModel {
  return loadStack(stackJson);
}

/** The plugins in effect for `api` on `stage`, one per plugin type. */
export function pluginsInEffect(model: GatewayModel, api: EmulatedApi, stage: string): EffectivePlugin[] {
  return effectivePlugins(model, api, stage);
}
