/**
 * The account check's Terraform semantics, with the real `terraform` binary: the postcondition
 * the stacks synthesize on `alicloud_caller_identity` fails the plan, with the message naming
 * both accounts, when the caller is in another account, and passes in the right one.
 *
 * The alicloud provider binary is not available offline, so the very condition and message
 * synthesized for a fixture environment are moved onto Terraform's built-in
 * `terraform_remote_state` data source, whose `outputs` stand in for the caller identity's
 * attributes (`self.account_id` → `self.outputs.account_id`). Everything else is real: Terraform
 * parses the JSON, evaluates the expressions, and fails or passes the plan.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import type { TerraformStack } from 'cdktf';
import { afterAll, describe, expect, test } from 'vitest';
import { buildApp } from '../../stacks/app';
import { FIXTURE_DEV } from '../fixtures/environments';
import { testLock } from '../util';

const work = mkdtempSync(join(tmpdir(), 'account-check-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function terraform(dir: string, args: string[]) {
  const result = spawnSync('terraform', args, { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' } });
  if (result.error) throw new Error(`terraform is needed for this test (Terraform 1.5 or later on PATH): ${result.error.message}`);
  return result;
}

/** The postcondition of gateway-dev's caller identity, transplanted as described above. */
function transplantedCheck(): Record<string, unknown> {
  const app = buildApp({ outdir: join(work, 'cdktf.out'), localStateDir: join(work, 'state'), environments: [FIXTURE_DEV], lock: testLock() });
  const synth = JSON.parse(Testing.synth(app.node.findChild('gateway-dev') as TerraformStack));
  const [identity] = Object.values(synth.data.alicloud_caller_identity) as { lifecycle: { postcondition: { condition: string; error_message: string }[] } }[];
  const swap = (text: string) => text.replace(/self\.(account_id|arn)/g, 'self.outputs.$1');
  return {
    lifecycle: { postcondition: identity.lifecycle.postcondition.map((p) => ({ condition: swap(p.condition), error_message: swap(p.error_message) })) },
  };
}

function planAs(accountId: string) {
  const dir = mkdtempSync(join(work, 'plan-'));
  writeFileSync(join(dir, 'caller.tfstate'), JSON.stringify({
    version: 4, terraform_version: '1.5.0', serial: 1, lineage: 'caller', resources: [],
    outputs: { account_id: { value: accountId, type: 'string' }, arn: { value: `acs:ram::${accountId}:user/ci`, type: 'string' } },
  }));
  writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({
    data: { terraform_remote_state: { caller: { backend: 'local', config: { path: 'caller.tfstate' }, ...transplantedCheck() } } },
  }));
  const init = terraform(dir, ['init', '-input=false', '-no-color']);
  expect(init.status, init.stderr).toBe(0);
  return terraform(dir, ['plan', '-input=false', '-lock=false', '-no-color']);
}

describe('account check (terraform plan)', () => {
  test('fails the plan, naming both accounts, when the credentials are of another account', () => {
    const plan = planAs('9999999999999999');
    expect(plan.status).toBe(1);
    const text = plan.stderr.replace(/\s+/g, ' ');
    expect(text).toContain('postcondition failed');
    expect(text).toContain('this stack must be deployed to account 1111111111111111, but the credentials belong to account 9999999999999999 (acs:ram::9999999999999999:user/ci)');
  }, 120_000);

  test('plans when the credentials are of the configured account', () => {
    const plan = planAs(FIXTURE_DEV.accountId);
    expect(plan.stderr).not.toMatch(/Error/);
    expect(plan.status).toBe(0);
  }, 120_000);
});
