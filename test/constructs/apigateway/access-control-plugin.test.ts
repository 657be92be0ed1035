import { Testing } from 'cdktf';
import { describe, expect, test } from 'vitest';
import {
  AccessControlPlugin,
  AccessParameter,
  Condition,
  InstanceType,
  M2mAuthorizationServer,
  PluginLimits,
  RuleAction,
  ScopeMatch,
} from '../../../constructs';
import { evaluateCondition } from '../../../emulator/condition';
import type { AccessControlRule } from '../../../constructs';
import { SEED_CLIENT_ID, TEST_FACTS, testLock, synthJson, TEST_AUDIENCE, TEST_ISSUER } from '../../util';
import { clientIds, parseScript, pluginOfType, seedFixture } from './helpers';

const CLIENT = AccessParameter.tokenClaim('clientId', 'client_id');

/** `count` rules that deny unless the client id is `app_<i>`. */
function rules(count: number): AccessControlRule[] {
  return clientIds(count).map((id, i) => ({ name: `r${i}`, condition: Condition.equals(CLIENT, id), ifTrue: RuleAction.ALLOW }));
}

/** `count` distinct parameters used by one rule each. */
function parameterRules(count: number): AccessControlRule[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `p${i}`,
    condition: Condition.equals(AccessParameter.header(`h${i}x`, `X-H${i}`), 'yes'),
    ifTrue: RuleAction.ALLOW,
  }));
}

