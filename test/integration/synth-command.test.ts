import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { stackIdsOf } from '../../stacks/app';
import { ENVIRONMENTS } from '../../config';

const ROOT = join(__dirname, '..', '..');
const LOCK = join(ROOT, 'lookups.lock.json');
/** The stacks the user's config/ yields (never a fixed list: adding an environment keeps this green). */
const STACKS = ENVIRONMENTS.flatMap(stackIdsOf).sort();
/** `oci-<env>` stacks carry the oci provider instead of alicloud. */
const OCI_STACKS = STACKS.filter((s) => s.startsWith('oci-'));
const ALIBABA_STACKS = STACKS.filter((s) => !s.startsWith('oci-'));

function run(command: string, args: string[], env: Record<string, string>) {
  return spawnSync(command, args, {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, CHECKPOINT_DISABLE: '1', FORCE_COLOR: '0', ...env },
  });
}

function tsx(script: string, env: Record<string, string>, args: string[] = []) {
  return run(process.execPath, ['--import', 'tsx', script, ...args], env);
}

describe('synth command (main.ts)', () => {
  test('synthesizes every stack of config/ offline from the committed lock, in CI mode', () => {
    // GIVEN no issuer is reachable (the demo issuer is not running) and CI forbids lookups
    const outdir = join(mkdtempSync(join(tmpdir(), 'synth-')), 'cdktf.out');
    const lockBefore = readFileSync(LOCK, 'utf8');
    // WHEN
    const result = tsx('main.ts', { CI: 'true', CDKTF_OUTDIR: outdir });
    // THEN
    expect(result.stderr).not.toMatch(/synth failed/);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`${STACKS.length} stacks synthesized and validated`);
    for (const stack of ALIBABA_STACKS) {
      const synth = JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
      expect(synth.terraform.required_providers.alicloud).toEqual({ source: 'aliyun/alicloud', version: '1.292.0' });
    }
    for (const stack of OCI_STACKS) {
      const synth = JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
      expect(synth.terraform.required_providers.oci).toEqual({ source: 'oracle/oci', version: '8.28.0' });
    }
    expect(readFileSync(LOCK, 'utf8')).toBe(lockBefore);
  });

  test('prints help', () => {
    const result = tsx('main.ts', {}, ['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Usage: npm run synth/);
  });

  test('fails when a stack breaks the provider schema: exits non-zero, names the finding, writes nothing', () => {
    // GIVEN a previous output
    const outdir = join(mkdtempSync(join(tmpdir(), 'synth-')), 'cdktf.out');
    mkdirSync(outdir);
    writeFileSync(join(outdir, 'previous.txt'), 'kept');
    // WHEN
    const result = tsx('test/fixtures/invalid-app.ts', { CDKTF_OUTDIR: outdir });
    // THEN
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/alicloud_api_gateway_plugin_attachment\.Attachment 'stage_name' value is not allowed, got "PROD"/);
    expect(result.stderr).toMatch(/SCHEMA_VALUE_NOT_ALLOWED/);
    expect(readFileSync(join(outdir, 'previous.txt'), 'utf8')).toBe('kept');
    expect(existsSync(join(outdir, 'stacks'))).toBe(false);
  });
});

describe('npx cdktf synth', () => {
  test('runs the app through the cdktf CLI offline', () => {
    // GIVEN
    const outdir = join(mkdtempSync(join(tmpdir(), 'cdktf-cli-')), 'out');
    // WHEN
    const result = run(join(ROOT, 'node_modules', '.bin', 'cdktf'), ['synth', '--output', outdir], { CI: 'true' });
    // THEN
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Generated Terraform code for the stacks/);
    for (const stack of STACKS) expect(existsSync(join(outdir, 'stacks', stack, 'cdk.tf.json')), stack).toBe(true);
  });
});
