/**
 * The launcher's V8 code cache (scripts/run-bundle.cjs, used by `npm run synth` and the bench):
 * the first run writes `<bundle>.code-cache`, the next runs use it, an edited bundle never runs
 * with the old cache, and a cache that cannot be written never fails the synth. Runs a private
 * copy of the app bundle (inside the project, where it finds `.gen/`), so parallel tests that use
 * `.build/app` do not interfere.
 */
import { isAscii } from 'node:buffer';
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const APP = join(ROOT, 'scripts', 'app.cjs');
const work = mkdtempSync(join(tmpdir(), 'code-cache-'));
const copy = mkdtempSync(join(ROOT, '.build', 'code-cache-test-'));
const bundle = join(copy, 'main.js');
const cache = `${bundle}.code-cache`;
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(copy, { recursive: true, force: true });
});

let runs = 0;
function runFile(file: string, args: string[] = [], env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [APP, 'run-file', file, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, CHECKPOINT_DISABLE: '1', FORCE_COLOR: '0', CI: 'true', CDKTF_OUTDIR: join(work, `out-${runs++}`), M2M_GUARD_CODE_CACHE: 'verbose', ...env },
  });
}

function synthesized(result: SpawnSyncReturns<string>): void {
  expect(result.stderr).not.toMatch(/synth failed/);
  expect(result.status, result.stderr).toBe(0);
  expect(result.stdout).toMatch(/stacks synthesized and validated/);
}

describe('V8 code cache of the compiled app', () => {
  beforeAll(() => {
    // the current app bundle (rebuilt here if a source changed), copied with its lazy network bundle
    const help = spawnSync(process.execPath, [APP, 'run', 'main', '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(help.status, help.stderr).toBe(0);
    for (const name of ['main.js', 'lookups-network.js']) copyFileSync(join(ROOT, '.build', 'app', name), join(copy, name));
  }, 120_000);

  test('the app bundle is ASCII, so the launcher reads it as a one-byte string', () => {
    expect(isAscii(readFileSync(bundle))).toBe(true);
    expect(isAscii(readFileSync(join(copy, 'lookups-network.js')))).toBe(true);
  });

  test('the first run writes the cache next to the bundle, the second uses it', () => {
    const first = runFile(bundle);
    synthesized(first);
    expect(first.stderr).toContain(`code cache no cache: wrote ${cache}`);
    expect(existsSync(cache)).toBe(true);

    const second = runFile(bundle);
    synthesized(second);
    expect(second.stderr).toContain(`code cache used: ${cache}`);
    const stack = (run: number): string => readFileSync(join(work, `out-${run}`, 'stacks', 'gateway-dev', 'cdk.tf.json'), 'utf8');
    expect(stack(runs - 1)).toBe(stack(runs - 2));
  });

  test('an edited bundle of the same size and modification time runs its new code, not the cached one', () => {
    // GIVEN a cache for the bundle as it is, with a modification time that can be set again exactly
    const mtime = 1_700_000_000;
    utimesSync(bundle, mtime, mtime);
    synthesized(runFile(bundle));
    expect(existsSync(cache)).toBe(true);
    const before = statSync(bundle);
    // WHEN the bundle changes without changing its length (all V8 checks) and gets its mtime back
    const source = readFileSync(bundle, 'utf8');
    expect(source).toContain('stacks synthesized and validated');
    writeFileSync(bundle, source.replace('stacks synthesized and validated', 'stacks synthesized and VALIDATED'));
    utimesSync(bundle, mtime, mtime);
    expect(statSync(bundle).size).toBe(before.size);
    expect(statSync(bundle).mtimeMs).toBe(before.mtimeMs);
    const result = runFile(bundle);
    // THEN the new code ran and the cache was replaced
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('stacks synthesized and VALIDATED');
    expect(result.stderr).toContain(`code cache stale cache (the bundle or Node changed): wrote ${cache}`);
    const next = runFile(bundle);
    expect(next.stderr).toContain('code cache used');
    expect(next.stdout).toContain('stacks synthesized and VALIDATED');
    writeFileSync(bundle, source);
  });

  test('a cache that cannot be written still synthesizes', () => {
    // GIVEN something in the cache's place that cannot be replaced by a file (a read-only
    // directory would do for other users; root may write everywhere)
    rmSync(cache, { force: true });
    mkdirSync(join(cache, 'occupied'), { recursive: true });
    // WHEN
    const result = runFile(bundle);
    // THEN
    synthesized(result);
    expect(result.stderr).toMatch(/code cache no cache: not written \(.+\)/);
    rmSync(cache, { recursive: true, force: true });
  });

  test('M2M_GUARD_CODE_CACHE=off neither reads nor writes it', () => {
    rmSync(cache, { recursive: true, force: true });
    const result = runFile(bundle, [], { M2M_GUARD_CODE_CACHE: 'off' });
    synthesized(result);
    expect(existsSync(cache)).toBe(false);
  });
});

describe('run-file runs a bundle as node would', () => {
  test('process.argv, require of builtins and of siblings, module identity, non-ASCII text, and stack traces that name the file', () => {
    // GIVEN a small CommonJS program (UTF-8, not ASCII) that reports what it sees and then throws
    const dir = mkdtempSync(join(work, 'program-'));
    const program = join(dir, 'program.js');
    writeFileSync(join(dir, 'sibling.js'), 'module.exports = { sibling: true };\n');
    writeFileSync(program, [
      "'use strict';",
      "const os = require('node:os');",
      "const seen = { text: 'naïve … ✓', argv: process.argv.slice(1), sibling: require('./sibling.js').sibling, resolved: require.resolve('./sibling.js'), filename: __filename, dirname: __dirname, cached: require.cache[__filename] === module, os: typeof os.tmpdir };",
      'process.stdout.write(JSON.stringify(seen));',
      "function boom() { throw new Error('boom'); }",
      'if (process.argv.includes("--throw")) boom();',
    ].join('\n'));
    // WHEN
    const ok = runFile(program, ['--a', 'b']);
    const thrown = runFile(program, ['--throw']);
    const direct = spawnSync(process.execPath, [program, '--throw'], { encoding: 'utf8' });
    // THEN
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ text: 'naïve … ✓', argv: [program, '--a', 'b'], sibling: true, resolved: join(dir, 'sibling.js'), filename: program, dirname: dir, cached: true, os: 'function' });
    expect(thrown.status).toBe(1);
    expect(thrown.stderr).toContain('Error: boom');
    // the frame node itself reports for the file, line and column
    const frame = /at boom \(.*\)/.exec(direct.stderr)?.[0];
    expect(frame).toBe(`at boom (${program}:5:25)`);
    expect(thrown.stderr).toContain(frame);
    // the same program run by a second time from its cache behaves the same
    expect(runFile(program, ['--a', 'b']).stdout).toBe(ok.stdout);
  });

  test('a missing bundle is a usage error', () => {
    const result = runFile(join(work, 'no-such-bundle.js'));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/No bundle at .*no-such-bundle\.js/);
    expect(result.stderr).toMatch(/Usage:/);
  });
});
