/**
 * `npm run bench`: synth speed and memory of the project as ratios to plain cdktf, measured in one
 * run, alternating the sides so that machine load hits them alike.
 *
 * Every side is a compiled esbuild bundle started in a fresh process that reports its own CPU time
 * and peak memory (bench/probe.cjs), the way `npm run synth` starts the app: node with the flags of
 * package.json `scripts.synth` and the launcher (`scripts/app.cjs`, with its V8 code cache). Every
 * side of every comparison gets exactly that treatment.
 * 1. Example: what `npm run synth` runs (package.json, lock-complete, CI=true) vs. the minimal
 *    cdktf app (bench/minimal-app.ts: one stack, one output) started through the same launcher
 *    with the same node flags (`scripts/app.cjs run-file`, with its V8 code cache).
 * 2. Scale: n protected APIs × 3 stages (bench/scale-app.ts, `synthAndValidate` with the security
 *    checks) vs. the same synthesized resources replayed as bare `TerraformResource`s and through
 *    the generated L1 classes (bench/baseline-child.ts, bench/generated-l1-child.ts), each child
 *    started like the minimal app (`scripts/app.cjs run-file` with the synth's node flags): the
 *    peak memory of a large synth depends on V8's heap flags, so it is measured as users run it.
 * Prints tables and the targets as PASS/MISS. Writes bench/results/latest.{json,md} only with
 * --write. Never part of the test suite; outputs go to temporary directories.
 */
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import Table from 'cli-table3';
import { parseCommandLine, usageError } from '../core/command-line';
import type { ScaleRun } from './scale-child';
import { type NodeMeasurement, measureNode, median } from './measure';
import { BENCH_BUNDLES, LAUNCHER, bundleBenchProgram, runFileArgs, synthCommand } from './synth-command';

const ROOT = path.resolve(__dirname, '..');
const RESULTS = path.join(ROOT, 'bench', 'results');

/** The targets of issue #17. */
const TARGET = {
  exampleVsMinimal: 1.3,
  scale1000VsL1: 0.9,
  scale1000VsBare: 1.5,
  peakKbPerApi: 80,
  /** Marginal CPU per API from 1,000 to the largest size, relative to 100 → 1,000. */
  linearGrowth: 1.25,
} as const;

/** Medians (CPU, wall) and the largest peak memory over a side's runs. */
interface SideStats {
  readonly runs: number;
  readonly cpuMs: number;
  readonly wallMs: number;
  readonly peakRssMb: number;
  /** Scale sides: in-process phases of the run with the median CPU. */
  readonly inProcess?: ScaleRun;
}

interface Ratio { readonly cpu: number; readonly wall: number }

interface ScaleResult {
  readonly apis: number;
  readonly resources: number;
  readonly ours: SideStats;
  readonly bare: SideStats;
  readonly l1: SideStats;
  readonly vsBare: Ratio;
  readonly vsL1: Ratio;
  /** Whether both baselines reproduced our resources and provider (ignoring `//` metadata). */
  readonly identical: boolean;
}

interface TargetResult { readonly target: string; readonly measured: string; readonly pass: boolean }

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function lastJsonLine<T>(m: NodeMeasurement): T {
  const line = m.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (!line) throw new Error(`no JSON result in child output:\n${m.stdout.slice(-1000)}`);
  return JSON.parse(line) as T;
}

function stats(ms: readonly NodeMeasurement[], inProcess?: readonly ScaleRun[]): SideStats {
  const byCpu = ms.map((m, i) => ({ m, i })).sort((a, b) => a.m.cpuMs - b.m.cpuMs);
  const mid = byCpu[Math.floor((byCpu.length - 1) / 2)].i;
  return {
    runs: ms.length,
    cpuMs: median(ms.map((m) => m.cpuMs)),
    wallMs: median(ms.map((m) => m.wallMs)),
    peakRssMb: Math.max(...ms.map((m) => m.maxRssMb)),
    ...(inProcess ? { inProcess: inProcess[mid] } : {}),
  };
}

const ratio = (a: SideStats, b: SideStats): Ratio => ({ cpu: a.cpuMs / b.cpuMs, wall: a.wallMs / b.wallMs });

