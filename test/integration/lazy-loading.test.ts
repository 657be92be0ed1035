import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ENVIRONMENTS } from '../../config';

const ROOT = join(__dirname, '..', '..');
const PROBE = join(ROOT, 'test', 'support', 'load-probe.cjs');
const BUILD = join(ROOT, '.build', 'app');

interface Probe {
  readonly modules: string[];
  readonly sockets: string[];
}

/** Runs the compiled synth (through the launcher `npm run synth` uses) with the load probe. */
function runCompiled(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const out = join(mkdtempSync(join(tmpdir(), 'load-probe-')), 'probe.json');
  const result = spawnSync(process.execPath, ['--require', PROBE, ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, CHECKPOINT_DISABLE: '1', FORCE_COLOR: '0', LOAD_PROBE_OUT: out, ...options.env },
  });
  const probe = JSON.parse(readFileSync(out, 'utf8')) as Probe;
  return { ...result, probe };
}

const NETWORK_MODULE = /node_modules\/(undici|jose)\/|lookups-network\.js$/;

describe('compiled synth (npm run synth)', () => {
  test('a lock-complete synth runs the compiled bundle, loads no network or lookup module and opens no socket', () => {
    // GIVEN the committed, complete lock; CI forbids lookups anyway
    const outdir = join(mkdtempSync(join(tmpdir(), 'lazy-')), 'cdktf.out');
    // WHEN
    const result = runCompiled([join(ROOT, 'scripts', 'app.cjs'), 'run', 'main'], { env: { CI: 'true', CDKTF_OUTDIR: outdir } });
    // THEN
    expect(result.stderr).not.toMatch(/synth failed/);
    expect(result.status).toBe(0);
    expect(result.probe.modules).toContain(join(BUILD, 'main.js'));
    expect(result.probe.modules.filter((m) => m.endsWith('.ts'))).toEqual([]);
    expect(result.probe.modules.filter((m) => NETWORK_MODULE.test(m))).toEqual([]);
    expect(result.probe.sockets).toEqual([]);
    expect(existsSync(join(outdir, 'stacks', 'gateway-dev', 'cdk.tf.json'))).toBe(true);
  });

  test('the synth bundle holds no network stack and no lookup network code, and OCI bindings only when config/ has an OCI side', () => {
    // GIVEN the build the previous run used (or made)
    const meta = JSON.parse(readFileSync(join(BUILD, 'meta.json'), 'utf8')) as { outputs: Record<string, { bundled: string[] }> };
    const bundled = meta.outputs.main.bundled;
    // THEN
    expect(bundled).toContain('stacks/app.ts');
    expect(bundled.filter((f) => /node_modules\/(undici|jose)\//.test(f))).toEqual([]);
    expect(bundled.filter((f) => /^lookups\/(network|http-json|lookup-issuer|discovery|jwks|tls-[a-z]+|trust)\.ts$/.test(f))).toEqual([]);
    // OCI constructs and bindings are bundled only for an app that synthesizes oci-<env> stacks
    const oci = bundled.filter((f) => /^(\.gen\/providers\/oci|constructs\/oci)\//.test(f));
    if (ENVIRONMENTS.some((env) => env.oci !== undefined)) expect(oci).toEqual(expect.arrayContaining(['constructs/oci/jwt-api-deployment.ts']));
    else expect(oci).toEqual([]);
    // and the lookups bundle does have them: that is where they went
    expect(meta.outputs['lookups-network'].bundled).toEqual(expect.arrayContaining(['lookups/lookup-issuer.ts', expect.stringMatching(/^node_modules\/undici\//)]));
  });

  test('an issuer missing from the lock loads the network bundle and looks it up', () => {
    // GIVEN a directory without a lock, so the example issuer must be looked up (nothing listens there)
    const cwd = mkdtempSync(join(tmpdir(), 'no-lock-'));
    // WHEN
    const result = runCompiled([join(BUILD, 'main.js')], { cwd, env: { CI: '', CDKTF_OUTDIR: join(cwd, 'cdktf.out') } });
    // THEN the lookup ran (and failed: no issuer there), through the separately bundled network code
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/synth failed: .*localhost:8443/);
    expect(result.stderr).not.toMatch(/Cannot find module/);
    expect(result.probe.modules).toContain(join(BUILD, 'lookups-network.js'));
    expect(result.probe.sockets.length).toBeGreaterThan(0);
    expect(existsSync(join(cwd, 'lookups.lock.json'))).toBe(false);
  });
});
