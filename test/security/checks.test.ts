import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Aspects, type IStackSynthesizer, type ISynthesisSession, TerraformStack, Testing } from 'cdktf';
import { StackSynthesizer } from 'cdktf/lib/synthesize/synthesizer';
import { Construct } from 'constructs';
import { afterEach, describe, expect, test } from 'vitest';
import { APIGATEWAY_RULES, RuleLevel, RuleResult, SecurityCheckError, SecurityChecks, Suppressions } from '../../constructs';
import { parsedScriptOf } from '../../constructs/security/rules/apigateway';
import type { ResourceView, SecurityRule } from '../../constructs';
import { ApiGatewayGroup } from '../../.gen/providers/alicloud/api-gateway-group';
import { AlicloudProvider } from '../../.gen/providers/alicloud/provider';
import { annotations, checkStack, testApp } from '../util';

const NAMED_OPEN: SecurityRule = {
  id: 'TEST-1',
  info: 'The group is named "open".',
  explanation: 'Used only to exercise the checks.',
  level: RuleLevel.ERROR,
  check: (res) => {
    if (res.type !== 'alicloud_api_gateway_group') return RuleResult.NOT_APPLICABLE;
    const name = res.config.name;
    if (typeof name === 'string' && name.includes('${')) return RuleResult.UNRESOLVED;
    return name === 'open' ? ['name:open'] : RuleResult.COMPLIANT;
  },
};

function emptyStack(rule: SecurityRule = NAMED_OPEN): TerraformStack {
  const stack = new TerraformStack(testApp(), 'checks');
  new AlicloudProvider(stack, 'alicloud', { region: 'cn-hangzhou' });
  SecurityChecks.attach(stack, { rules: [rule] });
  return stack;
}

function stackWith(name: string, rule: SecurityRule = NAMED_OPEN): TerraformStack {
  const stack = emptyStack(rule);
  new ApiGatewayGroup(stack, 'Group', { name });
  return stack;
}

/** A stack whose group name is a reference: unknown until apply. */
function unresolvedStack(): TerraformStack {
  const stack = emptyStack();
  const first = new ApiGatewayGroup(stack, 'First', { name: 'a' });
  new ApiGatewayGroup(stack, 'Second', { name: first.name });
  return stack;
}

const CONTINUE = 'CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS';
afterEach(() => {
  delete process.env[CONTINUE];
});

