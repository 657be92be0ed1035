import { describe, expect, test } from 'vitest';
import {
  AccessControlPlugin,
  Api,
  ApiGroup,
  ClaimParameterLocation,
  GatewayPlugin,
  InstanceType,
  JwtAuthPlugin,
  PluginType,
  RequestMode,
  Stage,
  Suppressions,
  TokenLocation,
} from '../../../constructs';
import type { KeyFact } from '../../../core/issuer-facts';
import { synthJson, TEST_FACTS, TEST_JWK, testLock } from '../../util';
import { annotations } from '../../util';
import { findingsOf, parseScript, pluginOfType, resourcesByName, seedFixture } from './helpers';

const SECOND_KEY: KeyFact = { kid: 'rotated-2', kty: 'RSA', alg: 'RS256', use: 'sig', thumbprint: 'x', jwk: { ...TEST_JWK, n: `${TEST_JWK.n.slice(0, -4)}AAAA` } };

describe('JwtAuthPlugin', () => {
  test('defaults to the Authorization bearer header, no bypass, jti replay protection, expiry checked, the recorded key', () => {
    // GIVEN
    const { stack, server } = seedFixture({ isolated: true });
    // WHEN
    const jwt = new JwtAuthPlugin(stack, 'Jwt', { server });
    // THEN
    const script = parseScript(pluginOfType(synthJson(stack), 'jwtAuth'));
    expect(script).toEqual({
      parameter: 'Authorization',
      parameterLocation: 'header',
      bypassEmptyToken: false,
      preventJtiReplay: true,
      ignoreExpirationCheck: false,
      jwk: { kid: TEST_FACTS.keys[0].kid, kty: 'RSA', alg: 'RS256', use: 'sig', e: TEST_JWK.e, n: TEST_JWK.n },
    });
    expect(jwt.key.kid).toBe('AUTHSKEY7Ph6QS83xkN76oRwvZsJT68ejJ4PdAXmk');
    expect(jwt.pluginType).toBe(PluginType.JWT_AUTH);
    expect(pluginOfType(synthJson(stack), 'jwtAuth').tags).toBeUndefined();
  });

  test('reads the token from a custom header', () => {
    const { stack, server } = seedFixture({ isolated: true });
    new JwtAuthPlugin(stack, 'Jwt', { server, tokenLocation: TokenLocation.header('X-Token') });
    const script = parseScript(pluginOfType(synthJson(stack), 'jwtAuth'));
    expect([script.parameter, script.parameterLocation]).toEqual(['X-Token', 'header']);
  });

  test('turns jti replay protection off only through the reasoned opt-out allowJtiReplay', () => {
    const { stack, server } = seedFixture({ isolated: true });
    new JwtAuthPlugin(stack, 'Jwt', { server, allowJtiReplay: { reason: 'Clients cache tokens until #77 ships' } });
    expect(parseScript(pluginOfType(synthJson(stack), 'jwtAuth')).preventJtiReplay).toBe(false);
  });

  test('refuses a plain preventJtiReplay: false, naming the prop and the opt-out', () => {
    const { stack, server } = seedFixture({ isolated: true });
    expect(() => new JwtAuthPlugin(stack, 'Jwt', { server, preventJtiReplay: false }))
      .toThrow(/'preventJtiReplay' must not turn replay protection off: that is the reasoned opt-out allowJtiReplay, got false\. .*write allowJtiReplay: \{ reason: /);
    expect(() => new JwtAuthPlugin(stack, 'Jwt2', { server, preventJtiReplay: 'no' as never })).toThrow(/'preventJtiReplay' must not turn replay protection off/);
  });

  test('accepts preventJtiReplay: true (the default), but not together with the opt-out', () => {
    const { stack, server } = seedFixture({ isolated: true });
    new JwtAuthPlugin(stack, 'Jwt', { server, preventJtiReplay: true });
    expect(parseScript(pluginOfType(synthJson(stack), 'jwtAuth')).preventJtiReplay).toBe(true);
    expect(() => new JwtAuthPlugin(stack, 'Jwt2', { server, preventJtiReplay: true, allowJtiReplay: { reason: 'Clients cache tokens until #77 ships' } }))
      .toThrow(/'preventJtiReplay' contradicts allowJtiReplay/);
  });

  test('declares a query token parameter on a MAPPING-mode API it is bound to, once', () => {
    // GIVEN
    const { stack, server, api } = seedFixture({ isolated: true });
    const jwt = new JwtAuthPlugin(stack, 'Jwt', { server, tokenLocation: TokenLocation.query('id_token') });
    // WHEN
    jwt.bindToApi(api);
    jwt.bindToApi(api);
    // THEN
    expect(api.requestParameters.map((p) => `${p.location}:${p.name}:${p.required}`)).toEqual(['QUERY:id_token:true']);
  });

  test('does not declare a header token or a PASSTHROUGH API\'s token', () => {
    const { stack, server, group, backend, api } = seedFixture({ isolated: true });
    const passthrough = new Api(stack, 'Raw', { group, backend, path: '/raw', mode: RequestMode.PASSTHROUGH, stages: [Stage.TEST] });
    new JwtAuthPlugin(stack, 'Query', { server, tokenLocation: TokenLocation.query('id_token') }).bindToApi(passthrough);
    new JwtAuthPlugin(stack, 'Header', { server }).bindToApi(api);
    expect(passthrough.requestParameters).toEqual([]);
    expect(api.requestParameters).toEqual([]);
  });

  test('declares the token parameter on every API of a group it is bound to, present and future', () => {
    // GIVEN
    const { stack, server, group, backend, api } = seedFixture({ isolated: true });
    const jwt = new JwtAuthPlugin(stack, 'Jwt', { server, tokenLocation: TokenLocation.query('id_token') });
    // WHEN
    jwt.bindToGroup(group, [Stage.TEST, Stage.RELEASE]);
    const later = new Api(stack, 'Later', { group, backend, path: '/later', stages: [Stage.TEST] });
    Suppressions.add(later, [{ id: 'APIGW-AUTH1', reason: 'Unit fixture: only the JWT plugin is bound to the group' }]);
    // THEN
    expect(api.requestParameters.map((p) => p.name)).toEqual(['id_token']);
    expect(later.requestParameters.map((p) => p.name)).toEqual(['id_token']);
    const bindings = Object.values(resourcesByName(synthJson(stack), 'alicloud_api_gateway_group_plugin_attachment'));
    expect(bindings.map((b) => b.stage_name).sort()).toEqual(['RELEASE', 'TEST']);
  });

  test('fails when the API declares the token parameter elsewhere than the query string', () => {
    const { stack, server, api } = seedFixture({ isolated: true, api: { requestParameters: [{ name: 'id_token', location: 'HEAD' as never }] } });
    const jwt = new JwtAuthPlugin(stack, 'Jwt', { server, tokenLocation: TokenLocation.query('id_token') });
    expect(() => jwt.bindToApi(api)).toThrow(/'requestParameters' declares the JWT parameter "id_token" in HEAD/);
  });

  test('binds on every stage the API is published to by default', () => {
    const { stack, server, api } = seedFixture({ isolated: true });
    const attachments = new JwtAuthPlugin(stack, 'Jwt', { server }).bindToApi(api);
    expect(attachments).toHaveLength(2);
    const stages = Object.values(resourcesByName(synthJson(stack), 'alicloud_api_gateway_plugin_attachment')).map((a) => a.stage_name).sort();
    expect(stages).toEqual(['RELEASE', 'TEST']);
  });

  test('binds on the stages given', () => {
    const { stack, server, api } = seedFixture({ isolated: true });
    new JwtAuthPlugin(stack, 'Jwt', { server }).bindToApi(api, [Stage.RELEASE]);
    const stages = Object.values(resourcesByName(synthJson(stack), 'alicloud_api_gateway_plugin_attachment')).map((a) => a.stage_name);
    expect(stages).toEqual(['RELEASE']);
  });

  test('fails when binding on a stage the API is not published to', () => {
    const { stack, server, api } = seedFixture({ isolated: true });
    expect(() => new JwtAuthPlugin(stack, 'Jwt', { server }).bindToApi(api, [Stage.PRE]))
      .toThrow(/'stages' includes PRE, but test\/Hello is not published there/);
  });

  test('fails when binding on an unknown stage', () => {
    const { stack, server, api } = seedFixture({ isolated: true });
    expect(() => new JwtAuthPlugin(stack, 'Jwt', { server }).bindToApi(api, ['PROD' as Stage])).toThrow(/'stages\[0\]' is not a stage of API Gateway/);
    expect(() => new JwtAuthPlugin(stack, 'Jwt2', { server }).bindToGroup(api.group, [])).toThrow(/'stages' must not be empty/);
  });

  test('fails when binding to an API that is not published', () => {
    const { stack, server } = seedFixture({ isolated: true, api: { stages: [] } });
    const api = stack.node.findChild('Hello') as Api;
    expect(() => new JwtAuthPlugin(stack, 'Jwt', { server }).bindToApi(api)).toThrow(/'stages' is empty: test\/Hello is not published to any stage/);
  });

  test('fails when another JWT plugin is already bound to the API on that stage', () => {
    const { stack, server, api } = seedFixture({ isolated: true });
    new JwtAuthPlugin(stack, 'First', { server }).bindToApi(api);
    expect(() => new JwtAuthPlugin(stack, 'Second', { server }).bindToApi(api, [Stage.TEST]))
      .toThrow(/'api' already has the jwtAuth plugin test\/First bound on TEST/);
  });

  test('fails when a plugin sized for dedicated instances is bound to a shared group', () => {
    const { stack, server, client, api } = seedFixture({ isolated: true });
    const acl = new AccessControlPlugin(stack, 'Acl', { instanceType: InstanceType.DEDICATED, m2m: { server, allowedClients: [client], requiredScopes: ['user:read:one'] } });
    expect(() => acl.bindToApi(api)).toThrow(/'api.group' is a group on a SHARED instance, but the plugin is sized for DEDICATED instances/);
    const dedicated = new ApiGroup(stack, 'Dedicated', { instanceType: InstanceType.DEDICATED });
    expect(() => acl.bindToGroup(dedicated, [Stage.RELEASE])).not.toThrow();
  });

  test('binds an imported plugin', () => {
    const { stack, api } = seedFixture({ isolated: true });
    const imported = GatewayPlugin.fromPluginAttributes(stack, 'Existing', { pluginId: 'plugin-1', pluginType: PluginType.JWT_AUTH });
    imported.bindToApi(api, [Stage.TEST]);
    const [attachment] = Object.values(resourcesByName(synthJson(stack), 'alicloud_api_gateway_plugin_attachment'));
    expect(attachment.plugin_id).toBe('plugin-1');
  });

  test('lets requests without a token through only with an explicit reason, recorded as the APIGW-JWT1 suppression', () => {
    // GIVEN
    const { stack, server } = seedFixture({ isolated: true });
    // WHEN
    new JwtAuthPlugin(stack, 'Jwt', { server, bypassEmptyToken: { reason: 'Public health probe, returns no data (#42)' } });
    // THEN
    expect(parseScript(pluginOfType(synthJson(stack), 'jwtAuth')).bypassEmptyToken).toBe(true);
    const jwt1 = findingsOf(stack, 'APIGW-JWT1');
    expect(jwt1.errors).toEqual([]);
    expect(jwt1.infos).toEqual(['APIGW-JWT1: suppressed: bypassEmptyToken: Public health probe, returns no data (#42)']);
  });

  test('fails when the bypass reason is too short', () => {
    const { stack, server } = seedFixture({ isolated: true });
    expect(() => new JwtAuthPlugin(stack, 'Jwt', { server, bypassEmptyToken: { reason: 'because' } }))
      .toThrow(/'bypassEmptyToken.reason' must explain the opt-out in at least 10 characters/);
  });

  test('forwards claims to backend parameters', () => {
    const { stack, server } = seedFixture({ isolated: true });
    new JwtAuthPlugin(stack, 'Jwt', { server, claimParameters: [{ claimName: 'client_id', parameterName: 'X-Client-Id', location: ClaimParameterLocation.HEADER }] });
    expect(parseScript(pluginOfType(synthJson(stack), 'jwtAuth')).claimParameters).toEqual([{ claimName: 'client_id', parameterName: 'X-Client-Id', location: 'header' }]);
  });

  test('fails when a claim mapping is malformed or duplicated', () => {
    const { stack, server } = seedFixture({ isolated: true });
    expect(() => new JwtAuthPlugin(stack, 'A', { server, claimParameters: [{ claimName: 'a b', parameterName: 'x', location: ClaimParameterLocation.QUERY }] }))
      .toThrow(/'claimParameters\[0\].claimName' must be a claim name/);
    expect(() => new JwtAuthPlugin(stack, 'B', { server, claimParameters: [{ claimName: 'aud', parameterName: 'x', location: 'cookie' as never }] }))
      .toThrow(/'claimParameters\[0\].location' is not a claim parameter location/);
    expect(() => new JwtAuthPlugin(stack, 'C', {
      server,
      claimParameters: [{ claimName: 'aud', parameterName: 'x', location: ClaimParameterLocation.QUERY }, { claimName: 'sub', parameterName: 'x', location: ClaimParameterLocation.QUERY }],
    })).toThrow(/'claimParameters\[1\].parameterName' is already mapped in query/);
  });

  test('fails when the token parameter name could inject text', () => {
    const { stack, server } = seedFixture({ isolated: true });
    expect(() => new JwtAuthPlugin(stack, 'Jwt', { server, tokenLocation: TokenLocation.query('id token') })).toThrow(/'tokenLocation' must name a header or query parameter/);
  });

  describe('with several signing keys recorded (rotation)', () => {
    const lock = testLock([{ ...TEST_FACTS, keys: [TEST_FACTS.keys[0], SECOND_KEY] }]);

    test('fails when no key is picked', () => {
      const { stack, server } = seedFixture({ isolated: true, lock });
      expect(() => new JwtAuthPlugin(stack, 'Jwt', { server }))
        .toThrow(/'keyId' must pick one of the 2 signing keys of .* \(AUTHSKEY7Ph6QS83xkN76oRwvZsJT68ejJ4PdAXmk, rotated-2\)/);
    });

    test('configures the key picked by kid', () => {
      const { stack, server } = seedFixture({ isolated: true, lock });
      new JwtAuthPlugin(stack, 'Jwt', { server, keyId: 'rotated-2' });
      expect(parseScript(pluginOfType(synthJson(stack), 'jwtAuth')).jwk).toEqual({ kid: 'rotated-2', kty: 'RSA', alg: 'RS256', use: 'sig', e: 'AQAB', n: SECOND_KEY.jwk.n });
    });

    test('fails when the kid was not recorded', () => {
      const { stack, server } = seedFixture({ isolated: true, lock });
      expect(() => new JwtAuthPlugin(stack, 'Jwt', { server, keyId: 'unknown' })).toThrow(/'keyId' is not a signing key of .* \(recorded: AUTHSKEY7Ph6QS83xkN76oRwvZsJT68ejJ4PdAXmk, rotated-2\)/);
    });

    test('ignores encryption keys', () => {
      const encLock = testLock([{ ...TEST_FACTS, keys: [TEST_FACTS.keys[0], { ...SECOND_KEY, use: 'enc' }] }]);
      const { stack, server } = seedFixture({ isolated: true, lock: encLock });
      expect(new JwtAuthPlugin(stack, 'Jwt', { server }).key.kid).toBe(TEST_FACTS.keys[0].kid);
    });
  });

  test('fails when a recorded key carries private members', () => {
    const leaky = testLock([{ ...TEST_FACTS, keys: [{ ...TEST_FACTS.keys[0], jwk: { ...TEST_JWK, d: 'secret' } }] }]);
    const { stack, server } = seedFixture({ isolated: true, lock: leaky });
    expect(() => new JwtAuthPlugin(stack, 'Jwt', { server })).toThrow(/has a recorded key with private members \(d\)/);
  });

  test('fails when the server has no signing key recorded', () => {
    const empty = testLock([{ ...TEST_FACTS, keys: [] }]);
    const { stack, server } = seedFixture({ isolated: true, lock: empty });
    expect(() => new JwtAuthPlugin(stack, 'Jwt', { server })).toThrow(/'server' has no signing key in its recorded JWKS/);
  });

  test('fails when the plugin name is invalid', () => {
    const { stack, server } = seedFixture({ isolated: true });
    expect(() => new JwtAuthPlugin(stack, 'Jwt', { server, pluginName: 'jwt-plugin' })).toThrow(/'pluginName' must be 4 to 50/);
    expect(() => new JwtAuthPlugin(stack, 'Jwt2', { server, description: 'x'.repeat(201) })).toThrow(/'description' must be at most 200 characters/);
  });

  test('adds no annotation of its own in a compliant setup', () => {
    const { stack, server } = seedFixture({ isolated: true });
    new JwtAuthPlugin(stack, 'Jwt', { server });
    synthJson(stack);
    expect(annotations(stack.node.findChild('Jwt')).errors).toEqual([]);
  });
});
