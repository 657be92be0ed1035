#!/usr/bin/env node
/**
 * Builds and runs the app as compiled JavaScript, so `npm run synth` and `npx cdktf synth` never
 * transpile TypeScript at run time.
 *
 *   node scripts/app.cjs build            bundle the app into .build/app/ (npm install runs it)
 *   node scripts/app.cjs run <entry> ...  rebuild first if a source changed, then run the entry
 *   node scripts/app.cjs run-file <bundle> ...  run any CommonJS bundle the same way (the bench)
 *   node scripts/app.cjs --help
 *
 * Entries: `main` (main.ts, the synth command) and `lookups-network` (lookups/network.ts: undici,
 * jose, TLS; loaded by the synth only when an issuer is missing from the lock). Each is one esbuild
 * bundle with its npm dependencies, so starting it reads and compiles one file instead of hundreds.
 *
 * Staleness is a cheap mtime check: every source file esbuild read for the last build (recorded
 * in .build/app/meta.json), package-lock.json, tsconfig.json and this script, against the time that
 * build started. A new file matters only once a recorded file imports it, and then that file changed.
 * Outputs are written to temporary files and renamed into place, so a concurrent run never reads a
 * half-written bundle.
 *
 * Bundles run through scripts/run-bundle.cjs, which keeps a V8 code cache next to each bundle
 * (`.build/app/<entry>.js.code-cache`), so a synth does not compile the 4 MB bundle again.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');
const { runBundle, cacheFileOf } = require('./run-bundle.cjs');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, '.build', 'app');
const META = path.join(OUT, 'meta.json');
const ENTRIES = { main: 'main.ts', 'lookups-network': 'lookups/network.ts' };
/** Files whose change means a rebuild although esbuild does not list them as inputs. */
const EXTRA_INPUTS = ['package.json', 'package-lock.json', 'tsconfig.json', 'scripts/app.cjs'];

/**
 * Says on stderr that a bundle is built without one of the optimizations below, because a
 * dependency no longer has the code it patches. The bundle then runs the dependency's own code, as
 * before the optimization; test/integration/app-bundle.test.ts (which checks each one) fails
 * in the project's CI, so the loss is seen there without breaking a user's `npm ci` or synth.
 */
const skipped = new Set();
function skipOptimization(what, why) {
  const message = `app: building without ${what}: ${why}\n`;
  if (skipped.has(message)) return; // once, not once per importer or entry
  skipped.add(message);
  process.stderr.write(message);
}

const HELP = `Usage: node scripts/app.cjs build | run <entry> [args...] | run-file <bundle> [args...] | --help

  build              Bundle the app (${Object.values(ENTRIES).join(', ')}) into .build/app/.
  run <entry>        Run .build/app/<entry>.js with the remaining arguments, rebuilding it first when
                     a source file changed since the last build. Entries: ${Object.keys(ENTRIES).join(', ')}.
  run-file <bundle>  Run any CommonJS bundle with the remaining arguments, the way run does.

Runs keep a V8 code cache next to the bundle (<bundle>.code-cache; deleting it is always safe).
M2M_GUARD_CODE_CACHE=off runs without it; M2M_GUARD_CODE_CACHE=verbose says on stderr whether it
was used or written.
`;

/** `file` with forward slashes, so the plugins below match module paths alike on Windows. */
const posix = (file) => file.replace(/\\/g, '/');

/**
 * Modules cdktf requires when it loads but uses only in features an app may never touch: archiver
 * (with some 40 stream, glob and zip modules, about 700 KB) only zips `TerraformAsset`
 * directories, semver (45 modules) only checks the version of a CLI binary a construct asks for.
 * In our bundles each is required on its first use instead. If cdktf no longer has the line, the
 * build says so and keeps cdktf's eager require (see {@link skipOptimization}).
 */