describe('SecurityChecks', () => {
  test('reports a granular finding as an error annotation with id, finding, info and explanation', () => {
    // GIVEN
    const stack = stackWith('open');
    // WHEN
    const found = checkStack(stack);
    // THEN
    expect(found.errors).toEqual(['TEST-1[name:open]: The group is named "open". Used only to exercise the checks.']);
  });

  test('reports the finding against the construct path cdktf records for the resource', () => {
    // GIVEN
    const stack = emptyStack();
    const parent = new Construct(stack, 'Parent');
    new ApiGatewayGroup(parent, 'Group', { name: 'open' });
    // WHEN
    const report = SecurityChecks.of(stack)!.check(stack, stack.toTerraform());
    // THEN
    expect(report.errors).toEqual([expect.objectContaining({ ruleId: 'TEST-1', finding: 'name:open', path: 'checks/Parent/Group', address: expect.stringMatching(/^alicloud_api_gateway_group\.Parent_Group_/) })]);
    expect(annotations(parent).errors).toHaveLength(1);
  });

  test('rules see the resource exactly as synthesized, without cdktf metadata', () => {
    // GIVEN
    const seen: ResourceView[] = [];
    const spy: SecurityRule = { ...NAMED_OPEN, check: (res) => (seen.push(res), RuleResult.COMPLIANT) };
    const stack = stackWith('closed', spy);
    // WHEN
    Testing.fullSynth(stack);
    // THEN
    const group = seen.find((v) => v.type === 'alicloud_api_gateway_group')!;
    expect(group.config).toEqual({ name: 'closed' });
    expect(group.path).toBe('checks/Group');
  });

  test('is idempotent across repeated synths', () => {
    // GIVEN
    const stack = stackWith('open');
    // WHEN
    checkStack(stack);
    checkStack(stack);
    // THEN
    expect(annotations(stack).errors).toHaveLength(1);
  });

  test('reports a compliant resource with no annotation', () => {
    expect(checkStack(stackWith('closed'))).toEqual({ errors: [], warnings: [], infos: [] });
  });

  test('reports an unresolvable input as an UNRESOLVED warning, never a silent pass', () => {
    expect(checkStack(unresolvedStack()).warnings).toEqual([expect.stringMatching(/^TEST-1: UNRESOLVED/)]);
  });

  test('sees addOverride escape hatches', () => {
    // GIVEN
    const stack = emptyStack();
    const group = new ApiGatewayGroup(stack, 'Group', { name: 'closed' });
    group.addOverride('name', 'open');
    // WHEN / THEN
    expect(checkStack(stack).errors).toHaveLength(1);
  });

  test('sees resources added as raw stack overrides, reported against the stack', () => {
    // GIVEN
    const stack = emptyStack();
    stack.addOverride('resource.alicloud_api_gateway_group.raw', { name: 'open' });
    // WHEN
    const report = SecurityChecks.of(stack)!.check(stack, stack.toTerraform());
    // THEN
    expect(report.errors).toEqual([expect.objectContaining({ address: 'alicloud_api_gateway_group.raw', path: 'checks' })]);
  });

  test('an error fails the app synth and leaves no stack file', () => {
    // GIVEN
    const stack = stackWith('open');
    // WHEN / THEN
    expect(() => Testing.fullSynth(stack)).toThrow(SecurityCheckError);
    expect(() => Testing.fullSynth(stack)).toThrow(/\[checks\/Group\] TEST-1\[name:open\]/);
  });

  test('an error fails the synth even with CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS set', () => {
    // GIVEN cdktf told to continue on error annotations (the cdktf CLI sets it for every app it runs)
    process.env[CONTINUE] = 'true';
    const stack = stackWith('open');
    // WHEN / THEN
    expect(() => Testing.fullSynth(stack)).toThrow(/TEST-1\[name:open\]/);
  });

  test('a warning-level rule does not fail the synth', () => {
    const stack = stackWith('open', { ...NAMED_OPEN, level: RuleLevel.WARNING });
    expect(() => Testing.fullSynth(stack)).not.toThrow();
    expect(annotations(stack).warnings).toHaveLength(1);
  });

  test('still works as a cdktf aspect', () => {
    // GIVEN
    const stack = new TerraformStack(testApp(), 'checks');
    new ApiGatewayGroup(stack, 'Group', { name: 'open' });
    Aspects.of(stack).add(new SecurityChecks({ rules: [NAMED_OPEN] }));
    // WHEN
    Testing.synth(stack);
    // THEN
    expect(annotations(stack).errors).toEqual([expect.stringMatching(/^TEST-1\[name:open\]/)]);
  });

  test('parses each plugin script once however many rules read it', () => {
    // GIVEN a plugin that every APIGW rule reads
    const stack = new TerraformStack(testApp(), 'checks');
    stack.addOverride('resource.alicloud_api_gateway_plugin.jwt', { plugin_name: 'jwt', plugin_type: 'jwtAuth', plugin_data: '---\nbypassEmptyToken: true\npreventJtiReplay: true\n' });
    const seen: ResourceView[] = [];
    const spy: SecurityRule = { ...NAMED_OPEN, id: 'TEST-SPY', check: (res) => (seen.push(res), RuleResult.COMPLIANT) };
    SecurityChecks.attach(stack, { rules: [...APIGATEWAY_RULES, spy] });
    // WHEN
    const report = SecurityChecks.of(stack)!.check(stack, stack.toTerraform());
    // THEN every rule got the same view, whose script is parsed once and then shared
    const plugin = seen.find((v) => v.type === 'alicloud_api_gateway_plugin')!;
    expect(parsedScriptOf(plugin)).toBe(parsedScriptOf(plugin));
    expect(report.errors.map((f) => f.ruleId)).toEqual(['APIGW-JWT1']);
  });

  test('under a synthesizer other than cdktf\'s own, evaluates the file it wrote', () => {
    // GIVEN a compliant stack whose synthesizer renames the group to "open" in the written file only
    const stack = stackWith('closed');
    const cdktfOwn = (stack.synthesizer as unknown as { inner: IStackSynthesizer }).inner;
    stack.synthesizer = {
      synthesize: (session: ISynthesisSession) => {
        cdktfOwn.synthesize(session);
        const file = join(session.outdir, session.manifest.forStack(stack).synthesizedStackPath);
        writeFileSync(file, readFileSync(file, 'utf8').replace('"closed"', '"open"'));
      },
    };
    SecurityChecks.attach(stack, { rules: [NAMED_OPEN] });
    // WHEN / THEN the checks see what was written
    expect(() => Testing.fullSynth(stack)).toThrow(/TEST-1\[name:open\]/);
  });

  test('under a subclass of cdktf\'s synthesizer, evaluates the file it wrote', () => {
    // GIVEN a compliant stack whose synthesizer extends cdktf's and renames the group in the written file only
    const stack = stackWith('closed');
    class RenamingSynthesizer extends StackSynthesizer {
      public synthesize(session: ISynthesisSession): void {
        super.synthesize(session);
        const file = join(session.outdir, session.manifest.forStack(stack).synthesizedStackPath);
        writeFileSync(file, readFileSync(file, 'utf8').replace('"closed"', '"open"'));
      }
    }
    stack.synthesizer = new RenamingSynthesizer(stack);
    SecurityChecks.attach(stack, { rules: [NAMED_OPEN] });
    // WHEN / THEN the checks see what was written
    expect(() => Testing.fullSynth(stack)).toThrow(/TEST-1\[name:open\]/);
  });

  test('runs a rule that declares resourceTypes only on those types, and a rule that declares none on every resource', () => {
    // GIVEN a group, a plugin and a RAM role
    const stack = new TerraformStack(testApp(), 'checks');
    new ApiGatewayGroup(stack, 'Group', { name: 'closed' });
    stack.addOverride('resource.alicloud_api_gateway_plugin.p', { plugin_name: 'p', plugin_type: 'cors', plugin_data: '{}' });
    stack.addOverride('resource.alicloud_ram_role.r', { role_name: 'r' });
    const typed: string[] = [];
    const untyped: string[] = [];
    const typedSpy: SecurityRule = { ...NAMED_OPEN, id: 'TEST-TYPED', resourceTypes: ['alicloud_ram_role', 'alicloud_api_gateway_group'], check: (res) => (typed.push(res.address), RuleResult.COMPLIANT) };
    const untypedSpy: SecurityRule = { ...NAMED_OPEN, id: 'TEST-ANY', check: (res) => (untyped.push(res.address), RuleResult.COMPLIANT) };
    SecurityChecks.attach(stack, { rules: [typedSpy, untypedSpy] });
    // WHEN
    SecurityChecks.of(stack)!.check(stack, stack.toTerraform());
    // THEN (in file order: types, then names, sorted)
    expect(typed).toEqual(['alicloud_api_gateway_group.Group', 'alicloud_ram_role.r']);
    expect(untyped).toEqual(['alicloud_api_gateway_group.Group', 'alicloud_api_gateway_plugin.p', 'alicloud_ram_role.r']);
  });

  test('reports findings in the order of the written file, whatever the key order of the object checked', () => {
    // GIVEN the same stack JSON with keys in insertion (reverse) order and sorted, as cdktf writes it
    const stack = emptyStack();
    const group = (name: string) => ({ name, '//': { metadata: { path: `checks/${name}` } } });
    const unsorted = { resource: { alicloud_api_gateway_group: { 'z-open': group('open'), 'a-open': group('open'), 'm-open': group('open') } } };
    const sorted = JSON.parse(JSON.stringify(unsorted, ['resource', 'alicloud_api_gateway_group', 'a-open', 'm-open', 'z-open', 'name', '//', 'metadata', 'path']));
    expect(Object.keys(sorted.resource.alicloud_api_gateway_group)).toEqual(['a-open', 'm-open', 'z-open']);
    // WHEN
    const fromObject = SecurityChecks.of(stack)!.check(stack, unsorted).findings;
    const fromFile = SecurityChecks.of(stack)!.check(stack, sorted).findings;
    // THEN
    expect(fromObject.map((f) => f.address)).toEqual(['alicloud_api_gateway_group.a-open', 'alicloud_api_gateway_group.m-open', 'alicloud_api_gateway_group.z-open']);
    expect(fromObject).toEqual(fromFile);
  });
});

