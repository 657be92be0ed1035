/**
 * How the app is launched and bundled by scripts/app.cjs (the app and the bench programs alike):
 * `npm run synth` and `npx cdktf synth` run one command; modules cdktf requires at load but uses
 * only for rare features are required on their first use, and still work then.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const APP = join(ROOT, 'scripts', 'app.cjs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const app = require(APP) as { bundle(entry: string, outfile: string, extra?: object): Promise<unknown> };
const work = mkdtempSync(join(tmpdir(), 'app-bundle-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('launching the app', () => {
  test('npm run synth and the cdktf.json app are the same command (so they share one code cache)', () => {
    const synth = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.synth;
    const cdktfApp = (JSON.parse(readFileSync(join(ROOT, 'cdktf.json'), 'utf8')) as { app: string }).app;
    expect(cdktfApp).toBe(synth);
    expect(synth).toMatch(/^node (--[a-z-]+=\S+ )*scripts\/app\.cjs run main$/);
  });
});

describe('bundles built by scripts/app.cjs', () => {
  test("cdktf's archiver and semver are required on first use, not when cdktf loads", () => {
    // GIVEN the current app bundle
    expect(spawnSync(process.execPath, [APP, 'run', 'main', '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 }).status).toBe(0);
    const bundle = readFileSync(join(ROOT, '.build', 'app', 'main.js'), 'latin1');
    // THEN the only call of each module's loader is inside the function that needs it
    for (const name of ['archiver', 'semver']) {
      const lazy = new RegExp(`loaded${name[0].toUpperCase()}${name.slice(1)} \\?\\?= (require_${name}\\d*)\\(\\)`).exec(bundle);
      expect(lazy, name).not.toBeNull();
      const loader = (lazy as RegExpExecArray)[1];
      expect(bundle).toContain(`var ${loader} = __commonJS({\n  "node_modules/cdktf/node_modules/${name}/`);
      expect(bundle.split(`${loader}()`).length - 1, `${loader}() calls`).toBe(1);
    }
  }, 120_000);

  test('the lazily required semver still checks a binary version', async () => {
    // GIVEN a program using cdktf's binary version check, bundled like the app
    const entry = join(work, 'version-check.ts');
    writeFileSync(entry, [
      "import 'cdktf';",
      "import { ValidateBinaryVersion } from 'cdktf/lib/validations/validate-binary-version';",
      "const check = (constraint: string) => new ValidateBinaryVersion('node', constraint, 'node --version').validate();",
      "process.stdout.write(JSON.stringify({ old: check('>=1.0.0'), future: check('>=999.0.0') }));",
    ].join('\n'));
    const outfile = join(work, 'version-check.js');
    await app.bundle(entry, outfile, { nodePaths: [join(ROOT, 'node_modules')] });
    // WHEN
    const result = spawnSync(process.execPath, [APP, 'run-file', outfile], { encoding: 'utf8', timeout: 60_000 });
    // THEN
    expect(result.status, result.stderr).toBe(0);
    const { old, future } = JSON.parse(result.stdout) as { old: string[]; future: string[] };
    expect(old).toEqual([]);
    expect(future).toEqual([expect.stringMatching(/^node version \d+\.\d+\.\d+ is lower than the required version >=999\.0\.0/)]);
  });
});
