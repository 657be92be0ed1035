import { describe, expect, test } from 'vitest';
import { evaluateTrustPolicy, stringLike } from '../../emulator';

const PROVIDER = 'acs:ram::1234567890123456:oidc-provider/idaas';
const CONTEXT = { 'oidc:iss': ['https://idp.example'], 'oidc:aud': ['api-a', 'api-b'], 'oidc:sub': ['app_reporting'] };

function policy(...statements: Record<string, unknown>[]) {
  return { Version: '1', Statement: statements };
}
const allow = (condition?: Record<string, unknown>) => ({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Federated: [PROVIDER] }, ...(condition ? { Condition: condition } : {}) });

describe('evaluateTrustPolicy', () => {
  test('allows when every StringEquals condition holds (a multi-valued aud matches through any value)', () => {
    const decision = evaluateTrustPolicy(policy(allow({ StringEquals: { 'oidc:iss': 'https://idp.example', 'oidc:aud': ['api-b'], 'oidc:sub': ['app_reporting'] } })), PROVIDER, CONTEXT);
    expect(decision).toEqual({ allowed: true, reason: 'statement 1 allows sts:AssumeRole' });
  });

  test('refuses another federated principal, naming it', () => {
    const decision = evaluateTrustPolicy(policy(allow()), 'acs:ram::1234567890123456:oidc-provider/other', CONTEXT);
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toContain('does not name acs:ram::1234567890123456:oidc-provider/other');
  });

  test('refuses a statement without sts:AssumeRole', () => {
    expect(evaluateTrustPolicy(policy({ ...allow(), Action: 'ram:GetRole' }), PROVIDER, CONTEXT).allowed).toBe(false);
  });

  test('an explicit Deny wins over an Allow', () => {
    const decision = evaluateTrustPolicy(policy(allow(), { ...allow({ StringEquals: { 'oidc:sub': 'app_reporting' } }), Effect: 'Deny' }), PROVIDER, CONTEXT);
    expect(decision).toEqual({ allowed: false, reason: 'statement 2 denies sts:AssumeRole to ' + PROVIDER });
  });

  test('StringNotEquals and StringNotLike refuse what they name', () => {
    expect(evaluateTrustPolicy(policy(allow({ StringNotEquals: { 'oidc:sub': 'app_reporting' } })), PROVIDER, CONTEXT).allowed).toBe(false);
    expect(evaluateTrustPolicy(policy(allow({ StringNotLike: { 'oidc:sub': 'app_batch_*' } })), PROVIDER, CONTEXT).allowed).toBe(true);
  });

  test('fails closed on a condition operator it does not emulate, and on a key the token lacks', () => {
    const unknown = evaluateTrustPolicy(policy(allow({ StringEqualsIgnoreCase: { 'oidc:sub': 'APP_REPORTING' } })), PROVIDER, CONTEXT);
    expect(unknown).toMatchObject({ allowed: false });
    expect(unknown.reason).toContain('StringEqualsIgnoreCase is not emulated');
    expect(evaluateTrustPolicy(policy(allow({ StringEquals: { 'oidc:email': 'x@example' } })), PROVIDER, CONTEXT).allowed).toBe(false);
  });
});

describe('stringLike', () => {
  test('* matches any run, ? one character, nothing else is special, case counts', () => {
    expect(stringLike('app_*', 'app_batch_nightly')).toBe(true);
    expect(stringLike('app_?', 'app_ab')).toBe(false);
    expect(stringLike('app.x', 'appXx')).toBe(false);
    expect(stringLike('APP_*', 'app_x')).toBe(false);
  });
});
