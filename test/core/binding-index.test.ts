import { describe, expect, test } from 'vitest';
import { buildBindingIndex } from '../../core/binding-index';
import type { TerraformResources } from '../../core/binding-index';

// Hand-written synthesized JSON in the shape cdktf writes (`${type.name.attr}` references).
const ref = (type: string, name: string, attr = 'id') => `\${${type}.${name}.${attr}}`;
const GROUP = (name: string) => ref('alicloud_api_gateway_group', name);
const API = (name: string) => ref('alicloud_api_gateway_api', name, 'api_id');
const PLUGIN = (name: string) => ref('alicloud_api_gateway_plugin', name);

function stack(extra: Partial<Record<string, Record<string, Record<string, unknown>>>> = {}): TerraformResources {
  return {
    alicloud_api_gateway_group: { G: { name: 'g' }, Other: { name: 'other' } },
    alicloud_api_gateway_api: {
      Hello: { name: 'hello', group_id: GROUP('G'), stage_names: ['TEST', 'RELEASE'], auth_type: 'ANONYMOUS' },
      Users: { name: 'users', group_id: GROUP('G'), stage_names: ['RELEASE'], auth_type: 'ANONYMOUS' },
      Elsewhere: { name: 'elsewhere', group_id: GROUP('Other'), stage_names: ['RELEASE'], auth_type: 'ANONYMOUS' },
    },
    alicloud_api_gateway_plugin: {
      DenyAllJwt: { plugin_type: 'jwtAuth', plugin_name: 'baseline-jwt' },
      DenyAllAcl: { plugin_type: 'accessControl', plugin_name: 'baseline-acl' },
      Jwt: { plugin_type: 'jwtAuth', plugin_name: 'jwt' },
      Acl: { plugin_type: 'accessControl', plugin_name: 'acl' },
      Throttle: { plugin_type: 'trafficControl', plugin_name: 'throttle' },
    },
    alicloud_api_gateway_group_plugin_attachment: {
      BaselineJwtRelease: { group_id: GROUP('G'), plugin_id: PLUGIN('DenyAllJwt'), stage_name: 'RELEASE' },
      BaselineAclRelease: { group_id: GROUP('G'), plugin_id: PLUGIN('DenyAllAcl'), stage_name: 'RELEASE' },
    },
    alicloud_api_gateway_plugin_attachment: {
      HelloJwtRelease: { api_id: API('Hello'), group_id: GROUP('G'), plugin_id: PLUGIN('Jwt'), stage_name: 'RELEASE' },
      HelloThrottleTest: { api_id: API('Hello'), group_id: GROUP('G'), plugin_id: PLUGIN('Throttle'), stage_name: 'TEST' },
    },
    ...extra,
  } as TerraformResources;
}

/** `type ← plugin name (scope)` for what is in effect, sorted. */
function effective(resources: TerraformResources, api: string, stage: string): string[] {
  const index = buildBindingIndex(resources);
  const indexed = index.api(`alicloud_api_gateway_api.${api}`)!;
  return index.pluginsInEffect(indexed, stage).plugins
    .map((e) => `${e.plugin.pluginType} <- ${e.plugin.config?.plugin_name} (${e.binding.scope})`).sort();
}

describe('buildBindingIndex', () => {
  test('a group-level plugin in a stage applies to every API of the group published there', () => {
    expect(effective(stack(), 'Users', 'RELEASE')).toEqual(['accessControl <- baseline-acl (group)', 'jwtAuth <- baseline-jwt (group)']);
  });

  test('an API-level plugin overrides the group-level plugin of the same type, not of other types', () => {
    expect(effective(stack(), 'Hello', 'RELEASE')).toEqual(['accessControl <- baseline-acl (group)', 'jwtAuth <- jwt (api)']);
  });

  test('the API-level plugin wins whatever order the attachments come in', () => {
    // GIVEN the group attachment sorts after the API attachment by address
    const resources = stack({
      alicloud_api_gateway_group_plugin_attachment: { ZzzJwt: { group_id: GROUP('G'), plugin_id: PLUGIN('DenyAllJwt'), stage_name: 'RELEASE' } },
      alicloud_api_gateway_plugin_attachment: { AaaJwt: { api_id: API('Hello'), plugin_id: PLUGIN('Jwt'), stage_name: 'RELEASE' } },
    });
    // THEN
    expect(effective(resources, 'Hello', 'RELEASE')).toEqual(['jwtAuth <- jwt (api)']);
  });

  test('bindings are per stage', () => {
    expect(effective(stack(), 'Hello', 'TEST')).toEqual(['trafficControl <- throttle (api)']);
    expect(effective(stack(), 'Hello', 'PRE')).toEqual([]);
  });

  test('a group-level plugin does not apply to APIs of another group', () => {
    expect(effective(stack(), 'Elsewhere', 'RELEASE')).toEqual([]);
  });

  test('matches group-level attachments to an imported group by its literal id', () => {
    // GIVEN
    const resources = stack({
      alicloud_api_gateway_api: { Imported: { group_id: 'abc123', stage_names: ['RELEASE'] } },
      alicloud_api_gateway_group_plugin_attachment: { Jwt: { group_id: 'abc123', plugin_id: PLUGIN('Jwt'), stage_name: 'RELEASE' } },
      alicloud_api_gateway_plugin_attachment: {},
    });
    // THEN
    expect(effective(resources, 'Imported', 'RELEASE')).toEqual(['jwtAuth <- jwt (group)']);
  });

  test('reports a binding whose stage is unknown until apply as unresolved on every stage, never as absent', () => {
    // GIVEN
    const resources = stack({
      alicloud_api_gateway_plugin_attachment: { Jwt: { api_id: API('Users'), plugin_id: PLUGIN('Jwt'), stage_name: '${var.stage}' } },
    });
    const index = buildBindingIndex(resources);
    // WHEN
    const inEffect = index.pluginsInEffect(index.api('alicloud_api_gateway_api.Users')!, 'TEST');
    // THEN
    expect(inEffect.plugins).toEqual([]);
    expect(inEffect.unresolved.map((b) => b.address)).toEqual(['alicloud_api_gateway_plugin_attachment.Jwt']);
  });

  test('reports a plugin that is not in the stack (imported by id) as unresolved, in a slot of its own', () => {
    // GIVEN
    const resources = stack({
      alicloud_api_gateway_plugin_attachment: { Imported: { api_id: API('Users'), plugin_id: 'p-123', stage_name: 'RELEASE' } },
    });
    const index = buildBindingIndex(resources);
    // WHEN
    const inEffect = index.pluginsInEffect(index.api('alicloud_api_gateway_api.Users')!, 'RELEASE');
    // THEN
    expect(inEffect.plugins.map((e) => e.plugin.key).sort()).toEqual([
      'alicloud_api_gateway_plugin.DenyAllAcl', 'alicloud_api_gateway_plugin.DenyAllJwt', 'literal:p-123',
    ]);
    expect(inEffect.unresolved.map((b) => b.address)).toEqual(['alicloud_api_gateway_plugin_attachment.Imported']);
  });

  test('reads published stages and flags stage names unknown until apply', () => {
    // GIVEN
    const resources = stack({ alicloud_api_gateway_api: { A: { stage_names: ['release', '${var.stage}'] } } });
    // WHEN
    const api = buildBindingIndex(resources).api('alicloud_api_gateway_api.A')!;
    // THEN
    expect(api.stages).toEqual(['RELEASE']);
    expect(api.stagesUnresolved).toBe(true);
  });
});
