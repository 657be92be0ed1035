import { describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  AccessControlPlugin,
  Api,
  ApiAuthType,
  APIGATEWAY_RULES,
  GatewayPlugin,
  InstanceType,
  JwtAuthPlugin,
  PluginType,
  RuleLevel,
  Stage,
  Suppressions,
} from '../../constructs';
import type { GatewayPlugin as Plugin } from '../../constructs';
import { ApiGatewayPlugin } from '../../.gen/providers/alicloud/api-gateway-plugin';
import { checkStack } from '../util';
import { findingsOf, seedFixture } from '../constructs/apigateway/helpers';
import type { SeedFixture, SeedFixtureOptions } from '../constructs/apigateway/helpers';

const REASON = 'Reviewed exception for this test (#4)';

/** The seed fixture with a JWT and an access-control plugin (not bound yet). */
function withPlugins(options: SeedFixtureOptions = {}): SeedFixture & { jwt: JwtAuthPlugin; acl: AccessControlPlugin } {
  const fixture = seedFixture(options);
  const jwt = new JwtAuthPlugin(fixture.stack, 'Jwt', { server: fixture.server });
  const acl = new AccessControlPlugin(fixture.stack, 'Acl', { m2m: { server: fixture.server, allowedClients: [fixture.client], requiredScopes: ['user:read:one'] } });
  return { ...fixture, jwt, acl };
}