describe('Suppressions', () => {
  test('a user-added rule can be suppressed', () => {
    // GIVEN
    const stack = stackWith('open');
    Suppressions.add(stack.node.findChild('Group'), [{ id: 'TEST-1', reason: 'Legacy group, renamed in #77' }]);
    // WHEN / THEN
    expect(() => Testing.fullSynth(stack)).not.toThrow();
    expect(annotations(stack)).toEqual({ errors: [], warnings: [], infos: ['TEST-1[name:open]: suppressed: Legacy group, renamed in #77'] });
  });

  test('a suppression is inherited by children', () => {
    const stack = stackWith('open');
    Suppressions.add(stack, [{ id: 'TEST-1', reason: 'Whole stack is a sandbox (#5)', appliesTo: ['name:open'] }]);
    expect(checkStack(stack).errors).toEqual([]);
  });

  test('clears UNRESOLVED when it lists it in appliesTo', () => {
    // GIVEN
    const stack = unresolvedStack();
    Suppressions.add(stack.node.findChild('Second'), [{ id: 'TEST-1', reason: 'Name is checked by the naming service (#9)', appliesTo: ['UNRESOLVED'] }]);
    // WHEN
    const found = checkStack(stack);
    // THEN
    expect(found.warnings).toEqual([]);
    expect(found.infos).toEqual(['TEST-1: UNRESOLVED: suppressed: Name is checked by the naming service (#9)']);
  });

  test('clears UNRESOLVED when it covers the whole rule', () => {
    const stack = unresolvedStack();
    Suppressions.add(stack, [{ id: 'TEST-1', reason: 'Name is checked by the naming service (#9)' }]);
    expect(checkStack(stack).warnings).toEqual([]);
  });

  test('a granular suppression does not clear UNRESOLVED', () => {
    const stack = unresolvedStack();
    Suppressions.add(stack, [{ id: 'TEST-1', reason: 'Only the open name is accepted (#9)', appliesTo: ['name:open'] }]);
    expect(checkStack(stack).warnings.sort()).toEqual([expect.stringMatching(/^TEST-1: UNRESOLVED/), expect.stringMatching(/^Unused suppression TEST-1\[name:open\]/)]);
  });

  test('reports a suppression that covers no finding', () => {
    // GIVEN
    const stack = stackWith('closed');
    Suppressions.add(stack.node.findChild('Group'), [{ id: 'TEST-1', reason: 'Was open before #12 landed' }]);
    // WHEN
    const found = annotations(stack.node.findChild('Group'));
    checkStack(stack);
    // THEN
    expect(found.warnings).toEqual([]);
    expect(annotations(stack.node.findChild('Group')).warnings).toEqual([
      'Unused suppression TEST-1: no finding of TEST-1 on this construct or below (reason given: "Was open before #12 landed"). Remove it, or fix its id / appliesTo.',
    ]);
  });

  test('reports a suppression whose appliesTo matches no finding, and keeps the finding', () => {
    const stack = stackWith('open');
    Suppressions.add(stack, [{ id: 'TEST-1', reason: 'Only for the legacy name (#3)', appliesTo: ['name:legacy'] }]);
    const found = checkStack(stack);
    expect(found.errors).toEqual([expect.stringMatching(/^TEST-1\[name:open\]/)]);
    expect(found.warnings).toEqual([expect.stringMatching(/^Unused suppression TEST-1\[name:legacy\]/)]);
  });

  test('fails the synth when the id names no rule the checks run', () => {
    // GIVEN
    const stack = stackWith('closed');
    Suppressions.add(stack, [{ id: 'NOPE-1', reason: 'a long enough reason' }]);
    // WHEN / THEN
    expect(() => Testing.fullSynth(stack)).toThrow(/Suppression NOPE-1 names no rule the security checks run, got "NOPE-1". Use one of: TEST-1/);
  });

  test('a library rule the checks do not run is neither an error nor unused', () => {
    const stack = stackWith('closed');
    Suppressions.add(stack, [{ id: 'APIGW-JWT1', reason: 'Set by a library construct' }]);
    expect(checkStack(stack)).toEqual({ errors: [], warnings: [], infos: [] });
  });

  test('anyUnder tells the checks which subtrees carry suppressions (the scope and its ancestors)', () => {
    // GIVEN
    const stack = stackWith('open');
    const parent = new Construct(stack, 'Parent');
    const child = new Construct(parent, 'Child');
    const sibling = new Construct(stack, 'Sibling');
    expect(Suppressions.anyUnder(stack)).toBe(false);
    // WHEN
    Suppressions.add(parent, [{ id: 'TEST-1', reason: 'Legacy group, renamed in #77' }]);
    // THEN
    expect([stack, parent, child, sibling].map((c) => Suppressions.anyUnder(c))).toEqual([true, true, false, false]);
    expect(stack.node.findAll().filter((c) => Suppressions.of(c).length > 0)).toEqual([parent]);
  });

  test('fails when the id is a wildcard', () => {
    const stack = new TerraformStack(testApp(), 's');
    expect(() => Suppressions.add(stack, [{ id: '*', reason: 'a long enough reason' }])).toThrow(/'suppressions\[0\].id' must be the id of one security rule \(no wildcards\), got "\*"/);
    expect(() => Suppressions.add(stack, [{ id: 'APIGW-*', reason: 'a long enough reason' }])).toThrow(/no wildcards/);
  });

  test('fails when the reason is too short', () => {
    const stack = new TerraformStack(testApp(), 's');
    expect(() => Suppressions.add(stack, [{ id: 'TEST-1', reason: 'because' }])).toThrow(/'suppressions\[0\].reason' must explain the suppression in at least 10 characters/);
  });
});
