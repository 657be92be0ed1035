/**
 * Resources a change replaces (destroy, then create): a changed `ForceNew` attribute according to
 * the pinned provider schema annotations, or a `ForceNew` attribute referencing a resource that is
 * itself replaced (its id changes). For each, what is exposed or unavailable in between.
 */
import { SchemaRegistry } from '../../validation/schema-registry';
import { parseReference } from '../../core/expressions';
import type { AccessChange, Effect } from '../model';
import type { StackResource, SynthesizedStack } from '../synth-output';
import { loadGatewayBindings } from '../systems/gateway-bindings';
import { compareCodeUnits } from '../../core/order';

/** One replaced resource. */
export interface Replacement {
  /** Terraform address. */
  readonly address: string;
  /** Changed ForceNew attributes (empty when replaced because a dependency is). */
  readonly attributes: readonly { readonly path: string; readonly before: unknown; readonly after: unknown }[];
  /** Address of the replaced resource that causes this one, for cascaded replacements. */
  readonly causedBy?: string;
}

/** Values at an attribute path, descending through nested blocks (objects or lists of objects). */
function valuesAt(config: unknown, path: readonly string[]): unknown {
  if (path.length === 0) return config;
  if (Array.isArray(config)) return config.map((c) => valuesAt(c, path));
  if (!config || typeof config !== 'object') return undefined;
  return valuesAt((config as Record<string, unknown>)[path[0]], path.slice(1));
}