/** Rewrites a plugin's script through the L1 escape hatch, starting from the rendered one. */
function overrideScript(plugin: Plugin, mutate: (script: any) => void): void {
  const script = parse(plugin.pluginData);
  mutate(script);
  plugin.resource.addOverride('plugin_data', stringify(script).replace(/\$\{/g, () => '$${'));
}

describe('APIGATEWAY_RULES', () => {
  test('have stable, unique ids with info, explanation and level', () => {
    expect(APIGATEWAY_RULES.map((r) => r.id)).toEqual(['APIGW-AUTH1', 'APIGW-JWT1', 'APIGW-JWT2', 'APIGW-JWT3', 'APIGW-JWT4', 'APIGW-ACL1', 'APIGW-LIM1']);
    for (const rule of APIGATEWAY_RULES) {
      expect(rule.info.length).toBeGreaterThan(10);
      expect(rule.explanation.length).toBeGreaterThan(10);
      expect(rule.level).toBe(RuleLevel.ERROR);
    }
  });

  test('report nothing for the seed protected on every stage, in production', () => {
    // GIVEN
    const { stack, api, jwt, acl } = withPlugins({ production: true });
    jwt.bindToApi(api);
    acl.bindToApi(api);
    // WHEN / THEN
    expect(checkStack(stack)).toEqual({ errors: [], warnings: [], infos: [] });
  });
});

describe('APIGW-AUTH1', () => {
  test('is compliant when both plugins are bound to the API on every published stage', () => {
    const { stack, api, jwt, acl } = withPlugins();
    jwt.bindToApi(api);
    acl.bindToApi(api);
    expect(findingsOf(stack, 'APIGW-AUTH1')).toEqual({ errors: [], warnings: [], infos: [] });
  });

  test('is compliant with group-wide bindings, alone or mixed with per-API ones', () => {
    const { stack, api, group, jwt, acl } = withPlugins();
    jwt.bindToGroup(group, [Stage.TEST, Stage.RELEASE]);
    acl.bindToApi(api);
    expect(findingsOf(stack, 'APIGW-AUTH1').errors).toEqual([]);
  });

  test('reports each published stage lacking a plugin', () => {
    // GIVEN
    const { stack, api, jwt, acl } = withPlugins();
    jwt.bindToApi(api);
    acl.bindToApi(api, [Stage.TEST]);
    // WHEN
    const { errors } = findingsOf(stack, 'APIGW-AUTH1');
    // THEN
    expect(errors).toEqual([expect.stringMatching(/^APIGW-AUTH1\[stage:RELEASE\]: An ANONYMOUS API is published on a stage without both a jwtAuth and an accessControl plugin/)]);
  });

  test('reports every stage of an unprotected ANONYMOUS API', () => {
    const { stack } = withPlugins();
    expect(findingsOf(stack, 'APIGW-AUTH1').errors.map((e) => e.split(':')[0] + ':' + e.split(':')[1])).toEqual(['APIGW-AUTH1[stage:TEST]', 'APIGW-AUTH1[stage:RELEASE]']);
  });

  test('sees a stage added through an escape hatch', () => {
    // GIVEN
    const { stack, api, jwt, acl } = withPlugins();
    jwt.bindToApi(api);
    acl.bindToApi(api);
    // WHEN
    api.resource.addOverride('stage_names', ['TEST', 'PRE', 'RELEASE']);
    // THEN
    expect(findingsOf(stack, 'APIGW-AUTH1').errors).toEqual([expect.stringMatching(/^APIGW-AUTH1\[stage:PRE\]/)]);
  });

  test('does not count a plugin whose type is not jwtAuth', () => {
    const { stack, api, jwt, acl } = withPlugins();
    jwt.bindToApi(api);
    acl.bindToApi(api);
    jwt.resource.addOverride('plugin_type', 'cors');
    expect(findingsOf(stack, 'APIGW-AUTH1').errors).toHaveLength(2);
  });

  test('does not apply to APP-authenticated or unpublished APIs', () => {
    const { stack, group, backend } = withPlugins({ api: { authType: ApiAuthType.APP } });
    new Api(stack, 'Draft', { group, backend, path: '/draft' });
    expect(findingsOf(stack, 'APIGW-AUTH1').errors).toEqual([]);
  });

  test('reports UNRESOLVED when a bound plugin is not defined in the stack', () => {
    // GIVEN
    const { stack, api, acl } = withPlugins();
    GatewayPlugin.fromPluginAttributes(stack, 'ExistingJwt', { pluginId: 'plugin-123', pluginType: PluginType.JWT_AUTH }).bindToApi(api);
    acl.bindToApi(api);
    // WHEN
    const found = findingsOf(stack, 'APIGW-AUTH1');
    // THEN
    expect(found.errors).toEqual([]);
    expect(found.warnings).toEqual([expect.stringMatching(/^APIGW-AUTH1: UNRESOLVED/)]);
  });

  test('is suppressed per stage', () => {
    // GIVEN
    const { stack, api } = withPlugins();
    // WHEN
    Suppressions.add(api, [{ id: 'APIGW-AUTH1', reason: REASON, appliesTo: ['stage:TEST'] }]);
    // THEN
    const found = findingsOf(stack, 'APIGW-AUTH1');
    expect(found.errors).toEqual([expect.stringMatching(/^APIGW-AUTH1\[stage:RELEASE\]/)]);
    expect(found.infos).toEqual([`APIGW-AUTH1[stage:TEST]: suppressed: ${REASON}`]);
  });
});

describe('APIGW-JWT1', () => {
  test('is compliant by default (bypassEmptyToken: false)', () => {
    const { stack } = withPlugins();
    expect(findingsOf(stack, 'APIGW-JWT1')).toEqual({ errors: [], warnings: [], infos: [] });
  });

  test('reports a plugin that lets requests without a token through', () => {
    const { stack, jwt } = withPlugins();
    overrideScript(jwt, (s) => { s.bypassEmptyToken = true; });
    expect(findingsOf(stack, 'APIGW-JWT1').errors).toEqual([expect.stringMatching(/^APIGW-JWT1: The JWT authentication plugin sets bypassEmptyToken: true/)]);
  });

  test('reads JSON scripts too', () => {
    const { stack, jwt } = withPlugins();
    jwt.resource.addOverride('plugin_data', JSON.stringify({ ...parse(jwt.pluginData), bypassEmptyToken: 'true' }));
    expect(findingsOf(stack, 'APIGW-JWT1').errors).toHaveLength(1);
  });

  test('is suppressed', () => {
    const { stack, jwt } = withPlugins();
    overrideScript(jwt, (s) => { s.bypassEmptyToken = true; });
    Suppressions.add(jwt, [{ id: 'APIGW-JWT1', reason: REASON }]);
    const found = findingsOf(stack, 'APIGW-JWT1');
    expect(found.errors).toEqual([]);
    expect(found.infos).toEqual([`APIGW-JWT1: suppressed: ${REASON}`]);
  });
});

describe('APIGW-JWT2', () => {
  test('is compliant in production with the default preventJtiReplay: true', () => {
    const { stack } = withPlugins({ production: true });
    expect(findingsOf(stack, 'APIGW-JWT2').errors).toEqual([]);
  });

  test('is compliant outside production with the replay opt-out', () => {
    const { stack, server } = seedFixture();
    new JwtAuthPlugin(stack, 'Jwt', { server, allowJtiReplay: { reason: REASON } });
    expect(findingsOf(stack, 'APIGW-JWT2').errors).toEqual([]);
  });

  test('reports a production plugin without replay protection, even with the reasoned opt-out', () => {
    const { stack, server } = seedFixture({ production: true });
    new JwtAuthPlugin(stack, 'Jwt', { server, allowJtiReplay: { reason: REASON } });
    expect(findingsOf(stack, 'APIGW-JWT2').errors).toEqual([expect.stringMatching(/^APIGW-JWT2: The JWT authentication plugin does not set preventJtiReplay: true in a production environment/)]);
    // the opt-out clears APIGW-JWT4 only
    expect(findingsOf(stack, 'APIGW-JWT4')).toEqual({ errors: [], warnings: [], infos: [`APIGW-JWT4: suppressed: allowJtiReplay: ${REASON}`] });
  });

  test('reports a production plugin whose script omits preventJtiReplay', () => {
    const { stack, jwt } = withPlugins({ production: true });
    overrideScript(jwt, (s) => { delete s.preventJtiReplay; });
    expect(findingsOf(stack, 'APIGW-JWT2').errors).toHaveLength(1);
  });

  test('is suppressed', () => {
    const { stack, server } = seedFixture({ production: true });
    const jwt = new JwtAuthPlugin(stack, 'Jwt', { server, allowJtiReplay: { reason: REASON } });
    Suppressions.add(jwt, [{ id: 'APIGW-JWT2', reason: REASON }]);
    const found = findingsOf(stack, 'APIGW-JWT2');
    expect(found.errors).toEqual([]);
    expect(found.infos).toEqual([`APIGW-JWT2: suppressed: ${REASON}`]);
  });
});

describe('APIGW-JWT4', () => {
  test('is compliant with the default replay protection, in and outside production', () => {
    for (const production of [false, true]) {
      const { stack } = withPlugins({ production });
      expect(findingsOf(stack, 'APIGW-JWT4')).toEqual({ errors: [], warnings: [], infos: [] });
    }
  });

  test('reports replay protection turned off outside production (a script written around the construct)', () => {
    const { stack, jwt } = withPlugins();
    overrideScript(jwt, (s) => { s.preventJtiReplay = false; });
    expect(findingsOf(stack, 'APIGW-JWT4').errors).toEqual([
      expect.stringMatching(/^APIGW-JWT4: The JWT authentication plugin does not set preventJtiReplay: true, so a token is accepted more than once\. .*allowJtiReplay: \{ reason \}/),
    ]);
  });

  test('reports a script that omits preventJtiReplay, and a raw plugin', () => {
    const { stack, jwt } = withPlugins();
    overrideScript(jwt, (s) => { delete s.preventJtiReplay; });
    new ApiGatewayPlugin(stack, 'RawJwt', { pluginName: 'raw_jwt', pluginType: 'jwtAuth', pluginData: 'parameter: Authorization\nparameterLocation: header\npreventJtiReplay: false\n' });
    expect(findingsOf(stack, 'APIGW-JWT4').errors).toHaveLength(2);
  });

  test('is reported as suppressed with the reason of the allowJtiReplay opt-out', () => {
    const { stack, server } = seedFixture();
    new JwtAuthPlugin(stack, 'Jwt', { server, allowJtiReplay: { reason: `  ${REASON} ` } });
    expect(findingsOf(stack, 'APIGW-JWT4')).toEqual({ errors: [], warnings: [], infos: [`APIGW-JWT4: suppressed: allowJtiReplay: ${REASON}`] });
  });
});

describe('APIGW-JWT3', () => {
  test('is compliant by default (ignoreExpirationCheck: false)', () => {
    const { stack } = withPlugins();
    expect(findingsOf(stack, 'APIGW-JWT3').errors).toEqual([]);
  });

  test('reports a plugin that ignores token expiry', () => {
    const { stack, jwt } = withPlugins();
    overrideScript(jwt, (s) => { s.ignoreExpirationCheck = true; });
    expect(findingsOf(stack, 'APIGW-JWT3').errors).toEqual([expect.stringMatching(/^APIGW-JWT3: The JWT authentication plugin sets ignoreExpirationCheck: true/)]);
  });

  test('is suppressed', () => {
    const { stack, jwt } = withPlugins();
    overrideScript(jwt, (s) => { s.ignoreExpirationCheck = true; });
    Suppressions.add(jwt, [{ id: 'APIGW-JWT3', reason: REASON }]);
    expect(findingsOf(stack, 'APIGW-JWT3')).toEqual({ errors: [], warnings: [], infos: [`APIGW-JWT3: suppressed: ${REASON}`] });
  });
});

describe('APIGW-ACL1', () => {
  const seedCondition = "$clientId = 'app_m7hfgn66xkyyxlhpkiw5kjenhy' and $scope like '%user:read:one%'";

  test('is compliant with the generated whole-scope conditions', () => {
    const { stack } = withPlugins();
    expect(findingsOf(stack, 'APIGW-ACL1').errors).toEqual([]);
  });

  test('reports the seed\'s substring scope condition, per rule', () => {
    // GIVEN
    const { stack, acl } = withPlugins();
    // WHEN
    overrideScript(acl, (s) => { s.rules[3].condition = seedCondition; });
    // THEN
    expect(findingsOf(stack, 'APIGW-ACL1').errors).toEqual([expect.stringMatching(/^APIGW-ACL1\[rule:checkScope\]: An access-control condition matches the scope claim by substring/)]);
  });

  test('reports prefix and half-delimited patterns on the scope claim, not on other parameters', () => {
    const { stack, acl } = withPlugins();
    overrideScript(acl, (s) => {
      s.rules[1].condition = "$aud like '%aliyunidaas.com%'";
      s.rules[2].condition = "$scope like 'user:read%'";
      s.rules[3].condition = "$scope like '% user:read:one%'";
    });
    expect(findingsOf(stack, 'APIGW-ACL1').errors.map((e) => e.split(':')[0] + ':' + e.split(':')[1])).toEqual(['APIGW-ACL1[rule:checkClient]', 'APIGW-ACL1[rule:checkScope]']);
  });

  test('is suppressed per rule', () => {
    const { stack, acl } = withPlugins();
    overrideScript(acl, (s) => { s.rules[3].condition = seedCondition; });
    Suppressions.add(acl, [{ id: 'APIGW-ACL1', reason: REASON, appliesTo: ['rule:checkScope'] }]);
    expect(findingsOf(stack, 'APIGW-ACL1')).toEqual({ errors: [], warnings: [], infos: [`APIGW-ACL1[rule:checkScope]: suppressed: ${REASON}`] });
  });
});

describe('APIGW-LIM1', () => {
  const manyRules = (count: number) => Array.from({ length: count }, (_, i) => ({ name: `r${i}`, condition: `$clientId = 'a${i}'`, ifTrue: 'ALLOW' }));

  test('is compliant for the generated scripts', () => {
    const { stack } = withPlugins();
    expect(findingsOf(stack, 'APIGW-LIM1').errors).toEqual([]);
  });

  test('reports more than 16 rules on a shared instance', () => {
    const { stack, acl } = withPlugins();
    overrideScript(acl, (s) => { s.rules = manyRules(17); });
    expect(findingsOf(stack, 'APIGW-LIM1').errors).toEqual([expect.stringMatching(/^APIGW-LIM1\[rules\]: The plugin script exceeds the documented limits/)]);
  });

  test('accepts 17 rules on a plugin sized for a dedicated instance', () => {
    const { stack, server, client } = seedFixture();
    const acl = new AccessControlPlugin(stack, 'Acl', { instanceType: InstanceType.DEDICATED, m2m: { server, allowedClients: [client], requiredScopes: ['user:read:one'] } });
    overrideScript(acl, (s) => { s.rules = manyRules(17); });
    expect(findingsOf(stack, 'APIGW-LIM1').errors).toEqual([]);
  });

  test('reports too many parameters, a too long expression and a too large script', () => {
    const { stack, acl } = withPlugins();
    overrideScript(acl, (s) => {
      for (let i = 0; i < 17; i++) s.parameters[`h${i}x`] = `Header:X-${i}`;
      s.rules[1].condition = `$clientId = '${'x'.repeat(1100)}'`;
      s.rules[2].responseBody = 'y'.repeat(52_000);
    });
    expect(findingsOf(stack, 'APIGW-LIM1').errors.map((e) => e.split(': ')[0])).toEqual([
      'APIGW-LIM1[size]', 'APIGW-LIM1[parameters]', 'APIGW-LIM1[expression:checkAudience]',
    ]);
  });

  test('reports a script that is not YAML or JSON', () => {
    const { stack, jwt } = withPlugins();
    jwt.resource.addOverride('plugin_data', 'parameter: [unclosed');
    const all = checkStack(stack).errors.filter((e) => e.includes('[plugin_data:unparseable]'));
    expect(all.map((e) => e.split(':')[0])).toEqual(['APIGW-JWT1[plugin_data', 'APIGW-JWT2[plugin_data', 'APIGW-JWT3[plugin_data', 'APIGW-JWT4[plugin_data', 'APIGW-LIM1[plugin_data']);
  });

  test('reports a jwtAuth script that hides bypassEmptyToken behind a "<<" merge key instead of passing it', () => {
    const { stack, jwt } = withPlugins();
    const text = parse(jwt.pluginData) as Record<string, unknown>;
    const { bypassEmptyToken: _dropped, ...rest } = text;
    jwt.resource.addOverride('plugin_data', `base: &b {bypassEmptyToken: true}\n<<: *b\n${stringify(rest)}`);
    expect(findingsOf(stack, 'APIGW-JWT1').errors).toEqual([expect.stringMatching(/^APIGW-JWT1\[plugin_data:unparseable\]/)]);
  });

  test('reports UNRESOLVED when the script references another resource', () => {
    const { stack, jwt } = withPlugins();
    const other = new ApiGatewayPlugin(stack, 'Other', { pluginName: 'other_plugin', pluginType: 'cors', pluginData: '{}' });
    jwt.resource.addOverride('plugin_data', other.pluginData);
    expect(findingsOf(stack, 'APIGW-LIM1').warnings).toEqual([expect.stringMatching(/^APIGW-LIM1: UNRESOLVED/)]);
    expect(findingsOf(stack, 'APIGW-JWT1').warnings).toEqual([expect.stringMatching(/^APIGW-JWT1: UNRESOLVED/)]);
  });

  test('is suppressed', () => {
    const { stack, acl } = withPlugins();
    overrideScript(acl, (s) => { s.rules = manyRules(17); });
    Suppressions.add(acl, [{ id: 'APIGW-LIM1', reason: REASON, appliesTo: ['rules'] }]);
    expect(findingsOf(stack, 'APIGW-LIM1')).toEqual({ errors: [], warnings: [], infos: [`APIGW-LIM1[rules]: suppressed: ${REASON}`] });
  });
});
