/**
 * Where the scale scenario's time and memory go: `tsx bench/profile.ts [--apis 1000] [--cpu-prof | --memory]`.
 *
 * 1. Phases, in this process: module imports (the generated bindings separately), construction
 *    (YAML rendering inside it), `app.synth()` split into prepare, the SecurityChecks aspect
 *    (resolving each resource's `toTerraform()` vs each rule), construct validations, stack
 *    `toTerraform()` and the rest (JSON stringify + write), then schema validation, read-back and
 *    the directory swap. Measured by wrapping prototype methods around the real `synthAndValidate`.
 * 2. With `--cpu-prof`: the scale child, bundled and started as the bench runs it, under `--cpu-prof`,
 *    self time summed by file and by function (top 25).
 * 3. With `--memory`: bench/scale-memory.ts, bundled the same way and started as `npm run synth`
 *    starts the app (its node flags, scripts/app.cjs), at 100 APIs and at `--apis`:
 *    RSS, peak RSS, V8 heap used / committed per space at each phase boundary, once as the run
 *    goes and once with a full GC before each reading (what is retained), and the growth per API
 *    between the two sizes. For heap snapshots or an allocation profile, run the bundle itself
 *    (see its header).
 *
 * Not part of `npm run bench` (instrumentation distorts wall time a little); run it on demand.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { bundleBenchProgram, runFileArgs } from './synth-command';

const ROOT = path.resolve(__dirname, '..');

/** Accumulates time spent in wrapped functions (outermost calls only, so recursion is not double counted). */
class Timers {
  public readonly totals = new Map<string, { ms: number; calls: number }>();
  private readonly depth = new Map<string, number>();

  /** Replaces `owner[key]` by a timed wrapper; `label` may depend on the calling context. */
  public wrap<T extends object>(owner: T, key: keyof T & string, label: string | (() => string)): void {
    const original = owner[key] as unknown as (...args: unknown[]) => unknown;
    if (typeof original !== 'function') throw new Error(`cannot wrap ${String(key)}: not a function`);
    const timers = this;
    (owner as Record<string, unknown>)[key] = function wrapped(this: unknown, ...args: unknown[]): unknown {
      return timers.time(typeof label === 'string' ? label : label(), () => original.apply(this, args));
    };
  }

  /** Whether a call labelled `label` is running. */
  public active(label: string): boolean {
    return (this.depth.get(label) ?? 0) > 0;
  }

  public time<R>(label: string, fn: () => R): R {
    const d = this.depth.get(label) ?? 0;
    this.depth.set(label, d + 1);
    const t0 = performance.now();
    try {
      return fn();
    } finally {
      this.depth.set(label, d);
      if (d === 0) {
        const entry = this.totals.get(label) ?? { ms: 0, calls: 0 };
        entry.ms += performance.now() - t0;
        entry.calls += 1;
        this.totals.set(label, entry);
      }
    }
  }

  public ms(label: string): number {
    return this.totals.get(label)?.ms ?? 0;
  }

  public calls(label: string): number {
    return this.totals.get(label)?.calls ?? 0;
  }
}

function timedImport(label: string, specifiers: readonly string[], rows: [string, number][]): void {
  const t0 = performance.now();
  for (const s of specifiers) require(s);
  rows.push([label, performance.now() - t0]);
}

/** `.gen/...` modules imported under constructs/ (what the app loads of the generated bindings). */
function generatedBindingImports(): string[] {
  const found = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) {
        for (const m of readFileSync(full, 'utf8').matchAll(/from '((?:\.\.\/)+\.gen\/[^']+)'/g)) {
          found.add(path.resolve(path.dirname(full), m[1]));
        }
      }
    }
  };
  walk(path.join(ROOT, 'constructs'));
  found.add(path.join(ROOT, '.gen/providers/alicloud/provider'));
  return [...found].sort();
}

