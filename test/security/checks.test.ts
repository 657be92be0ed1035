import { Aspects, TerraformStack, Testing } from 'cdktf';
import { describe, expect, test } from 'vitest';
import { RuleLevel, RuleResult, SecurityChecks, Suppressions } from '../../constructs';
import type { SecurityRule } from '../../constructs';
import { ApiGatewayGroup } from '../../.gen/providers/alicloud/api-gateway-group';
import { AlicloudProvider } from '../../.gen/providers/alicloud/provider';
import { annotations, testApp } from '../util';

const NAMED_OPEN: SecurityRule = {
  id: 'TEST-1',
  info: 'The group is named "open".',
  explanation: 'Used only to exercise the aspect.',
  level: RuleLevel.ERROR,
  check: (res) => {
    if (res.type !== 'alicloud_api_gateway_group') return RuleResult.NOT_APPLICABLE;
    const name = res.config.name;
    if (typeof name === 'string' && name.includes('${')) return RuleResult.UNRESOLVED;
    return name === 'open' ? ['name:open'] : RuleResult.COMPLIANT;
  },
};

function stackWith(name: string, rule: SecurityRule = NAMED_OPEN): TerraformStack {
  const stack = new TerraformStack(testApp(), 'checks');
  new AlicloudProvider(stack, 'alicloud', { region: 'cn-hangzhou' });
  new ApiGatewayGroup(stack, 'Group', { name });
  Aspects.of(stack).add(new SecurityChecks({ rules: [rule] }));
  return stack;
}

describe('SecurityChecks', () => {
  test('reports a granular finding as an error annotation with id, finding, info and explanation', () => {
    // GIVEN
    const stack = stackWith('open');
    // WHEN
    Testing.synth(stack);
    // THEN
    expect(annotations(stack).errors).toEqual(['TEST-1[name:open]: The group is named "open". Used only to exercise the aspect.']);
  });

  test('is idempotent across repeated synths', () => {
    // GIVEN
    const stack = stackWith('open');
    // WHEN
    Testing.synth(stack);
    Testing.synth(stack);
    // THEN
    expect(annotations(stack).errors).toHaveLength(1);
  });

  test('reports a compliant resource with no annotation', () => {
    const stack = stackWith('closed');
    Testing.synth(stack);
    expect(annotations(stack)).toEqual({ errors: [], warnings: [], infos: [] });
  });

  test('reports an unresolvable input as an UNRESOLVED warning, never a silent pass', () => {
    // GIVEN
    const stack = new TerraformStack(testApp(), 'checks');
    const first = new ApiGatewayGroup(stack, 'First', { name: 'a' });
    new ApiGatewayGroup(stack, 'Second', { name: first.name });
    Aspects.of(stack).add(new SecurityChecks({ rules: [NAMED_OPEN] }));
    // WHEN
    Testing.synth(stack);
    // THEN
    expect(annotations(stack).warnings).toEqual([expect.stringMatching(/^TEST-1: UNRESOLVED/)]);
  });

  test('sees addOverride escape hatches', () => {
    // GIVEN
    const stack = new TerraformStack(testApp(), 'checks');
    const group = new ApiGatewayGroup(stack, 'Group', { name: 'closed' });
    group.addOverride('name', 'open');
    Aspects.of(stack).add(new SecurityChecks({ rules: [NAMED_OPEN] }));
    // WHEN
    Testing.synth(stack);
    // THEN
    expect(annotations(stack).errors).toHaveLength(1);
  });

  test('an error annotation fails the app synth', () => {
    // GIVEN
    const stack = stackWith('open');
    // WHEN / THEN
    expect(() => Testing.fullSynth(stack)).toThrow(/TEST-1\[name:open\]/);
  });

  test('a warning-level rule does not fail the synth', () => {
    const stack = stackWith('open', { ...NAMED_OPEN, level: RuleLevel.WARNING });
    expect(() => Testing.fullSynth(stack)).not.toThrow();
    expect(annotations(stack).warnings).toHaveLength(1);
  });
});

describe('Suppressions', () => {
  test('fails when the rule id is unknown', () => {
    const stack = new TerraformStack(testApp(), 's');
    expect(() => Suppressions.add(stack, [{ id: 'NOPE-1', reason: 'a long enough reason' }])).toThrow(/'suppressions\[0\].id' is not a known security rule id, got "NOPE-1"/);
  });

  test('fails when the id is a wildcard', () => {
    const stack = new TerraformStack(testApp(), 's');
    expect(() => Suppressions.add(stack, [{ id: '*', reason: 'a long enough reason' }])).toThrow(/is not a known security rule id/);
  });
});