describe('AccessControlPlugin', () => {
  test('derives issuer, audience, client and whole-scope checks, then one combined ALLOW and an unconditional DENY', () => {
    // GIVEN
    const { stack, server, client } = seedFixture({ isolated: true });
    // WHEN
    const acl = new AccessControlPlugin(stack, 'Acl', { m2m: { server, allowedClients: [client], requiredScopes: ['user:read:one'] } });
    // THEN
    const script = parseScript(pluginOfType(synthJson(stack), 'accessControl'));
    expect(script.parameters).toEqual({ aud: 'Token:aud', clientId: 'Token:client_id', iss: 'Token:iss', method: 'Method', scope: 'Token:scope' });
    expect(acl.ruleNames).toEqual(['checkIssuer', 'checkAudience', 'checkClient', 'checkScope', 'allowM2m', 'denyOtherwise']);
    expect(script.rules[0]).toEqual({
      name: 'checkIssuer', condition: `$iss = '${TEST_ISSUER}'`, ifFalse: 'DENY', statusCode: 403, errorMessage: 'Token issuer is not accepted',
    });
    expect(script.rules[1]).toEqual({
      name: 'checkAudience',
      condition: `$aud = '${TEST_AUDIENCE}' or $aud like '%"${TEST_AUDIENCE}"%'`,
      ifFalse: 'DENY',
      statusCode: 403,
      errorMessage: 'Token audience is not accepted',
    });
    expect(script.rules[2]).toEqual({
      name: 'checkClient', condition: `$clientId = '${SEED_CLIENT_ID}'`, ifFalse: 'DENY', statusCode: 403, errorMessage: 'No permission by client id: ${clientId}',
    });
    expect(script.rules[3].errorMessage).toBe('Missing scope user:read:one for client id: ${clientId}');
    expect(script.rules[4]).toEqual({
      name: 'allowM2m',
      condition: [script.rules[0], script.rules[1], script.rules[2], script.rules[3]].map((r: any) => (r.condition.includes(' or ') ? `(${r.condition})` : r.condition)).join(' and '),
      ifTrue: 'ALLOW',
    });
    expect(script.rules[5]).toEqual({ name: 'denyOtherwise', condition: "$method like '%'", ifTrue: 'DENY', ifFalse: 'DENY', statusCode: 403, errorMessage: 'Forbidden' });
  });

  test('the combined ALLOW holds only when every check holds', () => {
    // GIVEN
    const { stack, server, client } = seedFixture({ isolated: true });
    new AccessControlPlugin(stack, 'Acl', { m2m: { server, allowedClients: [client], requiredScopes: ['user:read:one'] } });
    const allow = parseScript(pluginOfType(synthJson(stack), 'accessControl')).rules.find((r: any) => r.name === 'allowM2m');
    const good = { iss: TEST_ISSUER, aud: TEST_AUDIENCE, clientId: SEED_CLIENT_ID, scope: 'openid user:read:one' };
    // WHEN / THEN
    expect(evaluateCondition(allow.condition, good)).toBe(true);
    expect(evaluateCondition(allow.condition, { ...good, iss: 'https://other-issuer.example.com' })).toBe(false);
    expect(evaluateCondition(allow.condition, { ...good, aud: 'https://other-api.example.com' })).toBe(false);
    expect(evaluateCondition(allow.condition, { ...good, clientId: 'app_other' })).toBe(false);
    expect(evaluateCondition(allow.condition, { ...good, scope: 'user:read:one-admin' })).toBe(false);
    expect(evaluateCondition(allow.condition, { ...good, scope: undefined })).toBe(false);
  });

  test('requires every scope with one rule per scope (ALL_OF, the default)', () => {
    // GIVEN
    const { stack, server } = seedFixture({ isolated: true });
    const both = server.addClient('Both', { clientId: 'app_both', grantedScopes: ['user:read:one', 'user:write:one'] });
    // WHEN
    new AccessControlPlugin(stack, 'Acl', { m2m: { server, allowedClients: [both], requiredScopes: ['user:read:one', 'user:write:one'], skipAudienceCheck: { reason: 'Tokens of this test server carry no aud claim' } } });
    // THEN
    const script = parseScript(pluginOfType(synthJson(stack), 'accessControl'));
    expect(script.rules.map((r: any) => r.name)).toEqual(['checkIssuer', 'checkClient', 'checkScope', 'checkScope2', 'allowM2m', 'denyOtherwise']);
    const allow = script.rules[4].condition;
    const pass = (scope: string) => evaluateCondition(allow, { iss: TEST_ISSUER, clientId: 'app_both', scope });
    expect(pass('user:read:one user:write:one')).toBe(true);
    expect(pass('user:read:one')).toBe(false);
  });

  test('requires any one scope in a single rule (ANY_OF)', () => {
    // GIVEN
    const { stack, server, client } = seedFixture({ isolated: true });
    // WHEN
    new AccessControlPlugin(stack, 'Acl', { m2m: { server, allowedClients: [client], requiredScopes: ['user:read:one', 'user:write:one'], scopeMatch: ScopeMatch.ANY_OF, skipAudienceCheck: { reason: 'Tokens of this test server carry no aud claim' } } });
    // THEN
    const script = parseScript(pluginOfType(synthJson(stack), 'accessControl'));
    expect(script.rules.map((r: any) => r.name)).toEqual(['checkIssuer', 'checkClient', 'checkScope', 'allowM2m', 'denyOtherwise']);
    expect(evaluateCondition(script.rules[2].condition, { scope: 'user:write:one' })).toBe(true);
    expect(evaluateCondition(script.rules[2].condition, { scope: 'user:write:one-admin' })).toBe(false);
  });

  test('renders custom rules after the M2M checks and before the combined ALLOW, with declared extra parameters', () => {
    // GIVEN
    const { stack, server, client } = seedFixture({ isolated: true });
    const method = AccessParameter.method('method');
    // WHEN
    new AccessControlPlugin(stack, 'Acl', {
      m2m: { server, allowedClients: [client], requiredScopes: ['user:read:one'], skipAudienceCheck: { reason: 'Tokens of this test server carry no aud claim' } },
      rules: [{ name: 'readOnly', condition: Condition.oneOf(method, ['GET', 'HEAD']), ifFalse: RuleAction.DENY, denyResponse: { statusCode: 405, errorMessage: 'Method ${method} not allowed' } }],
      parameters: [AccessParameter.system('appId', 'CaAppId')],
    });
    // THEN
    const script = parseScript(pluginOfType(synthJson(stack), 'accessControl'));
    expect(script.parameters).toEqual({ appId: 'System:CaAppId', clientId: 'Token:client_id', iss: 'Token:iss', method: 'Method', scope: 'Token:scope' });
    expect(script.rules.map((r: any) => r.name)).toEqual(['checkIssuer', 'checkClient', 'checkScope', 'readOnly', 'allowM2m', 'denyOtherwise']);
    expect(script.rules[3]).toEqual({ name: 'readOnly', condition: "$method = 'GET' or $method = 'HEAD'", ifFalse: 'DENY', statusCode: 405, errorMessage: 'Method ${method} not allowed' });
  });

  test('fails when a custom rule ALLOWs next to the M2M checks', () => {
    const { stack, server, client } = seedFixture({ isolated: true });
    expect(() => new AccessControlPlugin(stack, 'Acl', {
      m2m: { server, allowedClients: [client], requiredScopes: ['user:read:one'] },
      rules: [{ name: 'admin', condition: Condition.equals(CLIENT, 'app_admin'), ifTrue: RuleAction.ALLOW }],
    })).toThrow(/'rules\[0\].ifTrue\/ifFalse' is ALLOW, but with m2m the only ALLOW is the combined M2M check/);
  });

  test('ends custom rules with the unconditional DENY and renders a deny response only for rules that can deny', () => {
    const { stack } = seedFixture({ isolated: true });
    new AccessControlPlugin(stack, 'Acl', { rules: [{ name: 'admin', condition: Condition.equals(CLIENT, 'app_admin'), ifTrue: RuleAction.ALLOW }] });
    expect(parseScript(pluginOfType(synthJson(stack), 'accessControl')).rules).toEqual([
      { name: 'admin', condition: "$clientId = 'app_admin'", ifTrue: 'ALLOW' },
      { name: 'denyOtherwise', condition: "$method like '%'", ifTrue: 'DENY', ifFalse: 'DENY', statusCode: 403, errorMessage: 'Forbidden' },
    ]);
  });

  test('fails when custom rules never ALLOW (everything would be denied)', () => {
    const { stack } = seedFixture({ isolated: true });
    expect(() => new AccessControlPlugin(stack, 'Acl', { rules: [{ name: 'x', condition: Condition.equals(CLIENT, 'a1'), ifFalse: RuleAction.DENY }] }))
      .toThrow(/'rules' has no rule that ALLOWs: the rule set ends with an unconditional DENY/);
  });

  test('denyAll() defines a plugin whose only rule denies every request', () => {
    const { stack } = seedFixture({ isolated: true });
    const plugin = AccessControlPlugin.denyAll(stack, 'Deny');
    expect(plugin.ruleNames).toEqual(['denyOtherwise']);
    const script = parseScript(pluginOfType(synthJson(stack), 'accessControl'));
    expect(script.parameters).toEqual({ method: 'Method' });
    expect(script.rules).toEqual([{ name: 'denyOtherwise', condition: "$method like '%'", ifTrue: 'DENY', ifFalse: 'DENY', statusCode: 403, errorMessage: expect.stringContaining('deny-first baseline') }]);
  });

  test('is built in one phase: resource, pluginId and pluginData are plain fields, set when the constructor returns', () => {
    const { stack } = seedFixture({ isolated: true });
    const plugin = AccessControlPlugin.denyAll(stack, 'Deny');
    for (const field of ['resource', 'pluginId', 'pluginData'] as const) {
      const descriptor = Object.getOwnPropertyDescriptor(plugin, field);
      expect(descriptor?.get, field).toBeUndefined();
      expect(descriptor?.value, field).toBeDefined();
    }
    expect(plugin.resource).toBe(plugin.node.findChild('Resource'));
    expect(plugin.pluginData).toMatch(/^---\nparameters:\n {2}method: Method\nrules:\n {2}- name: denyOtherwise\n/);
    expect(plugin.pluginId).toMatch(/TOKEN/);
  });

  describe('fails when the M2M input is bad', () => {
    test('fails when requiredScopes is empty', () => {
      const { stack, server, client } = seedFixture({ isolated: true });
      expect(() => new AccessControlPlugin(stack, 'Acl', { m2m: { server, allowedClients: [client], requiredScopes: [] } }))
        .toThrow(/\[test\/Acl\] 'm2m.requiredScopes' must not be empty, got \[\]/);
    });

    test('fails when a required scope is not in the server\'s catalog', () => {
      const { stack, server, client } = seedFixture({ isolated: true });
      expect(() => new AccessControlPlugin(stack, 'Acl', { m2m: { server, allowedClients: [client], requiredScopes: ['user:delete:all'] } }))
        .toThrow(/'m2m.requiredScopes\[0\]' is not a scope of the M2M server .*, got "user:delete:all"/);
    });

    test('fails when a required scope contains a quote', () => {
      const { stack, server, client } = seedFixture({ isolated: true });
      expect(() => new AccessControlPlugin(stack, 'Acl', { m2m: { server, allowedClients: [client], requiredScopes: ["user:read:one' or '1'='1"] } }))
        .toThrow(/'m2m.requiredScopes\[0\]' must not contain quotes/);
    });

    test('fails when a client id contains a quote', () => {
      const { server } = seedFixture({ isolated: true });
      expect(() => server.addClient('Evil', { clientId: "app_x' or '1'='1", grantedScopes: ['user:read:one'] })).toThrow(/'clientId' must not contain quotes/);
    });

    test('fails when allowedClients is empty', () => {
      const { stack, server } = seedFixture({ isolated: true });
      expect(() => new AccessControlPlugin(stack, 'Acl', { m2m: { server, allowedClients: [], requiredScopes: ['user:read:one'] } }))
        .toThrow(/'m2m.allowedClients' must not be empty/);
    });

    test('fails when a client is not granted the required scope', () => {
      const { stack, server, client } = seedFixture({ isolated: true });
      expect(() => new AccessControlPlugin(stack, 'Acl', { m2m: { server, allowedClients: [client], requiredScopes: ['user:write:one'] } }))
        .toThrow(/'m2m.allowedClients\[0\]' is not granted user:write:one on the server, so it could never pass, got "app_m7hfgn66xkyyxlhpkiw5kjenhy"/);
    });

    test('fails when the audience cannot be quoted safely', () => {
      const { stack } = seedFixture({ isolated: true });
      const odd = new M2mAuthorizationServer(stack, 'Odd', { issuer: TEST_ISSUER, audience: "https://x' or '1'='1", scopes: ['user:read:one'] });
      const client = odd.addClient('C', { clientId: 'app_c', grantedScopes: ['user:read:one'] });
      expect(() => new AccessControlPlugin(stack, 'Acl', { m2m: { server: odd, allowedClients: [client], requiredScopes: ['user:read:one'] } }))
        .toThrow(/'m2m.server.audience' cannot be matched safely in a condition \(value .* must not contain quotes.*\), got "https:\/\/x' or '1'='1"/);
    });

    test('fails when a client belongs to another server', () => {
      const { stack, server } = seedFixture({ isolated: true });
      const other = new M2mAuthorizationServer(stack, 'Other', { issuer: TEST_ISSUER, audience: 'https://other', scopes: ['user:read:one'] });
      const stranger = other.addClient('Stranger', { clientId: 'app_stranger', grantedScopes: ['user:read:one'] });
      expect(() => new AccessControlPlugin(stack, 'Acl', { m2m: { server, allowedClients: [stranger], requiredScopes: ['user:read:one'] } }))
        .toThrow(/'m2m.allowedClients\[0\]' belongs to another M2M server/);
    });
  });

  test('fails when a scope contains "_" or "%", which a like pattern would interpret', () => {
    // GIVEN
    const { stack } = seedFixture({ isolated: true });
    const server = new M2mAuthorizationServer(stack, 'Underscored', { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, scopes: ['user_read'] });
    const client = server.addClient('C', { clientId: 'app_c', grantedScopes: ['user_read'] });
    // WHEN / THEN
    expect(() => new AccessControlPlugin(stack, 'Acl', { m2m: { server, allowedClients: [client], requiredScopes: ['user_read'] } }))
      .toThrow(/'m2m.requiredScopes\[0\]' cannot be matched safely in a condition \(value "user_read" must not contain "%" or "_" here: it is matched with a like pattern/);
  });

  test('matches issuer, audience and client ids containing "%" or "_" with = only, so they are not interpreted', () => {
    // GIVEN
    const oddIssuer = `${TEST_ISSUER}/tenant_a%2F1`;
    const { stack } = seedFixture({ isolated: true, lock: testLock([{ ...TEST_FACTS, issuer: oddIssuer }]) });
    const server = new M2mAuthorizationServer(stack, 'Odd', { issuer: oddIssuer, audience: 'api_gateway%x', scopes: ['user:read:one'] });
    const client = server.addClient('C', { clientId: 'app_c_1', grantedScopes: ['user:read:one'] });
    // WHEN
    new AccessControlPlugin(stack, 'Acl', { m2m: { server, allowedClients: [client], requiredScopes: ['user:read:one'] } });
    // THEN
    const rules = parseScript(pluginOfType(JSON.parse(Testing.synth(stack)), 'accessControl')).rules;
    expect(rules.slice(0, 3).map((r: any) => r.condition)).toEqual([`$iss = '${TEST_ISSUER}/tenant_a%2F1'`, "$aud = 'api_gateway%x'", "$clientId = 'app_c_1'"]);
    const allow = rules.find((r: any) => r.name === 'allowM2m').condition;
    const good = { iss: `${TEST_ISSUER}/tenant_a%2F1`, aud: 'api_gateway%x', clientId: 'app_c_1', scope: 'user:read:one' };
    expect(evaluateCondition(allow, good)).toBe(true);
    expect(evaluateCondition(allow, { ...good, aud: 'apiXgatewayAAAx' })).toBe(false);
    expect(evaluateCondition(allow, { ...good, clientId: 'appXcX1' })).toBe(false);
  });

  describe('limits', () => {
    test(`accepts ${PluginLimits.maxEntries(InstanceType.SHARED)} rules on a shared instance`, () => {
      const { stack } = seedFixture({ isolated: true });
      // 15 custom rules + the final unconditional DENY
      expect(() => new AccessControlPlugin(stack, 'Acl', { rules: rules(15) })).not.toThrow();
    });

    test('fails when there are 17 rules on a shared instance', () => {
      const { stack } = seedFixture({ isolated: true });
      expect(() => new AccessControlPlugin(stack, 'Acl', { rules: rules(16) }))
        .toThrow(/'rules' has more rules than the 16 that take effect on SHARED instances, got 17. Merge rules, or use InstanceType.DEDICATED \(160\)/);
    });

    test('accepts 160 rules on a dedicated instance and tags the plugin for APIGW-LIM1', () => {
      const { stack } = seedFixture({ isolated: true });
      new AccessControlPlugin(stack, 'Acl', { rules: rules(159), instanceType: InstanceType.DEDICATED });
      expect(pluginOfType(synthJson(stack), 'accessControl').tags).toEqual({ 'm2m-guard:instance-type': 'DEDICATED' });
    });

    test('fails when there are 161 rules on a dedicated instance', () => {
      const { stack } = seedFixture({ isolated: true });
      expect(() => new AccessControlPlugin(stack, 'Acl', { rules: rules(160), instanceType: InstanceType.DEDICATED }))
        .toThrow(/'rules' has more rules than the 160 that take effect on DEDICATED instances, got 161/);
    });

    test('accepts 16 parameters and fails with 17 on a shared instance', () => {
      const { stack } = seedFixture({ isolated: true });
      // 15 header parameters + `method` of the final unconditional DENY
      expect(() => new AccessControlPlugin(stack, 'Ok', { rules: parameterRules(15) })).not.toThrow();
      expect(() => new AccessControlPlugin(stack, 'Acl', { rules: parameterRules(14), parameters: [AccessParameter.query('q1', 'a'), AccessParameter.query('q2', 'b')] }))
        .toThrow(/'parameters' has more parameters than the 16 that take effect on SHARED instances, got 17/);
    });

    test('accepts an expression of 1024 characters and fails at 1025', () => {
      const { stack } = seedFixture({ isolated: true });
      const exact = (length: number): Condition => Condition.equals(CLIENT, 'x'.repeat(length - "$clientId = ''".length));
      expect(exact(1024).render()).toHaveLength(1024);
      expect(() => new AccessControlPlugin(stack, 'Ok', { rules: [{ name: 'long', condition: exact(1024), ifTrue: RuleAction.ALLOW }] })).not.toThrow();
      expect(() => new AccessControlPlugin(stack, 'Acl', { rules: [{ name: 'long', condition: exact(1025), ifTrue: RuleAction.ALLOW }] }))
        .toThrow(/'rules\[0\].condition' is longer than the 1024 characters an expression may have .*, got "1025 characters"/);
    });

    test('fails when the M2M client allow-list makes an expression too long', () => {
      const { stack, server } = seedFixture({ isolated: true });
      const clients = clientIds(40).map((id, i) => server.addClient(`C${i}`, { clientId: id, grantedScopes: ['user:read:one'] }));
      expect(() => new AccessControlPlugin(stack, 'Acl', { m2m: { server, allowedClients: clients, requiredScopes: ['user:read:one'] } }))
        .toThrow(/'m2m.allowedClients.condition' is longer than the 1024 characters/);
    });

    test('fails when the script exceeds 50 KB', () => {
      const { stack } = seedFixture({ isolated: true });
      const body = (size: number) => ({ name: 'big', condition: Condition.equals(CLIENT, 'a1'), ifTrue: RuleAction.ALLOW, ifFalse: RuleAction.DENY, denyResponse: { body: 'x'.repeat(size) } });
      expect(() => new AccessControlPlugin(stack, 'Ok', { rules: [body(50_000)] })).not.toThrow();
      expect(() => new AccessControlPlugin(stack, 'Acl', { rules: [body(52_000)] }))
        .toThrow(/'pluginData' exceeds the 51200-byte \(50 KB\) limit of a plugin definition on SHARED instances/);
    });
  });

  test('fails when there is no rule', () => {
    const { stack } = seedFixture({ isolated: true });
    expect(() => new AccessControlPlugin(stack, 'Acl', {})).toThrow(/'rules' must not be empty, got \[\]/);
  });

  test('fails when a rule has no action, a duplicate name or a bad name', () => {
    const { stack } = seedFixture({ isolated: true });
    const c = Condition.equals(CLIENT, 'a1');
    expect(() => new AccessControlPlugin(stack, 'A', { rules: [{ name: 'x', condition: c }] })).toThrow(/'rules\[0\]' must set ifTrue or ifFalse/);
    expect(() => new AccessControlPlugin(stack, 'B', { rules: [{ name: 'x', condition: c, ifTrue: RuleAction.ALLOW }, { name: 'x', condition: c, ifTrue: RuleAction.ALLOW }] }))
      .toThrow(/'rules\[1\].name' is used by another rule/);
    expect(() => new AccessControlPlugin(stack, 'C', { rules: [{ name: 'a b', condition: c, ifTrue: RuleAction.ALLOW }] })).toThrow(/'rules\[0\].name' must be 1 to 64/);
  });

  test('fails when a deny response is malformed', () => {
    const { stack } = seedFixture({ isolated: true });
    const deny = (denyResponse: object): AccessControlRule[] => [{ name: 'x', condition: Condition.equals(CLIENT, 'a1'), ifTrue: RuleAction.ALLOW, ifFalse: RuleAction.DENY, denyResponse }];
    expect(() => new AccessControlPlugin(stack, 'A', { rules: deny({ statusCode: 200 }) })).toThrow(/'rules\[0\].denyResponse.statusCode' must be an integer from 400 to 599/);
    expect(() => new AccessControlPlugin(stack, 'B', { rules: deny({ errorMessage: 'who is ${user}' }) }))
      .toThrow(/'rules\[0\].denyResponse.errorMessage' interpolates \$\{user\}, which is not a declared parameter/);
    expect(() => new AccessControlPlugin(stack, 'C', { rules: deny({ headers: { 'X-A': 'a\r\nSet-Cookie: x' } }) })).toThrow(/must be a single line/);
    expect(() => new AccessControlPlugin(stack, 'D', { rules: deny({ headers: { 'X A': 'a' } }) })).toThrow(/header name/);
  });

  test('fails when two parameters share a name with different locations', () => {
    const { stack } = seedFixture({ isolated: true });
    expect(() => new AccessControlPlugin(stack, 'Acl', {
      rules: [{ name: 'x', condition: Condition.equals(CLIENT, 'a1'), ifTrue: RuleAction.ALLOW }],
      parameters: [AccessParameter.query('clientId', 'client')],
    })).toThrow(/declares parameter "clientId" as Query:client, but it is already Token:client_id/);
  });
});