const LAZY_IN_CDKTF = [
  { file: 'lib/private/fs.js', eager: 'const archiver = require("archiver");', lazy: 'let loadedArchiver;\nconst archiver = (...args) => (loadedArchiver ??= require("archiver"))(...args);' },
  { file: 'lib/validations/validate-binary-version.js', eager: 'const semver = require("semver");', lazy: 'let loadedSemver;\nconst semver = { satisfies: (...args) => (loadedSemver ??= require("semver")).satisfies(...args) };' },
];
const lazyCdktfRequires = {
  name: 'lazy-cdktf-requires',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]cdktf[\\/]lib[\\/].*\.js$/ }, (args) => {
      const change = LAZY_IN_CDKTF.find((c) => posix(args.path).endsWith(`/cdktf/${c.file}`));
      if (change === undefined) return undefined;
      const source = fs.readFileSync(args.path, 'utf8');
      if (!source.includes(change.eager)) {
        skipOptimization(`the lazy require in cdktf/${change.file}`, `it no longer has ${change.eager} (update LAZY_IN_CDKTF in scripts/app.cjs)`);
        return undefined;
      }
      return { contents: source.replace(change.eager, change.lazy), loader: 'js' };
    });
  },
};

/**
 * cdktf writes each stack, its metadata and the manifest with json-stable-stringify, whose
 * level-by-level string joins were the peak of a large synth's memory. In our bundles cdktf's
 * `require("json-stable-stringify")` gets scripts/stable-stringify.cjs instead: the same bytes
 * through V8's native JSON.stringify, falling back to the library for anything else. If cdktf no
 * longer requires the module the expected way, or requires another version than the one the
 * replacement was checked against (test/integration/stable-stringify.test.ts), the build says so
 * and cdktf keeps the library (see {@link skipOptimization}).
 */
const STABLE_STRINGIFY = {
  replacement: path.join(__dirname, 'stable-stringify.cjs'),
  version: '1.3.0',
  callers: ['lib/synthesize/synthesizer.js', 'lib/manifest.js'],
};
const nativeStableStringify = {
  name: 'native-stable-stringify',
  setup(b) {
    const redirected = new Set();
    let refused = false; // a require left to the library (already reported)
    b.onResolve({ filter: /^json-stable-stringify$/ }, async (args) => {
      const importer = posix(args.importer);
      const at = importer.lastIndexOf('/node_modules/cdktf/');
      if (at === -1 || importer.slice(at).includes('/node_modules/', 1)) return undefined;
      const resolved = await b.resolve('cdktf/node_modules/json-stable-stringify', { kind: args.kind, resolveDir: ROOT });
      const own = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir });
      const version = own.errors.length === 0 ? JSON.parse(fs.readFileSync(path.join(path.dirname(own.path), 'package.json'), 'utf8')).version : 'unresolved';
      if (resolved.errors.length > 0 || resolved.path !== own.path || version !== STABLE_STRINGIFY.version) {
        refused = true;
        skipOptimization('scripts/stable-stringify.cjs', `cdktf now requires json-stable-stringify ${version} at ${own.path}; the replacement reproduces ${STABLE_STRINGIFY.version} (cdktf/node_modules/json-stable-stringify): check its format and update STABLE_STRINGIFY in scripts/app.cjs`);
        return undefined;
      }
      redirected.add(importer.slice(at + '/node_modules/cdktf/'.length));
      return { path: STABLE_STRINGIFY.replacement };
    });
    b.onEnd((result) => {
      const inputs = Object.keys(result.metafile?.inputs ?? {});
      if (!inputs.some((f) => f.endsWith('node_modules/cdktf/lib/synthesize/synthesizer.js'))) return;
      const missing = STABLE_STRINGIFY.callers.filter((c) => !redirected.has(c));
      if (missing.length > 0 && !refused) {
        skipOptimization(`scripts/stable-stringify.cjs in cdktf's ${missing.join(', ')}`, 'they no longer require("json-stable-stringify") (update STABLE_STRINGIFY in scripts/app.cjs)');
      }
    });
  },
};

