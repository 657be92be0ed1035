import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { EnvironmentConfig } from '../../config';
import { buildApp } from '../../stacks/app';
import { synthAndValidate } from '../../validation';
import { FIXTURE_DEV } from '../fixtures/environments';
import { testLock } from '../util';

const STAGING: EnvironmentConfig = {
  ...FIXTURE_DEV,
  name: 'staging',
  gateway: { ...FIXTURE_DEV.gateway, groupName: 'm2m_fixture_staging' },
  federation: { ...FIXTURE_DEV.federation, providerName: 'm2m-fixture-staging', roles: [{ ...FIXTURE_DEV.federation.roles[0], name: 'm2m-reporting-staging' }] },
};

/** A project directory: synth writes `<root>/cdktf.out`, local state lives in `<root>/state`. */
function project() {
  const root = mkdtempSync(join(tmpdir(), 'state-backend-'));
  const outdir = join(root, 'cdktf.out');
  const synth = (environments: readonly EnvironmentConfig[]) => synthAndValidate(
    (dir) => buildApp({ outdir: dir, localStateDir: join(root, 'state'), environments, lock: testLock() }),
    { outdir },
  );
  /** Where Terraform, run in the stack's working directory as cdktf does, keeps the stack's state. */
  const statePathTerraformUses = (stack: string): string => {
    const workingDir = join(outdir, 'stacks', stack);
    const config = JSON.parse(readFileSync(join(workingDir, 'cdk.tf.json'), 'utf8'));
    return resolve(workingDir, config.terraform.backend.local.path);
  };
  return { root, outdir, synth, statePathTerraformUses };
}

describe('local state', () => {
  test('each stack keeps its state in <project>/state/<stack>.tfstate, outside the output directory', () => {
    // GIVEN / WHEN
    const p = project();
    p.synth([FIXTURE_DEV, STAGING]);
    // THEN
    for (const stack of ['gateway-dev', 'federation-dev', 'gateway-staging', 'federation-staging']) {
      expect(p.statePathTerraformUses(stack)).toBe(join(p.root, 'state', `${stack}.tfstate`));
    }
    rmSync(p.root, { recursive: true, force: true });
  });

  test('removing an environment and synthesizing again keeps its state file', () => {
    // GIVEN two environments synthesized, and state Terraform wrote for the staging gateway
    const p = project();
    p.synth([FIXTURE_DEV, STAGING]);
    const stateFile = p.statePathTerraformUses('gateway-staging');
    mkdirSync(dirname(stateFile), { recursive: true });
    writeFileSync(stateFile, '{"version":4,"serial":7}');
    // WHEN staging is removed from the config and the app synthesized again
    p.synth([FIXTURE_DEV]);
    // THEN its stack directory is gone, its state is not
    expect(existsSync(join(p.outdir, 'stacks', 'gateway-staging'))).toBe(false);
    expect(readFileSync(stateFile, 'utf8')).toBe('{"version":4,"serial":7}');
    // WHEN the whole output directory is deleted
    rmSync(p.outdir, { recursive: true, force: true });
    // THEN the state is still there
    expect(readFileSync(stateFile, 'utf8')).toBe('{"version":4,"serial":7}');
    rmSync(p.root, { recursive: true, force: true });
  });
});
