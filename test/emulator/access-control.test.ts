/**
 * The emulator's access-control step on its own: parameter values, claim rendering and rule order,
 * with scripts rendered by the project's AccessControlPlugin. Claims are given directly here (no
 * token), e.g. scopes the demo issuer cannot mint.
 */
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { AccessControlPlugin, AccessParameter, Condition, RuleAction } from '../../constructs';
import {
  type AccessContext, type AccessControlConfig, decideAccessControl, interpolate, parameterValue,
  readAccessControlConfig, referencedParameters, renderClaim,
} from '../../emulator';
import { SEED_CLIENT_ID, TEST_AUDIENCE, TEST_ISSUER, testServer, testStack } from '../util';

function context(claims?: Record<string, unknown>, extra: Partial<AccessContext> = {}): AccessContext {
  return { method: 'GET', path: '/hello', pathParameters: {}, query: {}, headers: {}, claims, ...extra };
}

/** The seed's plugin as the project renders it: audience, client, whole-scope `user:read:one`. */
function seedAcl(): AccessControlConfig {
  const stack = testStack();
  const server = testServer(stack);
  const client = server.addClient('Seed', { clientId: SEED_CLIENT_ID, grantedScopes: ['user:read:one'] });
  const acl = new AccessControlPlugin(stack, 'Acl', { m2m: { server, allowedClients: [client], requiredScopes: ['user:read:one'] } });
  // pluginData is the text the gateway receives (Terraform escaping already undone)
  return readAccessControlConfig(parse(acl.pluginData) as Record<string, unknown>);
}

describe('renderClaim', () => {
  test.each([
    ['a string as-is', 'user:read:one', 'user:read:one'],
    ['an array as JSON text', ['user:read:one', 'x'], '["user:read:one","x"]'],
    ['a number as its text', 1700000000, '1700000000'],
    ['a boolean as its text', true, 'true'],
    ['an object as JSON text', { a: 1 }, '{"a":1}'],
    ['null as absent', null, undefined],
  ])('renders %s', (_, value, rendered) => {
    expect(renderClaim(value)).toBe(rendered);
  });
});

describe('decideAccessControl with the seed rules', () => {
  const acl = seedAcl();
  const claims = (scope: unknown, aud: unknown = TEST_AUDIENCE) => ({ iss: TEST_ISSUER, aud, client_id: SEED_CLIENT_ID, scope });

  test.each([
    ['the exact scope', 'user:read:one'],
    ['the scope among others (space-delimited)', 'openid user:read:one user:write:one'],
    ['the scope in an array claim', ['user:write:one', 'user:read:one']],
  ])('allows %s', (_, scope) => {
    expect(decideAccessControl(acl, context(claims(scope)))).toMatchObject({ decision: 'ALLOW' });
  });

  test.each([
    ['user:read:one-admin as a string', 'user:read:one-admin'],
    ['user:read:one-admin in an array', ['user:read:one-admin']],
    ['a prefix-extended scope among others', 'openid user:read:one:all'],
    ['a comma-joined list (fails closed)', 'user:write:one,user:read:one'],
  ])('denies %s for user:read:one', (_, scope) => {
    expect(decideAccessControl(acl, context(claims(scope)))).toMatchObject({
      decision: 'DENY', rule: 'checkScope', status: 403, errorMessage: `Missing scope user:read:one for client id: ${SEED_CLIENT_ID}`,
    });
  });

  test('allows an audience array that holds the audience, denies one that does not', () => {
    expect(decideAccessControl(acl, context(claims('user:read:one', ['other', TEST_AUDIENCE])))).toMatchObject({ decision: 'ALLOW' });
    expect(decideAccessControl(acl, context(claims('user:read:one', ['other'])))).toMatchObject({ decision: 'DENY', rule: 'checkAudience' });
  });

  test('denies a token without a scope claim with the final DENY, even though every rule reading $scope is skipped', () => {
    expect(decideAccessControl(acl, context(claims(undefined)))).toMatchObject({
      decision: 'DENY', rule: 'denyOtherwise', status: 403, reason: expect.stringContaining('after skipping checkScope (no value for $scope), allowM2m (no value for $scope)'),
    });
  });

  test('denies everything without verified claims (fails closed)', () => {
    expect(decideAccessControl(acl, context(undefined))).toMatchObject({ decision: 'DENY', rule: 'denyOtherwise' });
  });
});