/**
 * The esbuild options of every bundle the project runs (the app, and the bench's children and
 * minimal cdktf app, so that they run the same way).
 */
function bundleOptions(entry, outfile) {
  return { absWorkingDir: ROOT, entryPoints: [entry], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', metafile: true, logLevel: 'warning',
    // import() of an external bundle (./lookups-network.js) becomes require(): every bundle is CommonJS,
    // and a bundle run from a vm.Script (scripts/run-bundle.cjs) has no ES module loader.
    supported: { 'dynamic-import': false },
    plugins: [lazyCdktfRequires, nativeStableStringify] };
}

/**
 * Bundles `entry` into `outfile` with {@link bundleOptions} (plus `extra`, whose plugins are added) and returns esbuild's
 * result. The file is pure ASCII: esbuild escapes non-ASCII characters in code but keeps them in
 * the comments it preserves; escaping those too lets the launcher read the bundle as a one-byte
 * string (faster to read, half the memory of a UTF-16 string).
 */
async function bundle(entry, outfile, extra = {}) {
  // esbuild is a dev dependency: loaded only when a build is actually needed.
  const esbuild = require('esbuild');
  const options = bundleOptions(entry, outfile);
  const result = await esbuild.build({ ...options, ...extra, plugins: [...options.plugins, ...(extra.plugins ?? [])], write: false });
  const text = result.outputFiles[0].text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  fs.writeFileSync(outfile, onceToEsm(text));
  return result;
}

const TO_ESM = 'var __toESM = (mod, isNodeMode, target) => (target =';
/**
 * esbuild wraps a CommonJS module for every ES module that imports it (`__toESM`: a new object
 * with one getter per export). The app's 80-odd modules importing cdktf (120-odd exports) made
 * 80-odd such copies at start. This keeps one wrapper per module and mode, made again only when
 * the module's export count changed since (an export added later, as a circular import can do).
 * If esbuild's helper no longer reads as expected, the bundle keeps it (see {@link skipOptimization}).
 */
function onceToEsm(text) {
  if (!text.includes(TO_ESM)) {
    if (text.includes('__toESM(')) skipOptimization('one __toESM wrapper per module', `esbuild's __toESM helper is no longer "${TO_ESM}" (update onceToEsm in scripts/app.cjs)`);
    return text;
  }
  return text.replace(TO_ESM, `var __toESMWrappers = [/* @__PURE__ */ new WeakMap(), /* @__PURE__ */ new WeakMap()];
var __toESM = (mod, isNodeMode) => {
  if (mod === null || typeof mod !== "object" && typeof mod !== "function") return __toESMNew(mod, isNodeMode);
  var wrappers = __toESMWrappers[isNodeMode ? 1 : 0], count = __getOwnPropNames(mod).length, known = wrappers.get(mod);
  if (known === void 0 || known.count !== count) wrappers.set(mod, known = { count, wrapper: __toESMNew(mod, isNodeMode) });
  return known.wrapper;
};
var __toESMNew = (mod, isNodeMode, target) => (target =`);
}

/**
 * Runs core/bindings-preflight.ts (transpiled, not bundled): without .gen/ it says to run
 * `npm run get` and exits, instead of esbuild's "Could not resolve" for every binding import.
 */
async function preflight() {
  const file = path.join(ROOT, 'core', 'bindings-preflight.ts');
  const { code } = await require('esbuild').transform(fs.readFileSync(file, 'utf8'), { loader: 'ts', format: 'cjs', platform: 'node' });
  const mod = { exports: {} };
  vm.runInThisContext(Module.wrap(code), { filename: file })(mod.exports, require, mod, file, path.dirname(file));
}

/**
 * lookups/prepare.ts imports './network.js' only when it must look an issuer up: the app's build
 * keeps that a separate bundle, loaded at run time, so the synth bundle holds no network code (the
 * bench's bundles do not split it out).
 */
