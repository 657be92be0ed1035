/**
 * Reuse beyond this app: the constructs are importable through the package name `m2m-guard`
 * (package.json `exports`), by
 *  (a) the in-repo example consumer app, in development: TypeScript sources via the
 *      `m2m-guard-source` export condition (node --conditions / vitest / tsconfig customConditions);
 *  (b) a real consumer: the `npm run build` output, packed with `npm pack` (package.json `files`)
 *      and installed into a consumer directory, with its type declarations.
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'consumer-app');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  scripts: Record<string, string>;
  engines: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
};
const SOURCE_CONDITION = 'm2m-guard-source';
const ENTRY_POINTS = ['.', './lookups', './validation', './providers/alicloud', './providers/oci'] as const;
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, CHECKPOINT_DISABLE: '1', FORCE_COLOR: '0', NO_COLOR: '1', ...env },
  });
}

function expectSuccess(result: SpawnSyncReturns<string>): void {
  expect(result.error).toBeUndefined();
  expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
}

interface TfJson {
  terraform: { required_providers: Record<string, unknown> };
  resource: Record<string, Record<string, Record<string, unknown>>>;
}

/** Checks the example's synthesized stack: the protection pattern and the federation are there. */
function expectOrdersStack(outdir: string): void {
  const synth = JSON.parse(readFileSync(join(outdir, 'stacks', 'orders', 'cdk.tf.json'), 'utf8')) as TfJson;
  const exampleLock = JSON.parse(readFileSync(join(EXAMPLE, 'lookups.lock.json'), 'utf8')) as { issuers: Record<string, { fingerprints: string[] }> };
  const [issuer, facts] = Object.entries(exampleLock.issuers)[0];
  expect(synth.terraform.required_providers.alicloud).toEqual({ source: 'aliyun/alicloud', version: '1.292.0' });
  const plugins = Object.values(synth.resource.alicloud_api_gateway_plugin);
  const jwt = plugins.find((p) => p.plugin_type === 'jwtAuth');
  expect(jwt).toBeDefined();
  expect(String(jwt?.plugin_data)).toContain('orders-example-rs256'); // the key from the example's own lock
  expect(plugins.some((p) => p.plugin_type === 'accessControl')).toBe(true);
  expect(Object.keys(synth.resource.alicloud_api_gateway_plugin_attachment)).toHaveLength(2);
  const [oidc] = Object.values(synth.resource.alicloud_ims_oidc_provider);
  expect(oidc.issuer_url).toBe(issuer);
  expect(oidc.fingerprints).toEqual(facts.fingerprints);
  expect(Object.values(synth.resource.alicloud_ram_role).map((r) => r.role_name)).toEqual(['orders-fulfilment']);
  // both clouds in one stack, and an alicloud resource type outside the library's snapshot
  expect(synth.terraform.required_providers.oci).toMatchObject({ source: expect.stringMatching(/oracle\/oci$/) });
  expect(Object.keys(synth.resource.oci_apigateway_deployment)).toHaveLength(1);
  expect(Object.values(synth.resource.alicloud_oss_bucket).map((b) => b.bucket)).toEqual(['orders-exports']);
}

/** The example reports its own alicloud resource as not validated (information), not as an error. */
function expectNotValidatedInfo(stdout: string): void {
  expect(stdout).toMatch(/^info \[orders\] alicloud_oss_bucket\.Exports not validated: resource type outside the pinned aliyun\/alicloud [\d.]+ schema snapshot/m);
}

