/**
 * CLI conventions of every command: usage and exit status 2 on a bad argument (never a stack
 * trace), colour only on a terminal and never with NO_COLOR, `--json` for the synth summary and
 * the lookups, and a missing `.gen/` that says to run `npm run get`.
 */
import { type SpawnSyncReturns, execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { stackIdsOf } from '../../stacks/app';
import { issuerRequests } from '../../commands/issuers';
import { ENVIRONMENTS } from '../../config';
import { colorEnabled } from '../../core/terminal';

const ROOT = join(__dirname, '..', '..');
const STACKS = ENVIRONMENTS.flatMap(stackIdsOf).sort();
const ESC = '\u001b[';
const work = mkdtempSync(join(tmpdir(), 'cli-conventions-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string | undefined> = {}, cwd = ROOT): SpawnSyncReturns<string> {
  const base: Record<string, string | undefined> = { ...process.env, CHECKPOINT_DISABLE: '1' };
  for (const key of ['NO_COLOR', 'FORCE_COLOR']) delete base[key];
  return spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 90_000, env: { ...base, ...env } as NodeJS.ProcessEnv });
}
const tsx = (script: string, args: string[] = [], env: Record<string, string | undefined> = {}, cwd = ROOT) => run(['--import', 'tsx', script, ...args], env, cwd);

describe('every command', () => {
  const COMMANDS = [
    'main.ts', 'commands/lookups.ts', 'commands/access-map.ts', 'commands/review.ts', 'commands/verify.ts',
    'commands/emulator.ts', 'commands/sts-emulator.ts', 'commands/demo-issuer.ts', 'bench/run.ts',
  ];
  test.each(COMMANDS)('%s prints usage and exits 2 on an unknown argument', (script) => {
    const result = tsx(script, ['--no-such-option']);
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/Usage:/);
    expect(result.stderr).toContain('--no-such-option');
    expect(result.stderr).not.toMatch(/^\s+at /m);
  }, 60_000);

  test.each(['scripts/generate-bindings.mjs', 'scripts/package.mjs'])('%s prints usage and exits 2 on an unknown argument', (script) => {
    const result = run([script, '--no-such-option']);
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/Usage:/);
  });
});

describe('colour', () => {
  test('only on a terminal, never with NO_COLOR; FORCE_COLOR forces it', () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({ isTTY: false }, { CI: 'true' })).toBe(false); // picocolors alone would colour here
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(true); // no-color.org: only a non-empty value counts
    expect(colorEnabled({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: '0' })).toBe(false);
  });

  test('the synth summary has no escape codes when piped, even in CI; FORCE_COLOR brings them back', () => {
    const piped = tsx('main.ts', [], { CI: 'true', CDKTF_OUTDIR: join(work, 'piped') });
    expect(piped.status, piped.stderr).toBe(0);
    expect(piped.stdout).toMatch(/stacks synthesized and validated/);
    expect(piped.stdout).not.toContain(ESC);
    const forced = tsx('main.ts', [], { CI: 'true', FORCE_COLOR: '1', CDKTF_OUTDIR: join(work, 'forced') });
    expect(forced.status, forced.stderr).toBe(0);
    expect(forced.stdout).toContain(ESC);
  }, 60_000);
});

describe('--json', () => {
  test('npm run synth -- --json prints the summary as one JSON document', () => {
    const result = tsx('main.ts', ['--json'], { CI: 'true', CDKTF_OUTDIR: join(work, 'json') });
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { ok: boolean; outdir: string; stacks: { stack: string; resources: number; warnings: string[]; notValidated: string[] }[] };
    expect(report.ok).toBe(true);
    expect(report.outdir).toBe(join(work, 'json'));
    expect(report.stacks.map((s) => s.stack).sort()).toEqual(STACKS);
    for (const s of report.stacks) {
      expect(s.resources).toBeGreaterThan(0);
      expect(Array.isArray(s.warnings) && Array.isArray(s.notValidated)).toBe(true);
    }
  }, 60_000);

  test('npm run lookups -- --json prints the recorded facts of every configured issuer', () => {
    // CI mode, no --refresh: read from the committed lock, no network
    const result = tsx('commands/lookups.ts', ['--json'], { CI: 'true' });
    expect(result.status, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as { lockWritten: boolean; issuers: { issuer: string; status: string; facts: { fingerprints: string[] } }[] };
    expect(out.lockWritten).toBe(false);
    expect(out.issuers.map((i) => i.issuer)).toEqual(issuerRequests(ENVIRONMENTS).map((r) => r.issuer));
    for (const i of out.issuers) {
      expect(i.status).toBe('from-lock');
      expect(i.facts.fingerprints.length).toBeGreaterThan(0);
    }
  }, 60_000);
});

describe('missing .gen/', () => {
  test('a command says to run npm run get instead of a raw MODULE_NOT_FOUND', () => {
    // GIVEN a copy of the project without .gen/ (as after `npm ci --ignore-scripts`)
    const copy = join(work, 'project');
    const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const file of files) {
      if (file.startsWith('.gen/')) continue;
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      try { cpSync(join(ROOT, file), join(copy, file)); } catch { /* deleted in the working tree */ }
    }
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    // WHEN
    for (const script of ['main.ts', 'commands/access-map.ts', 'commands/emulator.ts']) {
      const result = tsx(script, [], { CI: 'true', CDKTF_OUTDIR: join(work, 'no-gen-out') }, copy);
      // THEN
      expect(result.status, script).toBe(1);
      expect(result.stderr, script).toMatch(/The generated provider bindings are missing .*Run `npm run get`/s);
      expect(result.stderr, script).not.toMatch(/MODULE_NOT_FOUND|Cannot find module/);
    }
    // the compiled app: npm run synth (the launcher builds first, and the build runs the preflight)
    // and the bundle itself (built before .gen/ went away), which runs the preflight before anything else
    expect(run(['scripts/app.cjs', 'run', 'main', '--help']).status).toBe(0); // the current build
    mkdirSync(join(copy, '.build', 'app'), { recursive: true });
    cpSync(join(ROOT, '.build', 'app', 'main.js'), join(copy, '.build', 'app', 'main.js'));
    for (const args of [['scripts/app.cjs', 'run', 'main'], ['scripts/app.cjs', 'run-file', '.build/app/main.js']]) {
      const result = run(args, { CI: 'true', CDKTF_OUTDIR: join(work, 'no-gen-out') }, copy);
      expect(result.status, args.join(' ')).toBe(1);
      expect(result.stderr, args.join(' ')).toMatch(/^The generated provider bindings are missing .*Run `npm run get`/s);
      expect(result.stderr, args.join(' ')).not.toMatch(/Could not resolve|MODULE_NOT_FOUND|Cannot find module|synth failed/);
    }
    expect(existsSync(join(work, 'no-gen-out'))).toBe(false);
  }, 120_000);
});