const lazyNetwork = {
  name: 'lazy-lookups-network',
  setup(b) {
    b.onResolve({ filter: /^\.\/network(\.js)?$/ }, (args) =>
      path.resolve(args.resolveDir) === path.join(ROOT, 'lookups')
        ? { path: './lookups-network.js', external: true }
        : undefined);
  },
};

/** Bundles every entry; returns the build's metadata (also written to .build/app/meta.json). */
async function build() {
  await preflight();
  const startedAt = Date.now();
  fs.mkdirSync(OUT, { recursive: true });
  const outputs = {};
  const suffix = `.tmp-${process.pid}`;
  const written = [];
  for (const [name, entry] of Object.entries(ENTRIES)) {
    const outfile = path.join(OUT, `${name}.js`);
    const result = await bundle(entry, outfile + suffix, { plugins: [lazyNetwork] });
    const output = Object.values(result.metafile.outputs)[0];
    outputs[name] = {
      entry,
      // every file read (for the staleness check) and the files whose code is in the bundle
      inputs: Object.keys(result.metafile.inputs).sort(),
      bundled: Object.entries(output.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([file]) => file).sort(),
    };
    written.push([outfile + suffix, outfile]);
  }
  for (const [from, to] of written) {
    fs.renameSync(from, to);
    // the cache is keyed on the bundle anyway; removing it keeps no stale file around
    fs.rmSync(cacheFileOf(to), { force: true });
  }
  const meta = { startedAt, outputs };
  fs.writeFileSync(META + suffix, `${JSON.stringify(meta, null, 2)}\n`);
  fs.renameSync(META + suffix, META);
  return meta;
}

/** Why the build is out of date, or undefined when it is current. */
function staleReason() {
  let meta;
  try {
    meta = JSON.parse(fs.readFileSync(META, 'utf8'));
  } catch {
    return 'no previous build';
  }
  for (const name of Object.keys(ENTRIES)) {
    if (!fs.existsSync(path.join(OUT, `${name}.js`))) return `.build/app/${name}.js is missing`;
  }
  const inputs = new Set(Object.values(meta.outputs ?? {}).flatMap((o) => o.inputs));
  const files = [...[...inputs].filter((f) => !f.startsWith('node_modules/')), ...EXTRA_INPUTS];
  for (const file of files) {
    let mtime;
    try {
      mtime = fs.statSync(path.join(ROOT, file)).mtimeMs;
    } catch {
      return `${file} was removed`;
    }
    if (mtime >= meta.startedAt) return `${file} changed`;
  }
  return undefined;
}

async function run(entry, args) {
  if (!Object.hasOwn(ENTRIES, entry)) {
    process.stderr.write(`Unknown entry ${JSON.stringify(entry)}.\n\n${HELP}`);
    process.exit(2);
  }
  const reason = staleReason();
  if (reason !== undefined) {
    const started = Date.now();
    await build();
    process.stderr.write(`app: rebuilt .build/app (${reason}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  runBundle(path.join(OUT, `${entry}.js`), args);
}

if (require.main === module) {
  const [command, ...rest] = process.argv.slice(2);
  const fail = (error) => {
    process.stderr.write(`app: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  };
  if (command === 'build') {
    build().catch(fail);
  } else if (command === 'run' && rest.length > 0) {
    run(rest[0], rest.slice(1)).catch(fail);
  } else if (command === 'run-file' && rest.length > 0) {
    if (!fs.statSync(rest[0], { throwIfNoEntry: false })?.isFile()) {
      process.stderr.write(`No bundle at ${JSON.stringify(rest[0])}.\n\n${HELP}`);
      process.exit(2);
    }
    runBundle(rest[0], rest.slice(1));
  } else if (command === '--help' || command === '-h') {
    process.stdout.write(HELP);
  } else {
    process.stderr.write(HELP);
    process.exit(2);
  }
}

module.exports = { build, bundle, bundleOptions, staleReason, OUT, META, ENTRIES };