describe('example consumer app (examples/consumer-app), through the package name', () => {
  test('imports the library only through `m2m-guard` and its subpaths, never a relative path', () => {
    const allowed = (specifier: string): boolean =>
      specifier.startsWith('node:') || builtinModules.includes(specifier) || ['cdktf', 'constructs'].includes(specifier)
      || specifier === PKG.name || specifier.startsWith(`${PKG.name}/`);
    const files = readdirSync(EXAMPLE).filter((f) => f.endsWith('.ts'));
    expect(files).toContain('main.ts');
    for (const file of files) {
      const text = readFileSync(join(EXAMPLE, file), 'utf8');
      const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^import\s+)['"]([^'"]+)['"]/gm)].map((m) => m[1]);
      expect(specifiers.length).toBeGreaterThan(0);
      expect(specifiers.filter((s) => !allowed(s)), file).toEqual([]);
      expect(specifiers.filter((s) => s.startsWith(PKG.name)).sort()).toEqual(['m2m-guard', 'm2m-guard/lookups', 'm2m-guard/providers/alicloud', 'm2m-guard/providers/oci', 'm2m-guard/validation']);
    }
  });

  test('synthesizes and passes schema validation, sources resolved through the export condition', () => {
    // GIVEN the example's own lock, CI mode (no lookups allowed), a fresh output directory
    const outdir = join(mkdtempSync(join(tmpdir(), 'consumer-app-')), 'cdktf.out');
    const lockBefore = readFileSync(join(EXAMPLE, 'lookups.lock.json'), 'utf8');
    try {
      // WHEN
      const result = run(process.execPath, [`--conditions=${SOURCE_CONDITION}`, '--import', 'tsx', join(EXAMPLE, 'main.ts')], ROOT, { CI: 'true', CDKTF_OUTDIR: outdir });
      // THEN
      expectSuccess(result);
      expect(result.stdout).toMatch(/ok 1 stack\(s\) synthesized and validated/);
      expect(result.stdout).not.toMatch(/warning/);
      expectNotValidatedInfo(result.stdout);
      expectOrdersStack(outdir);
      expect(readFileSync(join(EXAMPLE, 'lookups.lock.json'), 'utf8')).toBe(lockBefore);
    } finally {
      rmSync(join(outdir, '..'), { recursive: true, force: true });
    }
  });

  test('vitest resolves the package name to the sources too (resolve condition)', async () => {
    const lib = await import('m2m-guard');
    const lookups = await import('m2m-guard/lookups');
    const validation = await import('m2m-guard/validation');
    const alicloud = await import('m2m-guard/providers/alicloud');
    const oci = await import('m2m-guard/providers/oci');
    expect(typeof oci.provider.OciProvider).toBe('function');
    expect([lib.M2mProtectedApis, lib.OidcRole, lib.SecurityChecks].map((c) => typeof c)).toEqual(['function', 'function', 'function']);
    expect(typeof lookups.prepareLookups).toBe('function');
    expect(typeof validation.synthAndValidate).toBe('function');
    expect(typeof alicloud.provider.AlicloudProvider).toBe('function');
  });
});

