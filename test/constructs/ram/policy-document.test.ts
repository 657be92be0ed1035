import { describe, expect, test } from 'vitest';
import { ConditionOperator, CustomPolicy, Effect, PolicyDocument } from '../../../constructs';
import type { PolicyStatementProps } from '../../../constructs';
import { synthJson, testStack } from '../../util';
import { onlyResource, testProvider, testRole } from './helpers';

const READ: PolicyStatementProps = { actions: ['oss:GetObject'], resources: ['acs:oss:*:*:reports/*'] };

/** Builds a custom policy in a fresh stack (where validation errors are raised). */
function customPolicy(statements: PolicyStatementProps[], options: { policyName?: string } = {}): CustomPolicy {
  return new CustomPolicy(testStack(), 'Policy', { document: new PolicyDocument({ statements }), ...options });
}

describe('PolicyDocument', () => {
  test('renders Version "1", statements in order, keys in a fixed order, values sorted and de-duplicated', () => {
    // GIVEN
    const document = new PolicyDocument({
      statements: [
        {
          actions: ['oss:PutObject', 'oss:GetObject', 'oss:PutObject'],
          resources: ['acs:oss:*:*:b/*', 'acs:oss:*:*:a/*'],
          conditions: [
            { operator: ConditionOperator.STRING_LIKE, key: 'oss:Prefix', values: ['z/*', 'a/*'] },
            { operator: ConditionOperator.IP_ADDRESS, key: 'acs:SourceIp', values: ['10.0.0.0/8'] },
          ],
        },
        { effect: Effect.DENY, actions: ['oss:DeleteObject'], resources: ['*'] },
      ],
    });
    // WHEN
    const json = document.toJson();
    // THEN
    expect(json).toBe('{"Version":"1","Statement":['
      + '{"Action":["oss:GetObject","oss:PutObject"],"Condition":{"IpAddress":{"acs:SourceIp":["10.0.0.0/8"]},"StringLike":{"oss:Prefix":["a/*","z/*"]}},"Effect":"Allow","Resource":["acs:oss:*:*:a/*","acs:oss:*:*:b/*"]},'
      + '{"Action":["oss:DeleteObject"],"Effect":"Deny","Resource":["*"]}]}');
  });

  test('defaults the effect to Allow', () => {
    const document = new PolicyDocument({ statements: [READ] });
    expect(document.toObject().Statement[0].Effect).toBe('Allow');
  });

  test('supports custom condition operators', () => {
    const document = new PolicyDocument({
      statements: [{ ...READ, conditions: [{ operator: ConditionOperator.custom('StringEqualsIfExists'), key: 'acs:Region', values: ['cn-hangzhou'] }] }],
    });
    expect(document.toObject().Statement[0].Condition).toEqual({ StringEqualsIfExists: { 'acs:Region': ['cn-hangzhou'] } });
  });

  test('returns a new document when statements are appended, leaving the original unchanged', () => {
    // GIVEN
    const document = new PolicyDocument({ statements: [READ] });
    // WHEN
    const bigger = document.withStatements({ actions: ['oss:ListObjects'], resources: ['acs:oss:*:*:reports'] });
    // THEN
    expect(document.statements).toHaveLength(1);
    expect(bigger.statements).toHaveLength(2);
  });

  test('reports no problems for a valid document', () => {
    expect(new PolicyDocument({ statements: [READ] }).problems()).toEqual([]);
  });

  test('allows wildcard actions and resources in Deny statements', () => {
    const document = new PolicyDocument({ statements: [READ, { effect: Effect.DENY, actions: ['*', 'oss:*'], resources: ['*'] }] });
    expect(document.problems()).toEqual([]);
  });

  test('accepts partial action wildcards', () => {
    expect(new PolicyDocument({ statements: [{ actions: ['oss:Get*'], resources: ['acs:oss:*:*:reports/*'] }] }).problems()).toEqual([]);
  });
});

