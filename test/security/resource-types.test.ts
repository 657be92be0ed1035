import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TerraformStack } from 'cdktf';
import { afterAll, describe, expect, test } from 'vitest';
import { ENVIRONMENTS } from '../../config';
import { ALL_RULES, RuleLevel, RuleResult, SecurityChecks } from '../../constructs';
import type { ResourceView, RuleContext, SecurityRule } from '../../constructs';
import type { LockFile } from '../../core/issuer-facts';
import { defaultLockPath, readLockFile } from '../../lookups/lock-file';
import { buildApp } from '../../stacks/app';

const sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'resource-types-'));
afterAll(() => fs.rmSync(sandbox, { recursive: true, force: true }));

/** Every resource of every stack of the example app (and one of each declared type), with the rule context of its stack. */
function exampleResources(): { view: ResourceView; context: RuleContext }[] {
  const lock = readLockFile(defaultLockPath()) as LockFile;
  const app = buildApp({ outdir: path.join(sandbox, 'cdktf.out'), environments: ENVIRONMENTS, lock, localStateDir: path.join(sandbox, 'state') });
  const seen: { view: ResourceView; context: RuleContext }[] = [];
  const spy: SecurityRule = {
    id: 'TEST-SPY', level: RuleLevel.INFO, info: 'Collects every resource.', explanation: 'Test only.',
    check: (view, context) => (seen.push({ view, context }), RuleResult.COMPLIANT),
  };
  // plus a resource of each declared type the example does not use
  const extra = new TerraformStack(app, 'declared-types');
  for (const type of new Set(ALL_RULES.flatMap((r) => r.resourceTypes ?? []))) extra.addOverride(`resource.${type}.extra`, { name: 'extra' });
  for (const stack of app.node.children.filter((c): c is TerraformStack => TerraformStack.isStack(c))) {
    new SecurityChecks({ rules: [spy] }).check(stack, stack.toTerraform());
  }
  return seen;
}

describe('resourceTypes of the library rules', () => {
  const resources = exampleResources();

  test('every library rule declares the resource types it looks at', () => {
    expect(ALL_RULES.filter((r) => r.resourceTypes === undefined || r.resourceTypes.length === 0).map((r) => r.id)).toEqual([]);
  });

  test('the resources cover every declared type and others', () => {
    const types = new Set(resources.map((r) => r.view.type));
    for (const rule of ALL_RULES) for (const type of rule.resourceTypes ?? []) expect(types, `${rule.id} declares ${type}`).toContain(type);
    expect(types.size).toBeGreaterThan(new Set(ALL_RULES.flatMap((r) => r.resourceTypes ?? [])).size);
  });

  test.each(ALL_RULES.map((r) => [r.id, r] as const))('%s is NOT_APPLICABLE to every resource of a type it does not declare', (_, rule) => {
    const others = resources.filter((r) => !(rule.resourceTypes ?? []).includes(r.view.type));
    expect(others.length).toBeGreaterThan(0);
    for (const { view, context } of others) expect(rule.check(view, context), view.address).toBe(RuleResult.NOT_APPLICABLE);
  });
});