/** Bundles the bench's own programs with the app's esbuild options (scripts/app.cjs). */
async function bundleBench(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const app = require('../scripts/app.cjs') as { build(): Promise<unknown> };
  log('building: the app (scripts/app.cjs) and the bench programs, as esbuild bundles');
  await app.build();
  for (const name of ['minimal-app', 'scale-child', 'baseline-child', 'generated-l1-child']) await bundleBenchProgram(name);
}

const MINIMAL_APP = '.build/bench/minimal-app.js';

async function benchExample(runs: number): Promise<{ ours: SideStats; minimal: SideStats; vsMinimal: Ratio }> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'bench-example-'));
  try {
    let i = 0;
    const { nodeFlags, args } = synthCommand();
    const ours = (): Promise<NodeMeasurement> => measureNode([...nodeFlags, LAUNCHER, ...args], { cwd: ROOT, env: { CI: 'true', CDKTF_OUTDIR: path.join(work, `ours-${i++}`) } });
    const minimal = (): Promise<NodeMeasurement> => measureNode(runFileArgs(path.join(ROOT, MINIMAL_APP)), { cwd: ROOT, env: { CDKTF_OUTDIR: path.join(work, `min-${i++}`) } });
    // the warm-up also writes both sides' code caches, which the measured runs then use
    log(`example: warm-up + ${runs} runs each of the example synth and the minimal cdktf app (both through scripts/app.cjs), alternating`);
    await ours();
    await minimal();
    const o: NodeMeasurement[] = [];
    const m: NodeMeasurement[] = [];
    for (let r = 0; r < runs; r++) {
      o.push(await ours());
      m.push(await minimal());
    }
    const result = { ours: stats(o), minimal: stats(m) };
    return { ...result, vsMinimal: ratio(result.ours, result.minimal) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function benchScale(sizes: readonly number[], runs: number, bigRuns: number): Promise<ScaleResult[]> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'bench-scale-'));
  const results: ScaleResult[] = [];
  try {
    for (const n of sizes) {
      const captured = path.join(work, `scale-${n}.tf.json`);
      // As `npm run synth` starts the app (node flags, launcher, code cache), like the example's sides.
      const child = (name: string, args: string[]) => (): Promise<NodeMeasurement> => measureNode(runFileArgs(path.join(BENCH_BUNDLES, `${name}.js`), args), { cwd: ROOT });
      const ours = child('scale-child', ['--apis', String(n)]);
      const bare = child('baseline-child', ['--captured', captured]);
      const l1 = child('generated-l1-child', ['--captured', captured]);
      const count = n >= 5000 ? bigRuns : runs;
      log(`scale ${n}: capture (warm-up) + ${count} runs each of ours, bare and generated L1 (all through scripts/app.cjs), alternating`);
      // The warm-ups also write each bundle's code cache (once; later sizes use it).
      await child('scale-child', ['--apis', String(n), '--capture', captured])();
      if (count > 1 || results.length === 0) {
        await bare();
        await l1();
      }
      const o: NodeMeasurement[] = [];
      const b: NodeMeasurement[] = [];
      const g: NodeMeasurement[] = [];
      for (let r = 0; r < count; r++) {
        o.push(await ours());
        b.push(await bare());
        g.push(await l1());
      }
      const runsOf = (ms: NodeMeasurement[]): ScaleRun[] => ms.map((m) => lastJsonLine<ScaleRun>(m));
      const [oRuns, bRuns, gRuns] = [runsOf(o), runsOf(b), runsOf(g)];
      const oursStats = stats(o, oRuns);
      const bareStats = stats(b, bRuns);
      const l1Stats = stats(g, gRuns);
      if (bRuns[0].resources !== oRuns[0].resources || gRuns[0].resources !== oRuns[0].resources) {
        throw new Error(`scale ${n}: the baselines replayed ${bRuns[0].resources} / ${gRuns[0].resources} resources, ours has ${oRuns[0].resources}`);
      }
      results.push({
        apis: n,
        resources: oRuns[0].resources,
        ours: oursStats,
        bare: bareStats,
        l1: l1Stats,
        vsBare: ratio(oursStats, bareStats),
        vsL1: ratio(oursStats, l1Stats),
        identical: [...bRuns, ...gRuns].every((r) => r.identical === true),
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return results;
}

/** Added CPU ms and peak KB per API from the previous size to this one. */
function marginal(scale: readonly ScaleResult[], i: number): { cpuMsPerApi: number; peakKbPerApi: number } | undefined {
  if (i === 0) return undefined;
  const [a, b] = [scale[i - 1], scale[i]];
  const apis = b.apis - a.apis;
  return { cpuMsPerApi: (b.ours.cpuMs - a.ours.cpuMs) / apis, peakKbPerApi: ((b.ours.peakRssMb - a.ours.peakRssMb) * 1024) / apis };
}

function evaluateTargets(example: Awaited<ReturnType<typeof benchExample>>, scale: readonly ScaleResult[]): TargetResult[] {
  const targets: TargetResult[] = [
    {
      target: `example synth CPU ≤ ${TARGET.exampleVsMinimal}× the minimal cdktf app`,
      measured: `${x(example.vsMinimal.cpu)} (${ms(example.ours.cpuMs)} / ${ms(example.minimal.cpuMs)} ms)`,
      pass: example.vsMinimal.cpu <= TARGET.exampleVsMinimal,
    },
    {
      target: `example synth wall ≤ ${TARGET.exampleVsMinimal}× the minimal cdktf app`,
      measured: `${x(example.vsMinimal.wall)} (${ms(example.ours.wallMs)} / ${ms(example.minimal.wallMs)} ms)`,
      pass: example.vsMinimal.wall <= TARGET.exampleVsMinimal,
    },
  ];
  const i1000 = scale.findIndex((s) => s.apis === 1000);
  if (i1000 >= 0) {
    const s = scale[i1000];
    for (const [what, key, stat] of [['CPU', 'cpu', 'cpuMs'], ['wall', 'wall', 'wallMs']] as const) {
      targets.push({
        target: `1,000 APIs ${what} ≤ ${TARGET.scale1000VsL1}× the generated-L1 baseline`,
        measured: `${x(s.vsL1[key])} (${ms(s.ours[stat])} / ${ms(s.l1[stat])} ms)`,
        pass: s.vsL1[key] <= TARGET.scale1000VsL1,
      }, {
        target: `1,000 APIs ${what} ≤ ${TARGET.scale1000VsBare}× the bare baseline`,
        measured: `${x(s.vsBare[key])} (${ms(s.ours[stat])} / ${ms(s.bare[stat])} ms)`,
        pass: s.vsBare[key] <= TARGET.scale1000VsBare,
      });
    }
  }
  for (let i = 1; i < scale.length; i++) {
    const m = marginal(scale, i) as { peakKbPerApi: number };
    if (scale[i].apis < 1000) continue;
    targets.push({
      target: `peak memory ≤ ${TARGET.peakKbPerApi} KB per API (${scale[i - 1].apis} → ${scale[i].apis} APIs)`,
      measured: `${m.peakKbPerApi.toFixed(0)} KB/API`,
      pass: m.peakKbPerApi <= TARGET.peakKbPerApi,
    });
  }
  const last = scale.length - 1;
  if (i1000 > 0 && last > i1000) {
    const before = marginal(scale, i1000) as { cpuMsPerApi: number };
    const cpuFrom1000 = (scale[last].ours.cpuMs - scale[i1000].ours.cpuMs) / (scale[last].apis - 1000);
    targets.push({
      target: `growth linear to ${scale[last].apis.toLocaleString('en')} APIs (CPU per added API 1,000 → ${scale[last].apis.toLocaleString('en')} ≤ ${TARGET.linearGrowth}× ${scale[i1000 - 1].apis} → 1,000)`,
      measured: `${cpuFrom1000.toFixed(2)} vs ${before.cpuMsPerApi.toFixed(2)} ms/API (${x(cpuFrom1000 / before.cpuMsPerApi)})`,
      pass: cpuFrom1000 <= TARGET.linearGrowth * before.cpuMsPerApi,
    });
  }
  return targets;
}

function ms(value: number): string {
  return value.toFixed(0);
}

/** A ratio as printed: `1.23×`. */
function x(value: number): string {
  return `${value.toFixed(2)}×`;
}

const SCALE_HEAD = ['APIs', 'resources', 'side', 'runs', 'CPU ms', 'wall ms', 'peak RSS MB', 'CPU ms/API', 'peak KB/API', 'in-process construct / total ms', 'CPU ×bare', 'CPU ×L1', 'wall ×bare', 'wall ×L1'];

function scaleRows(scale: readonly ScaleResult[]): string[][] {
  const rows: string[][] = [];
  scale.forEach((s, i) => {
    const m = marginal(scale, i);
    const side = (name: string, st: SideStats, ours: boolean): string[] => [
      String(s.apis), String(s.resources), name, String(st.runs), ms(st.cpuMs), ms(st.wallMs), st.peakRssMb.toFixed(0),
      (st.cpuMs / s.apis).toFixed(2), ((st.peakRssMb * 1024) / s.apis).toFixed(0),
      st.inProcess ? `${ms(st.inProcess.constructMs)} / ${ms(st.inProcess.totalMs)}` : '',
      ...(ours ? [x(s.vsBare.cpu), x(s.vsL1.cpu), x(s.vsBare.wall), x(s.vsL1.wall)] : ['', '', '', '']),
    ];
    rows.push(side(`ours${m ? ` (+${m.cpuMsPerApi.toFixed(2)} ms, +${m.peakKbPerApi.toFixed(0)} KB per added API)` : ''}`, s.ours, true));
    rows.push(side('bare TerraformResource', s.bare, false));
    rows.push(side('generated L1', s.l1, false));
  });
  return rows;
}

function exampleRows(example: Awaited<ReturnType<typeof benchExample>>): string[][] {
  const row = (name: string, command: string, st: SideStats): string[] => [name, command, String(st.runs), ms(st.cpuMs), ms(st.wallMs), st.peakRssMb.toFixed(0)];
  const synth = synthCommand();
  return [
    row('example synth', `npm run synth: ${synth.text}`, example.ours),
    row('minimal cdktf app', ['node', ...synth.nodeFlags, 'scripts/app.cjs', 'run-file', MINIMAL_APP].join(' '), example.minimal),
  ];
}

const EXAMPLE_HEAD = ['', 'command', 'runs', 'CPU ms', 'wall ms', 'peak RSS MB'];

function machineInfo(): Record<string, string | number> {
  const git = (args: string[]): string => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';
  return {
    date: new Date().toISOString(),
    node: process.version,
    cdktf: (JSON.parse(readFileSync(require.resolve('cdktf/package.json'), 'utf8')) as { version: string }).version,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism?.() ?? os.cpus().length,
    commit: `${git(['rev-parse', '--short', 'HEAD'])}${git(['status', '--porcelain']) ? ' (dirty tree)' : ''}`,
    // Other work on the machine skews absolute timings (ratios less so): recorded to recognise a noisy run.
    loadAverage1mAtStart: Number(os.loadavg()[0].toFixed(2)),
  };
}

function table(head: string[], rows: string[][]): string {
  const t = new Table({ head, style: { head: [], border: [] } });
  for (const r of rows) t.push(r);
  return t.toString();
}

function markdownTable(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`, ...rows.map((r) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`)].join('\n');
}

function targetRows(targets: readonly TargetResult[]): string[][] {
  return targets.map((t) => [t.target, t.measured, t.pass ? 'PASS' : 'MISS']);
}

function markdown(info: Record<string, string | number>, options: object, example: Awaited<ReturnType<typeof benchExample>>, scale: readonly ScaleResult[], targets: readonly TargetResult[]): string {
  return `# Synth benchmark (\`npm run bench\`)

Node ${info.node}, cdktf ${info.cdktf}, ${info.cpuModel} × ${info.cores}; ${info.date}; commit ${info.commit};
load average (1 min) at start / end ${info.loadAverage1mAtStart} / ${info.loadAverage1mAtEnd}. Options: \`${JSON.stringify(options)}\`.

Every side is an esbuild bundle run in a fresh process, which reports its own CPU time (user +
system) and peak RSS; sides alternate run by run after a warm-up. Every side (example, minimal app,
and all three scale sides) is started as \`npm run synth\` starts the app, with the same node flags
and launcher: \`${['node', ...synthCommand().nodeFlags].join(' ')} scripts/app.cjs\` (\`run main\` for
the example, \`run-file <bundle>\` for the others), each with its V8 code cache (written by the
warm-up). CPU and wall are medians, peak RSS the maximum. Ratios are ours / the other side, from the same run of the bench.

## Targets

${markdownTable(['target', 'measured', 'result'], targetRows(targets))}

## Example synth vs the minimal cdktf app (one stack, one output)

Both are started through the same launcher (\`scripts/app.cjs\`) with the same node flags, each with
its own V8 code cache (written by the warm-up run).

${markdownTable(EXAMPLE_HEAD, exampleRows(example))}

## Scale: protected APIs × 3 stages vs the same resources in plain cdktf

All three sides run through the launcher with the synth's node flags (see above).
Ours: bench/scale-app.ts through \`synthAndValidate\` (schema validation and security checks included).
Bare: our synthesized resources replayed as bare \`TerraformResource\`s. Generated L1: the same through the
generated provider classes. Baselines reproduce our resources and provider exactly: ${scale.every((s) => s.identical) ? 'yes' : 'NO'}.
"per added API" is the growth from the previous size (linear growth keeps it flat).

${markdownTable(SCALE_HEAD, scaleRows(scale))}
`;
}

function writeAtomically(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

const HELP = `Usage: npm run bench [-- --runs 5 --scale-runs 3 --big-runs 1 --sizes 10,100,1000,5000 --write]

Measures synth CPU, wall time and peak memory as ratios to plain cdktf (never part of npm test):
the example synth vs a minimal cdktf app, and n protected APIs vs the same resources as bare
TerraformResources and through the generated L1 classes. Every side is an esbuild bundle started
as \`npm run synth\` starts the app (its node flags, scripts/app.cjs, code cache); sides
alternate. Prints the targets of issue #17 as PASS/MISS. The machine should be quiet: other load
skews the ratios. Takes several minutes with 5,000 APIs.

Options:
  --runs <n>         Runs of the example and the minimal app (median). Default: 5.
  --scale-runs <n>   Runs per side of each scale size below 5,000 (median). Default: 3.
  --big-runs <n>     Runs per side at 5,000 APIs and more. Default: 1.
  --sizes <list>     Numbers of APIs. Default: 10,100,1000,5000.
  --write            Write bench/results/latest.json and latest.md (otherwise only printed).
  --help             Show this help.
`;

async function main(): Promise<void> {
  const line = parseCommandLine(process.argv.slice(2), {
    write: { type: 'boolean' },
    runs: { type: 'string', default: '5' },
    'scale-runs': { type: 'string', default: '3' },
    'big-runs': { type: 'string', default: '1' },
    sizes: { type: 'string', default: '10,100,1000,5000' },
  }, HELP);
  if (line.exitCode !== undefined) {
    process.exitCode = line.exitCode;
    return;
  }
  const { values } = line;
  const options = { runs: Number(values.runs), scaleRuns: Number(values['scale-runs']), bigRuns: Number(values['big-runs']), sizes: values.sizes.split(',').map(Number) };
  if (![options.runs, options.scaleRuns, options.bigRuns, ...options.sizes].every((v) => Number.isInteger(v) && v > 0)) {
    process.exitCode = usageError('--runs, --scale-runs, --big-runs and --sizes take positive integers.', HELP).exitCode;
    return;
  }
  const started = Date.now();
  const info = machineInfo();
  await bundleBench();
  const example = await benchExample(options.runs);
  const scale = await benchScale([...options.sizes].sort((a, b) => a - b), options.scaleRuns, options.bigRuns);
  const targets = evaluateTargets(example, scale);
  info.loadAverage1mAtEnd = Number(os.loadavg()[0].toFixed(2));

  const out = (s: string): boolean => process.stdout.write(`${s}\n`);
  out(`\nnode ${info.node}, cdktf ${info.cdktf}, ${info.cpuModel} × ${info.cores}, commit ${info.commit}, load ${info.loadAverage1mAtStart} → ${info.loadAverage1mAtEnd}`);
  out(table(EXAMPLE_HEAD, exampleRows(example)));
  out(table(SCALE_HEAD, scaleRows(scale)));
  for (const s of scale) if (!s.identical) out(`warning: a baseline's output for ${s.apis} APIs differs from ours`);
  out(table(['target', 'measured', 'result'], targetRows(targets)));
  if (values.write) {
    mkdirSync(RESULTS, { recursive: true });
    const round = (_key: string, value: unknown): unknown => (typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 100) / 100 : value);
    writeAtomically(path.join(RESULTS, 'latest.json'), `${JSON.stringify({ machine: info, options, example, scale, targets }, round, 2)}\n`);
    writeAtomically(path.join(RESULTS, 'latest.md'), markdown(info, options, example, scale, targets));
    log(`wrote ${path.relative(ROOT, RESULTS)}/latest.json and latest.md`);
  } else {
    log('results not written (pass --write to update bench/results/)');
  }
  log(`bench finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
