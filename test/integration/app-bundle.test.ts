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

  test("cdktf writes stacks and the manifest with scripts/stable-stringify.cjs, not json-stable-stringify", () => {
    // GIVEN the current app bundle
    expect(spawnSync(process.execPath, [APP, 'run', 'main', '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 }).status).toBe(0);
    const bundle = readFileSync(join(ROOT, '.build', 'app', 'main.js'), 'latin1');
    // THEN the replacement is in the bundle, and each cdktf module that stringifies gets it
    const loader = /var (require_stable_stringify\d*) = __commonJS\(\{\n {2}"scripts\/stable-stringify\.cjs"/.exec(bundle);
    expect(loader).not.toBeNull();
    for (const file of ['lib/synthesize/synthesizer.js', 'lib/manifest.js']) {
      const start = bundle.indexOf(`"node_modules/cdktf/${file}"(`);
      expect(start, file).toBeGreaterThan(-1);
      const body = bundle.slice(start, bundle.indexOf('\n  }\n});', start));
      expect(body, file).toContain(`var stringify = ${(loader as RegExpExecArray)[1]}();`);
    }
    // AND the real library is called only by the replacement (its fallback)
    const real = /var (require_json_stable_stringify\d*) = __commonJS/.exec(bundle);
    expect(bundle.split(`${(real as RegExpExecArray)[1]}()`).length - 1).toBe(1);
  }, 120_000);

  test('ES modules importing one CommonJS module share its wrapper, and see exports added later', async () => {
    // GIVEN a CommonJS module imported by three ES modules, the third loaded after an export was added
    const dir = mkdtempSync(join(work, 'to-esm-'));
    writeFileSync(join(dir, 'dep.cjs'), 'exports.a = 1;\nexports.addLater = () => { exports.b = 2; };\n');
    writeFileSync(join(dir, 'one.ts'), "import * as dep from './dep.cjs';\nexport const ns = dep;\n");
    writeFileSync(join(dir, 'three.ts'), "import * as dep from './dep.cjs';\nexport const ns = dep;\n");
    writeFileSync(join(dir, 'entry.ts'), [
      "import * as one from './one';",
      "import * as dep from './dep.cjs';",
      'dep.addLater();',
      "// eslint-disable-next-line @typescript-eslint/no-require-imports",
      "const three = require('./three') as typeof import('./three');",
      'process.stdout.write(JSON.stringify({ shared: one.ns === dep, a: dep.a, bBefore: (one.ns as Record<string, unknown>).b ?? null, bAfter: (three.ns as Record<string, unknown>).b }));',
    ].join('\n'));
    const outfile = join(dir, 'entry.js');
    await app.bundle(join(dir, 'entry.ts'), outfile);
    // WHEN
    const result = spawnSync(process.execPath, [APP, 'run-file', outfile], { encoding: 'utf8', timeout: 60_000 });
    // THEN
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ shared: true, a: 1, bBefore: null, bAfter: 2 });
    expect(readFileSync(outfile, 'latin1')).toContain('var __toESMWrappers');
  });

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