function referencedAddresses(value: unknown): string[] {
  if (typeof value === 'string') {
    const ref = parseReference(value);
    if (ref) return [ref.address];
    return [...value.matchAll(/\$\{((?:data\.)?[A-Za-z][A-Za-z0-9_]*\.[A-Za-z0-9_-]+)\./g)].map((m) => m[1]);
  }
  if (Array.isArray(value)) return value.flatMap(referencedAddresses);
  if (value && typeof value === 'object') return Object.values(value).flatMap(referencedAddresses);
  return [];
}

/**
 * Replacements from `base` to `head` of one stack.
 * @param registry pinned provider schemas (ForceNew facts come from their annotations)
 */
export function findReplacements(base: SynthesizedStack, head: SynthesizedStack, registry: SchemaRegistry = SchemaRegistry.default()): Replacement[] {
  const before = new Map(base.resources.map((r) => [r.address, r]));
  const forceNew = (r: StackResource): string[] => {
    const local = r.type.split('_')[0];
    const provider = head.providers[local];
    const schema = provider ? registry.get(provider.source, provider.version) : undefined;
    return schema ? schema.forceNewAttributes(r.type) : [];
  };
  const replaced = new Map<string, Replacement>();
  const candidates = head.resources.filter((r) => before.has(r.address));
  for (const r of candidates) {
    const old = before.get(r.address) as StackResource;
    const attributes = forceNew(r)
      .map((path) => ({ path, before: valuesAt(old.config, path.split('.')), after: valuesAt(r.config, path.split('.')) }))
      .filter((a) => JSON.stringify(a.before) !== JSON.stringify(a.after))
      // A nested path changes with its parent block: report the most specific paths only once.
      .filter((a, _, all) => !all.some((b) => b.path.startsWith(`${a.path}.`)));
    if (attributes.length > 0) replaced.set(r.address, { address: r.address, attributes });
  }
  // Cascade: a ForceNew attribute pointing at a replaced resource gets a new id at apply.
  let grew = true;
  while (grew) {
    grew = false;
    for (const r of candidates) {
      if (replaced.has(r.address)) continue;
      for (const path of forceNew(r)) {
        const cause = referencedAddresses(valuesAt(r.config, path.split('.'))).find((a) => replaced.has(a));
        if (cause) {
          replaced.set(r.address, { address: r.address, attributes: [], causedBy: cause });
          grew = true;
          break;
        }
      }
    }
  }
  return [...replaced.values()].sort((a, b) => compareCodeUnits(a.address, b.address));
}

const AUTH_PLUGINS = ['jwtAuth', 'accessControl'];

/**
 * Review lines for the replacements of one stack, with what happens between destroy and create:
 * what the destroyed resource did (read from `base`) is missing until its successor exists.
 */
export function replacementChanges(stack: string, replacements: readonly Replacement[], base: SynthesizedStack, head: SynthesizedStack): AccessChange[] {
  if (replacements.length === 0) return [];
  const byAddress = new Map(head.resources.map((r) => [r.address, r]));
  const before = new Map(base.resources.map((r) => [r.address, r]));
  const gateway = head.resources.some((r) => r.type.startsWith('alicloud_api_gateway_')) ? loadGatewayBindings(head.json) : undefined;
  const target = (value: unknown) => {
    const ref = parseReference(value);
    return ref ? byAddress.get(ref.address) : undefined;
  };
  const nameOf = (r: StackResource | undefined, fallback: unknown) => String(r?.config.name ?? r?.config.plugin_name ?? r?.config.role_name ?? r?.address ?? fallback);
  return replacements.map((rep): AccessChange => {
    const r = byAddress.get(rep.address) as StackResource;
    const why = rep.causedBy
      ? `replaced because ${rep.causedBy} is replaced`
      : `replaced: ${rep.attributes.map((a) => `${a.path} ${JSON.stringify(a.before)} → ${JSON.stringify(a.after)}`).join(', ')} (ForceNew)`;
    const lifecycle = r.config.lifecycle as { create_before_destroy?: boolean } | undefined;
    const gap = lifecycle?.create_before_destroy ? 'created before the old one is destroyed, so there is no gap' : undefined;
    let effect: Effect = 'neutral';
    let meanwhile: string;
    switch (r.type) {
      case 'alicloud_api_gateway_plugin_attachment':
      case 'alicloud_api_gateway_group_plugin_attachment': {
        // The binding that goes away is the old one.
        const old = (before.get(r.address) ?? r).config;
        const plugin = target(old.plugin_id);
        const pluginType = String(plugin?.config.plugin_type ?? 'unknown');
        const stage = String(old.stage_name);
        const groupLevel = r.type === 'alicloud_api_gateway_group_plugin_attachment';
        const what = groupLevel ? `every API of group ${nameOf(target(old.group_id), old.group_id)}` : `API ${nameOf(target(old.api_id), old.api_id)}`;
        const apiAddress = parseReference(old.api_id)?.address;
        const api = gateway?.apis.find((a) => a.address === apiAddress);
        const fallback = !groupLevel && api && gateway?.bindings.some((b) => b.scope === 'group' && b.targetKey === api.groupKey && b.stage === stage && gateway.plugins.get(b.pluginKey)?.pluginType === pluginType);
        if (fallback) {
          meanwhile = `between destroy and create, the group-level ${pluginType} plugin applies to ${what} on ${stage}`;
        } else {
          meanwhile = `between destroy and create, ${what} on ${stage} runs without its ${pluginType} plugin${pluginType === 'jwtAuth' ? ' (tokens are not verified)' : pluginType === 'accessControl' ? ' (no client or scope check)' : ''}`;
          if (AUTH_PLUGINS.includes(pluginType) && !gap) effect = 'widens';
        }
        break;
      }
      case 'alicloud_api_gateway_api':
        meanwhile = `API ${nameOf(r, '')} is unavailable on ${String((r.config.stage_names as string[] | undefined)?.join(', ') ?? 'its stages')} until it is re-created, published and its plugins re-bound`;
        break;
      case 'alicloud_api_gateway_plugin':
        meanwhile = `plugin ${nameOf(r, '')} (${String(r.config.plugin_type)}) is re-created and re-bound; a plugin bound to a group cannot be deleted, so the apply may fail until it is unbound`;
        break;
      case 'alicloud_api_gateway_group':
        meanwhile = `API group ${nameOf(r, '')} and every API in it are unavailable; its second-level domain changes`;
        break;
      case 'alicloud_ims_oidc_provider':
        meanwhile = `AssumeRoleWithOIDC through OIDC provider ${String(r.config.oidc_provider_name)} fails until it is re-created; its ARN may change`;
        break;
      case 'alicloud_ram_role':
        meanwhile = `role ${nameOf(r, '')} cannot be assumed until it is re-created; callers using the old role ARN must switch to the new one`;
        break;
      case 'alicloud_ram_role_policy_attachment':
        meanwhile = `the role lacks policy ${String(r.config.policy_name)} between destroy and create`;
        break;
      case 'alicloud_apig_policy': {
        const old = (before.get(r.address) ?? r).config;
        const target = `${String(old.attach_resource_type)} ${(Array.isArray(old.attach_resource_ids) ? old.attach_resource_ids : []).join(', ')}`;
        if (String(old.policy_class_name).toLowerCase() === 'jwtauth') {
          meanwhile = `between destroy and create, ${target} has no JWT authentication from this policy (requests are not authenticated unless another policy applies)`;
          if (!gap) effect = 'widens';
        } else {
          meanwhile = `${String(old.policy_class_name)} policy on ${target} is missing between destroy and create`;
        }
        break;
      }
      case 'oci_apigateway_deployment':
        meanwhile = `every route of deployment ${String(r.config.display_name ?? r.address)} is unavailable until it is re-created`;
        break;
      default:
        meanwhile = `${r.type} is unavailable between destroy and create`;
    }
    return {
      effect,
      category: 'replacement',
      stack,
      subject: `${rep.address}${r.constructPath ? ` (${r.constructPath})` : ''}`,
      summary: `${why}; ${gap ?? meanwhile}`,
      details: { address: rep.address, type: r.type, attributes: rep.attributes, causedBy: rep.causedBy, meanwhile: gap ?? meanwhile },
    };
  });
}
