import { Construct } from 'constructs';
import { describe, expect, test } from 'vitest';
import { AccessControlPlugin, Api, ApiGroup, DenyFirstBaseline, InstanceType, M2mProtectedApis, ScopeMatch, Stage, TokenLocation } from '../../../constructs';
import { validateTerraformStack } from '../../../validation';
import { checkStack, synthJson } from '../../util';
import { parseScript, resourcesByName, seedFixture } from './helpers';

/** The seed fixture plus two more APIs and a second client. */
function threeApis() {
  const fixture = seedFixture();
  const { stack, server, group, backend } = fixture;
  const writer = server.addClient('Writer', { clientId: 'app_writer', grantedScopes: ['user:read:one', 'user:write:one'] });
  const profile = new Api(stack, 'Profile', { group, backend, path: '/profile', stages: [Stage.RELEASE] });
  const update = new Api(stack, 'Update', { group, backend, path: '/update', stages: [Stage.PRE, Stage.RELEASE] });
  return { ...fixture, writer, profile, update };
}

describe('M2mProtectedApis', () => {
  test('defines one JWT plugin, one access-control plugin per distinct rule set and binds them on every published stage', () => {
    // GIVEN
    const { stack, server, client, writer, api, profile, update } = threeApis();
    // WHEN
    const protection = new M2mProtectedApis(stack, 'Protection', {
      server,
      apis: [
        { api, requiredScopes: ['user:read:one'], allowedClients: [client, writer] },
        { api: profile, requiredScopes: ['user:read:one'], allowedClients: [writer, client] },
        { api: update, requiredScopes: ['user:write:one'], allowedClients: [writer] },
      ],
    });
    // THEN
    const synth = synthJson(stack);
    const plugins = resourcesByName(synth, 'alicloud_api_gateway_plugin');
    // two rule sets + the group's deny-all baseline, one JWT plugin
    expect(Object.values(plugins).map((p) => p.plugin_type).sort()).toEqual(['accessControl', 'accessControl', 'accessControl', 'jwtAuth']);
    expect(protection.accessControlPlugins.map((p) => p.node.id)).toEqual(['AccessControlHello', 'AccessControlUpdate']);
    expect(protection.accessControlPluginFor(profile)).toBe(protection.accessControlPluginFor(api));
    const bound = Object.values(resourcesByName(synth, 'alicloud_api_gateway_plugin_attachment')).map((a) => {
      const plugin = plugins[/plugin\.([^.]+)\.id/.exec(a.plugin_id)![1]];
      const apiName = /api\.([^.]+)\.api_id/.exec(a.api_id)![1].split('_')[0];
      return `${apiName}:${a.stage_name}:${plugin.plugin_type}`;
    });
    expect(bound.sort()).toEqual([
      'Hello:RELEASE:accessControl', 'Hello:RELEASE:jwtAuth', 'Hello:TEST:accessControl', 'Hello:TEST:jwtAuth',
      'Profile:RELEASE:accessControl', 'Profile:RELEASE:jwtAuth',
      'Update:PRE:accessControl', 'Update:PRE:jwtAuth', 'Update:RELEASE:accessControl', 'Update:RELEASE:jwtAuth',
    ]);
  });

  test('lists allowed clients in code-unit order, the same on every machine whatever its locale', () => {
    // GIVEN client ids that a locale-aware comparison orders differently (case, "_" against digits)
    const { stack, server, api } = seedFixture();
    const ids = ['app_1', 'App_Z', 'app1x'];
    const clients = ids.map((clientId, i) => server.addClient(`Client${i}`, { clientId, grantedScopes: ['user:read:one'] }));
    // WHEN
    new M2mProtectedApis(stack, 'Protection', { server, apis: [{ api, requiredScopes: ['user:read:one'], allowedClients: clients }] });
    // THEN the rendered condition names them in UTF-16 code-unit order (hand-written: "A" < "a", "1" < "_")
    const acl = Object.values(resourcesByName(synthJson(stack), 'alicloud_api_gateway_plugin')).find((p) => p.plugin_type === 'accessControl' && String(p.plugin_data).includes('app1x'));
    const data = String(acl?.plugin_data);
    const positions = ['App_Z', 'app1x', 'app_1'].map((id) => data.indexOf(`"${id}"`) >= 0 ? data.indexOf(`"${id}"`) : data.indexOf(`'${id}'`));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  test('binds the deny-first baseline at group level on every stage an API is published to, and every API depends on it', () => {
    // GIVEN
    const { stack, server, client, writer, api, profile, update } = threeApis();
    // WHEN
    new M2mProtectedApis(stack, 'Protection', {
      server,
      apis: [
        { api, requiredScopes: ['user:read:one'], allowedClients: [client] },
        { api: profile, requiredScopes: ['user:read:one'], allowedClients: [writer] },
        { api: update, requiredScopes: ['user:write:one'], allowedClients: [writer] },
      ],
    });
    // THEN
    const synth = synthJson(stack);
    const plugins = resourcesByName(synth, 'alicloud_api_gateway_plugin');
    const groupBindings = resourcesByName(synth, 'alicloud_api_gateway_group_plugin_attachment');
    const baseline = Object.entries(groupBindings).map(([name, b]) => {
      const plugin = plugins[/plugin\.([^.]+)\.id/.exec(b.plugin_id)![1]];
      const rules = parseScript(plugin).rules;
      return { name, stage: b.stage_name, type: plugin.plugin_type, denyAll: plugin.plugin_type === 'accessControl' ? rules.length === 1 && rules[0].ifTrue === 'DENY' && rules[0].ifFalse === 'DENY' : undefined };
    });
    expect(baseline.map((b) => `${b.stage}:${b.type}`).sort()).toEqual([
      'PRE:accessControl', 'PRE:jwtAuth', 'RELEASE:accessControl', 'RELEASE:jwtAuth', 'TEST:accessControl', 'TEST:jwtAuth',
    ]);
    expect(baseline.filter((b) => b.type === 'accessControl').every((b) => b.denyAll)).toBe(true);
    const apis = resourcesByName(synth, 'alicloud_api_gateway_api');
    for (const config of Object.values(apis)) {
      const expected = baseline.filter((b) => config.stage_names.includes(b.stage)).map((b) => `alicloud_api_gateway_group_plugin_attachment.${b.name}`).sort();
      expect([...config.depends_on].sort()).toEqual(expected);
    }
  });

  test('shares one baseline per group between several protections', () => {
    // GIVEN
    const { stack, server, client, writer, api, update } = threeApis();
    // WHEN
    new M2mProtectedApis(stack, 'Reading', { server, apis: [{ api, requiredScopes: ['user:read:one'], allowedClients: [client] }] });
    new M2mProtectedApis(stack, 'Writing', { server, apis: [{ api: update, requiredScopes: ['user:write:one'], allowedClients: [writer] }] });
    // THEN
    const groupBindings = Object.values(resourcesByName(synthJson(stack), 'alicloud_api_gateway_group_plugin_attachment'));
    expect(groupBindings.map((b) => b.stage_name).sort()).toEqual(['PRE', 'PRE', 'RELEASE', 'RELEASE', 'TEST', 'TEST']);
  });

  test('protecting an API again adds no second dependency on the baseline', () => {
    // GIVEN
    const { stack, server, client, api, group } = seedFixture();
    const protection = new M2mProtectedApis(stack, 'Protection', { server, apis: [{ api, requiredScopes: ['user:read:one'], allowedClients: [client] }] });
    const before = [...(api.resource.dependsOn ?? [])];
    // WHEN
    DenyFirstBaseline.of(group, protection.jwtPlugin).protect(api);
    // THEN
    expect(before).toHaveLength(4); // TEST and RELEASE, a JWT and a deny-all binding each
    expect(api.resource.dependsOn).toEqual(before);
  });

  test('keeps its bookkeeping out of the construct tree: an API has only its resource as a child, a group its resource and baseline', () => {
    // GIVEN
    const { stack, server, client, api, group } = seedFixture();
    // WHEN
    new M2mProtectedApis(stack, 'Protection', { server, apis: [{ api, requiredScopes: ['user:read:one'], allowedClients: [client] }] });
    // THEN: every API of a large app would otherwise carry one more construct through the synth
    expect(api.node.children.map((c) => c.node.id)).toEqual(['Resource']);
    expect(group.node.children.map((c) => c.node.id).sort()).toEqual(['DenyFirstBaseline', 'Resource']);
  });

  test('fails when two groups protected by one JWT plugin share a construct id (their baselines would collide)', () => {
    // GIVEN
    const { stack, server, client, api, backend } = seedFixture();
    const other = new ApiGroup(new Construct(stack, 'Team'), 'Group');
    const teamApi = new Api(stack, 'TeamApi', { group: other, backend, path: '/team', stages: [Stage.TEST] });
    // WHEN / THEN
    expect(() => new M2mProtectedApis(stack, 'Protection', {
      server, apis: [{ api, requiredScopes: ['user:read:one'], allowedClients: [client] }, { api: teamApi, requiredScopes: ['user:read:one'], allowedClients: [client] }],
    })).toThrow(/'group' has the same construct id as another group bound to this plugin \("Group"\), got "test\/Team\/Group"/);
  });

  test('fails when another group-level access-control plugin is bound where the baseline must be', () => {
    // GIVEN
    const { stack, server, client, api, group } = seedFixture();
    AccessControlPlugin.denyAll(stack, 'Mine').bindToGroup(group, [Stage.RELEASE]);
    // WHEN / THEN
    expect(() => new M2mProtectedApis(stack, 'Protection', { server, apis: [{ api, requiredScopes: ['user:read:one'], allowedClients: [client] }] }))
      .toThrow(/'group' already has the group-level accessControl plugin test\/Mine bound on RELEASE, but the deny-first baseline must be the only group-level accessControl plugin there/);
  });

  test('passes every security rule (production included) and the offline schema validation', () => {
    // GIVEN
    const fixture = seedFixture({ production: true });
    // WHEN
    new M2mProtectedApis(fixture.stack, 'Protection', {
      server: fixture.server,
      apis: [{ api: fixture.api, requiredScopes: ['user:read:one'], allowedClients: [fixture.client] }],
      throttling: { apiLimit: 600 },
    });
    // THEN
    expect(checkStack(fixture.stack)).toEqual({ errors: [], warnings: [], infos: [] });
    expect(validateTerraformStack(fixture.stack)).toEqual([]);
  });

  test('binds the optional throttling plugin to every API', () => {
    const { stack, server, client, api } = seedFixture();
    const protection = new M2mProtectedApis(stack, 'Protection', {
      server, apis: [{ api, requiredScopes: ['user:read:one'], allowedClients: [client] }], throttling: { apiLimit: 100 },
    });
    expect(protection.trafficControlPlugin?.node.children.map((c) => c.node.id).sort()).toEqual(['Hello-RELEASE', 'Hello-TEST', 'Resource']);
  });

  test('passes token location, ANY_OF and audience options through', () => {
    const { stack, server, client, api } = seedFixture();
    new M2mProtectedApis(stack, 'Protection', {
      server,
      tokenLocation: TokenLocation.query('id_token'),
      skipAudienceCheck: { reason: 'Tokens of this test server carry no aud claim' },
      apis: [{ api, requiredScopes: ['user:read:one', 'user:write:one'], allowedClients: [client], scopeMatch: ScopeMatch.ANY_OF }],
    });
    const synth = synthJson(stack);
    const scripts = Object.values(resourcesByName(synth, 'alicloud_api_gateway_plugin')).map(parseScript);
    expect(scripts.find((s) => s.jwk)?.parameter).toBe('id_token');
    expect(scripts.find((s) => s.rules && s.rules.length > 1)?.rules.map((r: any) => r.name)).toEqual(['checkIssuer', 'checkClient', 'checkScope', 'allowM2m', 'denyOtherwise']);
    expect(api.requestParameters.map((p) => p.name)).toEqual(['id_token']);
  });

  test('turns jti replay protection off only through allowJtiReplay, reported with its reason', () => {
    // GIVEN
    const { stack, server, client, api } = seedFixture();
    const apis = [{ api, requiredScopes: ['user:read:one'], allowedClients: [client] }];
    // WHEN
    const protection = new M2mProtectedApis(stack, 'Protection', { server, apis, allowJtiReplay: { reason: 'Clients cache tokens until #77 ships' } });
    // THEN
    expect(parseScript({ plugin_data: protection.jwtPlugin.pluginData }).preventJtiReplay).toBe(false);
    const found = checkStack(stack);
    expect(found.errors).toEqual([]);
    expect(found.infos.filter((m) => m.startsWith('APIGW-JWT4'))).toEqual(['APIGW-JWT4: suppressed: allowJtiReplay: Clients cache tokens until #77 ships']);
    const other = seedFixture();
    expect(() => new M2mProtectedApis(other.stack, 'Protection', { server: other.server, apis: [{ api: other.api, requiredScopes: ['user:read:one'], allowedClients: [other.client] }], preventJtiReplay: false }))
      .toThrow(/\[.*Protection\/Jwt\] 'preventJtiReplay' must not turn replay protection off: that is the reasoned opt-out allowJtiReplay/);
  });

  test('sizes the plugins for dedicated instances when every group runs on one', () => {
    const { stack, server, client, backend } = seedFixture();
    const group = new ApiGroup(stack, 'DedicatedGroup', { instanceType: InstanceType.DEDICATED });
    const api = new Api(stack, 'Dedicated', { group, backend, path: '/d', stages: [Stage.RELEASE] });
    const protection = new M2mProtectedApis(stack, 'Protection', { server, apis: [{ api, requiredScopes: ['user:read:one'], allowedClients: [client] }] });
    expect(protection.jwtPlugin.instanceType).toBe(InstanceType.DEDICATED);
    expect(protection.accessControlPlugins[0].instanceType).toBe(InstanceType.DEDICATED);
  });

  test('fails when apis is empty', () => {
    const { stack, server } = seedFixture();
    expect(() => new M2mProtectedApis(stack, 'Protection', { server, apis: [] })).toThrow(/'apis' must not be empty, got \[\]/);
  });

  test('fails when requiredScopes is empty', () => {
    const { stack, server, client, api } = seedFixture();
    expect(() => new M2mProtectedApis(stack, 'Protection', { server, apis: [{ api, requiredScopes: [], allowedClients: [client] }] }))
      .toThrow(/'apis\[0\].requiredScopes' must not be empty/);
  });

  test('fails when a required scope is not in the server\'s catalog', () => {
    const { stack, server, client, api } = seedFixture();
    expect(() => new M2mProtectedApis(stack, 'Protection', { server, apis: [{ api, requiredScopes: ['admin'], allowedClients: [client] }] }))
      .toThrow(/'apis\[0\].requiredScopes\[0\]' is not a scope of the M2M server/);
  });

  test('fails when a required scope contains a quote', () => {
    const { stack, server, client, api } = seedFixture();
    expect(() => new M2mProtectedApis(stack, 'Protection', { server, apis: [{ api, requiredScopes: ["a'b"], allowedClients: [client] }] }))
      .toThrow(/'apis\[0\].requiredScopes\[0\]' must not contain quotes/);
  });

  test('fails when allowedClients is empty', () => {
    const { stack, server, api } = seedFixture();
    expect(() => new M2mProtectedApis(stack, 'Protection', { server, apis: [{ api, requiredScopes: ['user:read:one'], allowedClients: [] }] }))
      .toThrow(/'apis\[0\].allowedClients' must not be empty/);
  });

  test('fails when an API is not published', () => {
    const { stack, server, client, group, backend } = seedFixture();
    const draft = new Api(stack, 'Draft', { group, backend, path: '/draft' });
    expect(() => new M2mProtectedApis(stack, 'Protection', { server, apis: [{ api: draft, requiredScopes: ['user:read:one'], allowedClients: [client] }] }))
      .toThrow(/'apis\[0\].api' is not published to any stage/);
  });

  test('fails when an API is listed twice', () => {
    const { stack, server, client, api } = seedFixture();
    const entry = { api, requiredScopes: ['user:read:one'], allowedClients: [client] };
    expect(() => new M2mProtectedApis(stack, 'Protection', { server, apis: [entry, entry] })).toThrow(/'apis\[1\].api' is listed twice/);
  });
});