describe('decideAccessControl rule order and responses', () => {
  const method = AccessParameter.method('verb');
  const config = (rules: AccessControlConfig['rules']): AccessControlConfig => ({ parameters: { verb: method.location, who: 'Header:X-Who' }, rules });

  test('lets the first ALLOW win over a later DENY', () => {
    const outcome = decideAccessControl(config([
      { name: 'first', condition: Condition.equals(method, 'GET').render(), ifTrue: RuleAction.ALLOW },
      { name: 'second', condition: Condition.equals(method, 'GET').render(), ifTrue: RuleAction.DENY },
    ]), context());
    expect(outcome).toMatchObject({ decision: 'ALLOW', rule: 'first' });
  });

  test('skips rules without an action for the outcome and lets the request through when none decides', () => {
    const outcome = decideAccessControl(config([
      { name: 'onlyIfTrue', condition: "$verb = 'POST'", ifTrue: RuleAction.DENY },
    ]), context());
    expect(outcome).toMatchObject({ decision: 'ALLOW', reason: 'accessControl: no rule decided, let through (1 rules)' });
  });

  test('denies with the rule\'s status, interpolated message, headers and body', () => {
    const outcome = decideAccessControl(config([{
      name: 'noPost', condition: "$verb = 'GET'", ifFalse: RuleAction.DENY, statusCode: 405,
      errorMessage: '${verb} by ${who} is not allowed', responseHeaders: { 'X-Rule': 'noPost ${verb}' }, responseBody: '{"method":"${verb}","missing":"${nobody}"}',
    }]), context(undefined, { method: 'POST', headers: { 'x-who': ['bot'] } }));
    expect(outcome).toEqual({
      decision: 'DENY', rule: 'noPost', status: 405, errorMessage: 'POST by bot is not allowed', headers: { 'X-Rule': 'noPost POST' },
      body: '{"method":"POST","missing":""}', reason: 'accessControl: rule noPost denied (condition false): POST by bot is not allowed',
    });
  });

  test('skips a rule outside the evaluated subset (the worst case the gateway leaves open): without a final DENY the request falls through', () => {
    const outcome = decideAccessControl(config([{ name: 'neq', condition: "$verb != 'GET'", ifTrue: RuleAction.DENY }]), context());
    expect(outcome).toMatchObject({ decision: 'ALLOW', reason: expect.stringContaining('skipped as unevaluable: neq (unsupported syntax') });
  });

  test('skips a rule over an absent parameter, and the unconditional DENY at the end still denies', () => {
    const outcome = decideAccessControl({ parameters: { verb: 'Method', who: 'Header:X-Who' }, rules: [
      { name: 'allowBot', condition: "$who = 'bot'", ifTrue: RuleAction.ALLOW, ifFalse: RuleAction.DENY },
      { name: 'denyOtherwise', condition: "$verb like '%'", ifTrue: RuleAction.DENY, ifFalse: RuleAction.DENY },
    ] }, context());
    expect(outcome).toMatchObject({ decision: 'DENY', rule: 'denyOtherwise', reason: expect.stringContaining('after skipping allowBot (no value for $who)') });
  });

  test('finds the parameters a condition references, not $ inside quoted literals', () => {
    expect(referencedParameters("$a = 'x$y' or $b like '%$c%' and $a = $d")).toEqual(['a', 'b', 'd']);
  });
});

describe('parameterValue', () => {
  const ctx = context({ client_id: 'app_x', n: 3 }, {
    method: 'PUT', path: '/users/42', pathParameters: { id: '42' }, query: { tenant: ['a', 'b'] }, headers: { 'x-ca-key': ['k'], host: ['api.example.com'] },
  });
  test.each([
    ['Token:client_id', 'app_x'],
    ['Token:n', '3'],
    ['Token:missing', undefined],
    ['Query:tenant', 'a'],
    ['Header:X-Ca-Key', 'k'],
    ['Path:id', '42'],
    ['Path', '/users/42'],
    ['Method', 'PUT'],
    ['Host', 'api.example.com'],
    ['System:CaAppId', undefined],
  ])('reads %s', (location, value) => {
    expect(parameterValue(location, ctx)).toBe(value);
  });

  test('interpolates absent parameters as empty text', () => {
    expect(interpolate('a${x}b${y}', { x: '1' })).toBe('a1b');
  });
});