describe('CustomPolicy', () => {
  test('defines an alicloud_ram_policy with the rendered document', () => {
    // GIVEN
    const stack = testStack();
    // WHEN
    new CustomPolicy(stack, 'ReadReports', { policyName: 'read-reports', document: new PolicyDocument({ statements: [READ] }) });
    // THEN
    const policy = onlyResource(synthJson(stack), 'alicloud_ram_policy');
    expect(policy.policy_name).toBe('read-reports');
    expect(JSON.parse(policy.policy_document)).toEqual({
      Version: '1',
      Statement: [{ Action: ['oss:GetObject'], Effect: 'Allow', Resource: ['acs:oss:*:*:reports/*'] }],
    });
  });

  test('generates a policy name of letters, digits and hyphens when none is given', () => {
    const stack = testStack();
    new CustomPolicy(stack, 'Read_Reports', { document: new PolicyDocument({ statements: [READ] }) });
    expect(onlyResource(synthJson(stack), 'alicloud_ram_policy').policy_name).toMatch(/^test-Read-Reports-[0-9A-F]{8}$/);
  });

  test('accepts a 128-character policy name', () => {
    expect(() => customPolicy([READ], { policyName: 'a'.repeat(128) })).not.toThrow();
  });

  test.each([['too long', 'a'.repeat(129)], ['with a period', 'read.reports']])('fails when the policy name is %s', (_, name) => {
    expect(() => customPolicy([READ], { policyName: name })).toThrow(/'policyName' must be a valid RAM policy name/);
  });

  test('fails when there are no statements', () => {
    expect(() => customPolicy([])).toThrow(/\[test\/Policy\] 'document.statements' must not be empty/);
  });

  test.each(['GetObject', 'oss:', 'oss:Get Object', 'oss::GetObject'])('fails when the action %s is not service:Action', (action) => {
    expect(() => customPolicy([{ actions: [action], resources: ['acs:oss:*:*:reports/*'] }]))
      .toThrow(/'document.statements\[0\].actions\[0\]' must have the form service:Action/);
  });

  test('fails when an Allow statement allows every action', () => {
    expect(() => customPolicy([{ actions: ['*'], resources: ['acs:oss:*:*:reports/*'] }]))
      .toThrow(/'document.statements\[0\].actions\[0\]' must not allow every action/);
  });

  test('fails when an Allow statement allows every action of a service', () => {
    expect(() => customPolicy([{ actions: ['oss:GetObject', 'oss:*'], resources: ['acs:oss:*:*:reports/*'] }]))
      .toThrow(/'document.statements\[0\].actions\[1\]' must not allow every action of a service/);
  });

  test('fails when an Allow statement allows every resource', () => {
    expect(() => customPolicy([{ actions: ['oss:GetObject'], resources: ['*'] }]))
      .toThrow(/'document.statements\[0\].resources\[0\]' must not allow every resource/);
  });

  test('fails when a resource is not an ARN', () => {
    expect(() => customPolicy([{ actions: ['oss:GetObject'], resources: ['reports/*'] }]))
      .toThrow(/'document.statements\[0\].resources\[0\]' must be "\*" or an ARN/);
  });

  test('fails when a statement has no actions', () => {
    expect(() => customPolicy([{ actions: [], resources: ['acs:oss:*:*:reports/*'] }])).toThrow(/'document.statements\[0\].actions' must not be empty/);
  });

  test('fails when a statement has no resources', () => {
    expect(() => customPolicy([{ actions: ['oss:GetObject'], resources: [] }])).toThrow(/'document.statements\[0\].resources' must not be empty/);
  });

  test('fails when a condition has no values', () => {
    expect(() => customPolicy([{ ...READ, conditions: [{ operator: ConditionOperator.STRING_EQUALS, key: 'acs:Region', values: [] }] }]))
      .toThrow(/'document.statements\[0\].conditions\[0\].values' must not be empty/);
  });

  test('fails when a condition key is malformed', () => {
    expect(() => customPolicy([{ ...READ, conditions: [{ operator: ConditionOperator.STRING_EQUALS, key: 'Region', values: ['cn-hangzhou'] }] }]))
      .toThrow(/'document.statements\[0\].conditions\[0\].key' must be a condition key/);
  });

  test('fails when an operator and key repeat within a statement', () => {
    const condition = { operator: ConditionOperator.STRING_EQUALS, key: 'acs:Region', values: ['cn-hangzhou'] };
    expect(() => customPolicy([{ ...READ, conditions: [condition, { ...condition, values: ['cn-beijing'] }] }]))
      .toThrow(/'document.statements\[0\].conditions\[1\]' repeats operator StringEquals with key acs:Region/);
  });

  test('fails at synth when the document is longer than RAM accepts', () => {
    // GIVEN
    const stack = testStack();
    const resources = Array.from({ length: 400 }, (_, i) => `acs:oss:*:*:bucket-${i}/*`);
    new CustomPolicy(stack, 'Huge', { document: new PolicyDocument({ statements: [{ actions: ['oss:GetObject'], resources }] }) });
    // WHEN / THEN
    expect(() => synthJson(stack)).toThrow(/'document' must render to at most 6144 characters/);
  });

  test('validates statements added later', () => {
    const policy = customPolicy([READ]);
    expect(() => policy.addStatements({ actions: ['oss:*'], resources: ['acs:oss:*:*:x/*'] }))
      .toThrow(/'addStatements.statements\[0\].actions\[0\]' must not allow every action of a service/);
  });

  test('attaches to a role once', () => {
    // GIVEN
    const stack = testStack();
    const role = testRole(stack, testProvider(stack));
    const policy = new CustomPolicy(stack, 'ReadReports', { document: new PolicyDocument({ statements: [READ] }) });
    // WHEN
    const first = policy.attachToRole(role);
    // THEN
    expect(policy.attachToRole(role)).toBe(first);
    expect(onlyResource(synthJson(stack), 'alicloud_ram_role_policy_attachment').policy_type).toBe('Custom');
  });
});
