/**
 * The emulator's access-control step on its own: parameter values, claim rendering and rule order,
 * with scripts rendered by the project's AccessControlPlugin. Claims are given directly here (no
 * token), e.g. scopes the demo issuer cannot mint.
 */
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { AccessControlPlugin, AccessParameter, Condition, RuleAction } from '../../constructs';
import {
  type AccessContext, type AccessControlConfig, EmulatorUnsupportedError, decideAccessControl, interpolate, parameterValue,
  readAccessControlConfig, renderClaim,
} from '../../emulator';
import { SEED_CLIENT_ID, TEST_AUDIENCE, testServer, testStack } from '../util';

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
  const claims = (scope: unknown, aud: unknown = TEST_AUDIENCE) => ({ aud, client_id: SEED_CLIENT_ID, scope });

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
    ['no scope claim', undefined],
  ])('denies %s for user:read:one', (_, scope) => {
    expect(decideAccessControl(acl, context(claims(scope)))).toMatchObject({
      decision: 'DENY', rule: 'checkScope', status: 403, errorMessage: `Missing scope user:read:one for client id: ${SEED_CLIENT_ID}`,
    });
  });

  test('allows an audience array that holds the audience, denies one that does not', () => {
    expect(decideAccessControl(acl, context(claims('user:read:one', ['other', TEST_AUDIENCE])))).toMatchObject({ decision: 'ALLOW' });
    expect(decideAccessControl(acl, context(claims('user:read:one', ['other'])))).toMatchObject({ decision: 'DENY', rule: 'checkAudience' });
  });

  test('denies everything without verified claims (fails closed)', () => {
    expect(decideAccessControl(acl, context(undefined))).toMatchObject({ decision: 'DENY', rule: 'checkAudience' });
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

  test('fails when a condition is outside the evaluated subset (reported as unsupported, not as a decision)', () => {
    expect(() => decideAccessControl(config([{ name: 'neq', condition: "$verb != 'GET'", ifTrue: RuleAction.DENY }]), context()))
      .toThrow(EmulatorUnsupportedError);
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