describe('built package (npm run build → npm pack → installed by a consumer)', () => {
  let work: string;
  let consumer: string;
  let installed: string;
  let packedFiles: string[];

  let packedJson: Record<string, any>;

  beforeAll(() => {
    // Inside the project's node_modules/ so that the installed copy finds its dependencies (cdktf,
    // constructs, ...) where npm would have installed them; nothing is written to dist/.
    const cache = join(ROOT, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    work = mkdtempSync(join(cache, 'm2m-guard-package-'));
    consumer = join(work, 'consumer');
    installed = join(consumer, 'node_modules', PKG.name);
    // WHEN packed the documented way (npm run package)
    expect(PKG.scripts.package).toBe('node scripts/package.mjs');
    const started = Date.now();
    const pack = run(process.execPath, [join(ROOT, 'scripts', 'package.mjs'), '--json', '--pack-destination', work], ROOT);
    expectSuccess(pack);
    const [info] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    packedFiles = info.files.map((f) => f.path);
    mkdirSync(installed, { recursive: true });
    expectSuccess(run('tar', ['-xzf', join(work, info.filename), '-C', installed, '--strip-components=1'], work));
    packedJson = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Record<string, any>;
    writeFileSync(join(consumer, 'package.json'), `${JSON.stringify({ name: 'orders-app', private: true, type: 'commonjs' }, null, 2)}\n`);
    process.stdout.write(`package-exports: package ${Date.now() - started} ms\n`);
  }, 180_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('the tarball ships the build output with declarations and the provider schemas, no sources', () => {
    for (const entry of ENTRY_POINTS) {
      const target = PKG.exports[entry] as Record<string, string>;
      expect(target[SOURCE_CONDITION]).toMatch(/\.ts$/);
      expect(existsSync(join(ROOT, target[SOURCE_CONDITION])), `${entry} source`).toBe(true);
      for (const condition of ['types', 'default']) expect(packedFiles, `${entry} ${condition}`).toContain(target[condition].replace(/^\.\//, ''));
    }
    expect(packedFiles).toContain('provider-schemas/alicloud-1.292.0.schema.json');
    expect(packedFiles).toContain('provider-schemas/alicloud-1.292.0.annotations.json');
    expect(packedFiles.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(packedFiles.filter((f) => !f.startsWith('dist/') && !f.startsWith('provider-schemas/')).sort()).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json']);
    expect(packedFiles.filter((f) => f.startsWith('provider-schemas/') && !/\.(schema|annotations)\.json$/.test(f))).toEqual([]);
  });

  test('the packed package.json is publishable: license, version, repository, engines, no install scripts', () => {
    expect(packedJson.private).toBeUndefined();
    expect(packedJson.license).toBe('Apache-2.0');
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
    expect(packedJson.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(readFileSync(join(installed, 'CHANGELOG.md'), 'utf8')).toContain('## [Unreleased]');
    expect(packedJson.repository).toMatchObject({ type: 'git', url: expect.stringMatching(/^git\+https:\/\//) });
    // no lifecycle script at all: prepare (bindings from provider-schemas/ with the dev-only cdktf-cli) needs this repository
    expect(packedJson.scripts).toBeUndefined();
    expect(packedJson.devDependencies).toBeUndefined();
    expect(packedJson.engines).toEqual(PKG.engines);
  });

  test('exports resolve to the built JavaScript and its .d.ts', () => {
    // in a plain node child: this worker runs with vitest's resolve conditions, a consumer does not
    const specifiers = ENTRY_POINTS.map((entry) => (entry === '.' ? PKG.name : `${PKG.name}/${entry.slice(2)}`));
    const result = run(process.execPath, ['-e', `
      const resolve = (s) => { try { return require.resolve(s); } catch (e) { return e.code; } };
      console.log(JSON.stringify([...${JSON.stringify(specifiers)}, 'm2m-guard/constructs/apigateway/api'].map(resolve)));`], consumer);
    expectSuccess(result);
    const resolved = JSON.parse(result.stdout) as string[];
    ENTRY_POINTS.forEach((entry, i) => {
      const target = PKG.exports[entry] as Record<string, string>;
      expect(resolved[i], specifiers[i]).toBe(join(installed, target.default));
      expect(existsSync(join(installed, target.types)), `${specifiers[i]} types`).toBe(true);
    });
    // no deep imports: only the exported entry points are reachable
    expect(resolved[ENTRY_POINTS.length]).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  test('require() and import of the built package expose the constructs (plain node, no loader)', () => {
    const cjs = run(process.execPath, ['-e', `
      const lib = require('m2m-guard');
      const { prepareLookups } = require('m2m-guard/lookups');
      const { synthAndValidate } = require('m2m-guard/validation');
      const { provider } = require('m2m-guard/providers/alicloud');
      const oci = require('m2m-guard/providers/oci');
      console.log(JSON.stringify({
        file: require.resolve('m2m-guard'),
        types: [lib.M2mProtectedApis, lib.OidcRole, lib.SecurityChecks, prepareLookups, synthAndValidate, provider.AlicloudProvider, oci.provider.OciProvider].map((x) => typeof x),
      }));`], consumer);
    expectSuccess(cjs);
    const out = JSON.parse(cjs.stdout) as { file: string; types: string[] };
    expect(out.file).toBe(join(installed, 'dist', 'constructs', 'index.js'));
    expect(out.types).toEqual(Array(7).fill('function'));
    const esm = run(process.execPath, ['--input-type=module', '-e', `
      import { M2mProtectedApis, OidcRole, SecurityChecks } from 'm2m-guard';
      import { synthAndValidate } from 'm2m-guard/validation';
      console.log([M2mProtectedApis, OidcRole, SecurityChecks, synthAndValidate].map((x) => typeof x).join(','));`], consumer);
    expectSuccess(esm);
    expect(esm.stdout.trim()).toBe('function,function,function,function');
  });

  test('the example app type-checks against the .d.ts and synthesizes with the built JavaScript', () => {
    // GIVEN the example app copied into the consumer, as its own project
    for (const file of ['main.ts', 'lookups.lock.json']) cpSync(join(EXAMPLE, file), join(consumer, file));
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: ['node'], strict: true, noEmit: true, skipLibCheck: true },
      files: ['main.ts'],
    }));
    // WHEN type-checked: the package's types come from its declarations, not from this repo's sources
    const tsc = run(process.execPath, [TSC, '-p', 'tsconfig.json', '--listFiles'], consumer);
    // THEN
    expectSuccess(tsc);
    const listed = tsc.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    for (const entry of ENTRY_POINTS) {
      expect(listed).toContain(join(installed, (PKG.exports[entry] as Record<string, string>).types));
    }
    expect(listed.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith(consumer))).toEqual([]);

    // WHEN run without the source condition (tsx only compiles main.ts itself)
    const outdir = join(consumer, 'cdktf.out');
    const synth = run(process.execPath, ['--import', 'tsx', 'main.ts'], consumer, { CI: 'true', CDKTF_OUTDIR: outdir });
    // THEN the schemas shipped in the package were found (a missing schema is a finding) and the stack is complete
    expectSuccess(synth);
    expect(synth.stdout).toMatch(/ok 1 stack\(s\) synthesized and validated/);
    expectNotValidatedInfo(synth.stdout);
    expectOrdersStack(outdir);
  });
});