function phases(n: number): void {
  const imports: [string, number][] = [];
  timedImport('cdktf + constructs (npm)', ['cdktf', 'constructs'], imports);
  timedImport('generated bindings (.gen, as imported under constructs/)', generatedBindingImports(), imports);
  timedImport('yaml (renders plugin scripts) + js-yaml (reads them back)', ['yaml', 'js-yaml'], imports);
  timedImport('project constructs (barrel)', ['../constructs'], imports);
  timedImport('validation', ['../validation'], imports);
  timedImport('bench scale app + lock reader', ['./scale-app', '../lookups/lock-file'], imports);

  const cdktf = require('cdktf') as typeof import('cdktf');
  // The CommonJS exports object (what the compiled project modules call into), not the ESM namespace.
  const yaml = createRequire(__filename)('yaml') as typeof import('yaml');
  const jsYaml = createRequire(__filename)('js-yaml') as typeof import('js-yaml');
  const { SecurityChecks, ALL_RULES } = require('../constructs') as typeof import('../constructs');
  const validation = require('../validation') as typeof import('../validation');
  const { buildScaleApp, scaleStackName } = require('./scale-app') as typeof import('./scale-app');
  const { readLockFile } = require('../lookups/lock-file') as typeof import('../lookups/lock-file');

  const t = new Timers();
  t.wrap(cdktf.App.prototype, 'synth', 'app.synth');
  t.wrap(cdktf.TerraformStack.prototype, 'prepareStack', 'prepareStack');
  t.wrap(cdktf.TerraformStack.prototype, 'runAllValidations', 'runAllValidations');
  t.wrap(cdktf.TerraformStack.prototype, 'toTerraform', 'stack.toTerraform');
  t.wrap(SecurityChecks.prototype, 'check', 'aspect');
  const inRule = (): boolean => ALL_RULES.some((r) => t.active(`rule ${r.id}`));
  // The checks evaluate the JSON cdktf rendered for the file: any resolving inside them would be a second render.
  const aspectLabel = (what: string) => (): string => (!t.active('aspect') ? `${what} elsewhere` : inRule() ? `${what} in aspect (in rule)` : `${what} in aspect`);
  t.wrap(cdktf.Tokenization, 'resolve', aspectLabel('resolve'));
  t.wrap(cdktf.TerraformResource.prototype, 'toTerraform', aspectLabel('toTerraform'));
  // cdktf captures a full stack trace for every token it creates (Intrinsic, Lazy): the same cost
  // compiled or under tsx (walking and keeping every frame, not source maps). synthAndValidate
  // skips the capture unless asked (--stack-traces): what remains is the call itself.
  let phase = 'construction';
  const stackTrace = createRequire(require.resolve('cdktf'))('./tokens/private/stack-trace') as { captureStackTrace: () => string[] };
  t.wrap(stackTrace, 'captureStackTrace', () => `stack trace (${phase})`);
  t.wrap(yaml.Document.prototype, 'toString', 'yaml render');
  // core/plugin-data.ts reads plugin scripts back with js-yaml.
  t.wrap(jsYaml, 'load', 'yaml parse');
  for (const rule of ALL_RULES) t.wrap(rule as { check: unknown }, 'check', `rule ${rule.id}`);

  const lock = readLockFile(path.join(ROOT, 'lookups.lock.json'));
  if (!lock) throw new Error('lookups.lock.json is missing');
  const work = mkdtempSync(path.join(tmpdir(), 'bench-profile-'));
  try {
    const outdir = path.join(work, 'out');
    let constructMs = 0;
    let yamlInConstruct = 0;
    const heapBefore = process.memoryUsage().heapUsed;
    const start = performance.now();
    const summary = validation.synthAndValidate((dir) => {
      const c0 = performance.now();
      const y0 = t.ms('yaml render');
      const app = buildScaleApp(dir, n, lock);
      constructMs = performance.now() - c0;
      yamlInConstruct = t.ms('yaml render') - y0;
      phase = 'synth';
      return app;
    }, { outdir });
    const totalMs = performance.now() - start;
    const heapAfter = process.memoryUsage().heapUsed;

    // Read-back and validation, measured standalone on the final output (synthAndValidate validates
    // the JSON the synthesizer hands over; it reads the file back only to report findings).
    const file = path.join(outdir, 'stacks', scaleStackName(n), 'cdk.tf.json');
    const r0 = performance.now();
    const config = validation.readStackFile(file);
    const readMs = performance.now() - r0;
    const v0 = performance.now();
    validation.validateStack(scaleStackName(n), config, { schemas: new validation.SchemaRegistry() });
    const validateColdMs = performance.now() - v0;
    const w0 = performance.now();
    validation.validateStack(scaleStackName(n), config);
    const validateWarmMs = performance.now() - w0;

    const synthMs = t.ms('app.synth');
    const aspectMs = t.ms('aspect');
    const rulesMs = ALL_RULES.reduce((sum, r) => sum + t.ms(`rule ${r.id}`), 0);
    const resolveInAspect = t.ms('resolve in aspect') + t.ms('resolve in aspect (in rule)');
    const toTerraformInAspect = t.ms('toTerraform in aspect') + t.ms('toTerraform in aspect (in rule)');
    const renderInRules = t.ms('resolve in aspect (in rule)') + t.ms('toTerraform in aspect (in rule)');
    const resolveCalls = t.calls('resolve in aspect') + t.calls('resolve in aspect (in rule)');
    const accounted = t.ms('prepareStack') + aspectMs + t.ms('runAllValidations') + t.ms('stack.toTerraform');
    const afterSynth = totalMs - constructMs - synthMs;

    const rows: [string, number, string][] = [];
    for (const [label, ms] of imports) rows.push([`import: ${label}`, ms, '']);
    rows.push(['construction (buildScaleApp)', constructMs, `${summary.stacks[0].resources} resources`]);
    rows.push(['  of which YAML rendering (plugin scripts)', yamlInConstruct, `${t.calls('yaml render')} scripts`]);
    rows.push(['  of which cdktf token stack traces (capture skipped unless --stack-traces)', t.ms('stack trace (construction)'), `${t.calls('stack trace (construction)')} tokens`]);
    rows.push(['app.synth() total', synthMs, '']);
    rows.push(['  prepareStack (resolve every element, preparing)', t.ms('prepareStack'), '']);
    rows.push(['  SecurityChecks on the rendered cdk.tf.json (rules + annotations)', aspectMs, `${t.calls('aspect')} stacks`]);
    rows.push(['    resolving inside the checks (should be 0: no second render)', resolveInAspect + toTerraformInAspect, `${resolveCalls} calls`]);
    rows.push(['    rules (sum)', rulesMs - renderInRules, '']);
    for (const rule of ALL_RULES) {
      const ms = t.ms(`rule ${rule.id}`) - (rule.id === 'APIGW-AUTH1' ? renderInRules : 0);
      if (ms >= 1) rows.push([`      ${rule.id}${rule.id === 'APIGW-AUTH1' ? ' (excl. building the StackIndex views)' : ''}`, ms, `${t.calls(`rule ${rule.id}`)} checks`]);
    }
    rows.push(['      of which YAML parse (plugin_data)', t.ms('yaml parse'), `${t.calls('yaml parse')} parses`]);
    rows.push(['  cdktf token stack traces during synth (capture skipped)', t.ms('stack trace (synth)'), `${t.calls('stack trace (synth)')} tokens`]);
    rows.push(['  runAllValidations (construct validations)', t.ms('runAllValidations'), '']);
    rows.push(['  stack.toTerraform (resolve + merge)', t.ms('stack.toTerraform'), '']);
    rows.push(['  rest of synth (annotations, stable JSON stringify, write, manifest)', synthMs - accounted, '']);
    rows.push(['after synth: schema validation + swap', afterSynth, '']);
    rows.push(['  read back (readFileSync + JSON.parse), standalone (not done on a clean synth)', readMs, '']);
    rows.push(['  validateStack cold (schema load + compile), standalone', validateColdMs, '']);
    rows.push(['  validateStack warm, standalone', validateWarmMs, '']);
    rows.push(['synthAndValidate total (construct + synth + validate)', totalMs, `heap +${((heapAfter - heapBefore) / 2 ** 20).toFixed(0)} MiB`]);

    const width = Math.max(...rows.map((r) => r[0].length));
    process.stdout.write(`\nPhases, ${n} protected APIs (in-process, instrumented):\n`);
    for (const [label, ms, note] of rows) process.stdout.write(`${label.padEnd(width)}  ${ms.toFixed(0).padStart(6)} ms  ${note}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

/** Self time by file and by function of a `.cpuprofile`. */
function summarizeCpuProfile(profile: CpuProfile, top = 25): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFile = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    total += us;
    const file = shortFile(frame.url) || `(${frame.functionName || 'native'})`;
    byFile.set(file, (byFile.get(file) ?? 0) + us);
    const fn = `${frame.functionName || '(anonymous)'}  ${file}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  }
  const lines: string[] = [`total sampled: ${(total / 1000).toFixed(0)} ms`, '', 'self time by file:'];
  const fmt = (entries: Map<string, number>): void => {
    for (const [key, us] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      lines.push(`${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`);
    }
  };
  fmt(byFile);
  lines.push('', 'self time by function:');
  fmt(byFunction);
  return lines.join('\n');
}

function shortFile(url: string): string {
  if (!url) return '';
  const file = url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('/node_modules/');
  if (nm >= 0) return `npm:${file.slice(nm + '/node_modules/'.length)}`;
  return file.startsWith(ROOT) ? path.relative(ROOT, file) : file;
}

async function cpuProfile(n: number): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-cpuprof-'));
  try {
    // The scale child bundled as the bench bundles it, not under tsx.
    const child = await bundleBenchProgram('scale-child', 'profile-scale-child');
    // Started as the bench starts it (npm run synth's node flags and launcher): the GC flags change where time goes.
    const result = spawnSync(process.execPath, runFileArgs(child, ['--apis', String(n)], ['--cpu-prof', '--cpu-prof-dir', dir]), { cwd: ROOT, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`profiled child failed: ${result.stderr}`);
    const profile = readdirSync(dir).find((f) => f.endsWith('.cpuprofile')) as string;
    process.stdout.write(`\nCPU profile of the bundled scale child (${n} APIs), run: ${result.stdout.trim()}\n`);
    process.stdout.write(`${summarizeCpuProfile(JSON.parse(readFileSync(path.join(dir, profile), 'utf8')) as CpuProfile)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Readings = { apis: number; readings: import('./scale-memory').MemoryReading[] };

async function memory(n: number): Promise<void> {
  const child = await bundleBenchProgram('scale-memory');
  const run = (apis: number, gc: boolean): Readings => {
    // Started as `npm run synth` starts the app: V8's heap flags decide much of a large synth's peak.
    const node = runFileArgs(child, ['--apis', String(apis), ...(gc ? ['--gc'] : [])], gc ? ['--expose-gc'] : []);
    const result = spawnSync(process.execPath, node, { cwd: ROOT, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`memory child failed: ${result.stderr}`);
    return JSON.parse(result.stdout.trim().split('\n').pop() as string) as Readings;
  };
  const sizes = [...new Set([100, n])];
  for (const gc of [false, true]) {
    const runs = sizes.map((apis) => run(apis, gc));
    process.stdout.write(`\nMemory by phase (MiB), ${gc ? 'after a full GC at each reading: retained' : 'as the run goes'}:\n`);
    const head = ['phase', ...runs.flatMap((r) => [`rss@${r.apis}`, `peak@${r.apis}`, `heap used@${r.apis}`, `new/old/large committed@${r.apis}`])];
    if (runs.length === 2) head.push('heap used KB per added API');
    const rows = runs[0].readings.map((first, i) => {
      const cells = runs.flatMap(({ readings }) => {
        const r = readings[i];
        const c = (s: string): string => (r.spaces[s]?.committed ?? 0).toFixed(0);
        return [r.rss.toFixed(0), r.peakRss.toFixed(0), r.heapUsed.toFixed(1), `${c('new')}/${c('old')}/${c('large_object')}`];
      });
      if (runs.length === 2) cells.push((((runs[1].readings[i].heapUsed - first.heapUsed) * 1024) / (runs[1].apis - runs[0].apis)).toFixed(1));
      return [first.phase, ...cells];
    });
    const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
    for (const row of [head, ...rows]) process.stdout.write(`${row.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join('  ')}\n`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { apis: { type: 'string', default: '1000' }, 'cpu-prof': { type: 'boolean' }, memory: { type: 'boolean' } } });
  const n = Number(values.apis);
  if (values.memory) {
    await memory(n);
    return;
  }
  phases(n);
  if (values['cpu-prof']) await cpuProfile(n);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
