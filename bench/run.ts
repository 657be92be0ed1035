/**
 * `npm run bench`: synth speed, memory and growth of the project, side by side with plain cdktf.
 *
 * 1. Example app: the direct command (`node --import tsx main.ts`, what `npm run synth` runs)
 *    and the cdktf CLI (`cdktf synth`, which runs cdktf.json's app): wall time (median after one
 *    warm-up) and peak RSS of the whole process tree. Offline: the committed lock is complete.
 * 2. Scale: 10, 100, 1,000 protected APIs × 3 stages (bench/scale-app.ts), synthesized with
 *    `synthAndValidate` and the SecurityChecks aspect, each run in a fresh child process, against a
 *    baseline child that replays the same synthesized resources as bare cdktf `TerraformResource`s
 *    (the issue's targets), and, for information, a "generated L1" child that replays them through
 *    the generated provider classes (`ApiGatewayApi`, …) as a plain cdktf user would write them.
 * 3. Lookups: `benchLookups()` (20 loopback issuers refreshed concurrently; lock-complete prepare).
 *
 * Prints tables and PASS/MISS per target; writes bench/results/latest.json and latest.md.
 * Never part of the test suite. Outputs go to temporary directories, never to cdktf.out/.
 *
 * Options: --runs <n> (example runs, default 5), --scale-runs <n> (default 3),
 *          --l1-runs <n> (generated L1 side, default 3), --lookup-runs <n> (default 3), --sizes 10,100,1000.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import type { ScaleRun } from './scale-child';
import { type Measurement, measure, median } from './measure';

const ROOT = path.resolve(__dirname, '..');
const RESULTS = path.join(__dirname, 'results');
const NODE_TSX = ['--import', 'tsx'];

/** Targets of issue 6. */
const TARGET = {
  exampleDirectMs: 1000,
  scale1000Ms: 4000,
  scale1000RssMb: 500,
  maxRatio: 1.3,
} as const;

interface CommandStats {
  readonly command: string;
  readonly runs: number;
  readonly wallMs: number[];
  readonly medianWallMs: number;
  readonly minWallMs: number;
  /** Largest peak RSS over the measured runs (whole process tree). */
  readonly peakRssMb: number;
}

interface SideStats {
  /** In-process phases of the run whose totalMs is the median. */
  readonly median: ScaleRun;
  readonly runs: ScaleRun[];
  readonly wallMs: number[];
  readonly medianWallMs: number;
  readonly peakRssMb: number;
}

interface Ratio { readonly total: number; readonly wall: number; readonly rss: number }

interface ScaleResult {
  readonly apis: number;
  readonly resources: number;
  readonly ours: SideStats;
  /** Bare `TerraformResource`s replaying our JSON (the issue's targets). */
  readonly baseline: SideStats;
  /** The generated provider classes replaying our JSON (informational). */
  readonly generatedL1: SideStats;
  /** ours / baseline (bare). */
  readonly ratio: Ratio;
  /** ours / generated L1. */
  readonly ratioGeneratedL1: Ratio;
  /** Marginal cost per added API since the previous size (or total / apis for the first), in-process total. */
  readonly marginalMsPerApi: { readonly ours: number; readonly baseline: number; readonly generatedL1: number };
  /** Whether the baseline's resources and provider equal ours (ignoring `//` metadata). */
  readonly baselineIdentical: boolean;
  /** Whether the generated L1 side's resources and provider equal ours (ignoring `//` metadata). */
  readonly generatedL1Identical: boolean;
  /** `<type>.<attribute>`s the generated L1 side could not pass as class config (set with addOverride). */
  readonly generatedL1Overrides: string[];
}

interface LookupsResult {
  readonly runs: { refresh20IssuersMs: number; lockCompleteMs: number }[];
  readonly refresh20IssuersMs: number;
  readonly lockCompleteMs: number;
  readonly medianWallMs: number;
  readonly peakRssMb: number;
}

interface TargetResult {
  readonly target: string;
  readonly measured: string;
  readonly pass: boolean;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function lastJsonLine<T>(m: Measurement): T {
  const line = m.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (!line) throw new Error(`no JSON result in child output:\n${m.stdout.slice(-1000)}`);
  return JSON.parse(line) as T;
}

async function benchCommand(label: string, command: string, args: string[], runs: number, env: (outdir: string) => NodeJS.ProcessEnv, extraArgs: (outdir: string) => string[] = () => []): Promise<CommandStats> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'bench-example-'));
  try {
    const once = (i: number): Promise<Measurement> => {
      const outdir = path.join(work, `out-${i}`);
      return measure(command, [...args, ...extraArgs(outdir)], { cwd: ROOT, env: env(outdir) });
    };
    log(`example: ${label}: warm-up + ${runs} runs`);
    await once(0);
    const ms: Measurement[] = [];
    for (let i = 1; i <= runs; i++) ms.push(await once(i));
    const wallMs = ms.map((m) => m.wallMs);
    return {
      command: [command === process.execPath ? 'node' : path.relative(ROOT, command), ...args, ...extraArgs('<tmp>')].join(' '),
      runs,
      wallMs,
      medianWallMs: median(wallMs),
      minWallMs: Math.min(...wallMs),
      peakRssMb: Math.max(...ms.map((m) => m.peakRssMb)),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function sideStats(runs: ScaleRun[], ms: Measurement[]): SideStats {
  const sorted = [...runs].sort((a, b) => a.totalMs - b.totalMs);
  const wallMs = ms.map((m) => m.wallMs);
  return {
    median: sorted[Math.floor((sorted.length - 1) / 2)],
    runs,
    wallMs,
    medianWallMs: median(wallMs),
    peakRssMb: Math.max(...ms.map((m) => m.peakRssMb)),
  };
}

function ratio(o: SideStats, b: SideStats): Ratio {
  return { total: o.median.totalMs / b.median.totalMs, wall: o.medianWallMs / b.medianWallMs, rss: o.peakRssMb / b.peakRssMb };
}

async function benchScale(sizes: number[], runs: number, l1Runs: number): Promise<ScaleResult[]> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'bench-scale-run-'));
  const results: ScaleResult[] = [];
  try {
    for (const n of sizes) {
      const captured = path.join(work, `scale-${n}.tf.json`);
      const ours = (capture: boolean): Promise<Measurement> => measure(process.execPath,
        [...NODE_TSX, path.join(__dirname, 'scale-child.ts'), '--apis', String(n), ...(capture ? ['--capture', captured] : [])], { cwd: ROOT });
      const baseline = (): Promise<Measurement> => measure(process.execPath,
        [...NODE_TSX, path.join(__dirname, 'baseline-child.ts'), '--captured', captured], { cwd: ROOT });
      const generatedL1 = (): Promise<Measurement> => measure(process.execPath,
        [...NODE_TSX, path.join(__dirname, 'generated-l1-child.ts'), '--captured', captured], { cwd: ROOT });

      log(`scale ${n}: capture (warm-up) + ${runs} runs each of ours and bare baseline, ${l1Runs} of generated L1, alternating`);
      await ours(true); // warm-up, and the JSON the baselines replay
      await baseline(); // warm-up
      await generatedL1(); // warm-up
      const oursMs: Measurement[] = [];
      const baseMs: Measurement[] = [];
      const l1Ms: Measurement[] = [];
      for (let i = 0; i < Math.max(runs, l1Runs); i++) {
        if (i < runs) oursMs.push(await ours(false));
        if (i < runs) baseMs.push(await baseline());
        if (i < l1Runs) l1Ms.push(await generatedL1());
      }
      const o = sideStats(oursMs.map((m) => lastJsonLine<ScaleRun>(m)), oursMs);
      const b = sideStats(baseMs.map((m) => lastJsonLine<ScaleRun>(m)), baseMs);
      const g = sideStats(l1Ms.map((m) => lastJsonLine<ScaleRun>(m)), l1Ms);
      if (o.median.resources !== b.median.resources) throw new Error(`scale ${n}: baseline has ${b.median.resources} resources, ours ${o.median.resources}`);
      if (o.median.resources !== g.median.resources) throw new Error(`scale ${n}: generated L1 has ${g.median.resources} resources, ours ${o.median.resources}`);
      const previous = results[results.length - 1];
      const marginal = (side: 'ours' | 'baseline' | 'generatedL1', total: number): number => previous
        ? (total - previous[side].median.totalMs) / (n - previous.apis)
        : total / n;
      results.push({
        apis: n,
        resources: o.median.resources,
        ours: o,
        baseline: b,
        generatedL1: g,
        ratio: ratio(o, b),
        ratioGeneratedL1: ratio(o, g),
        marginalMsPerApi: {
          ours: marginal('ours', o.median.totalMs),
          baseline: marginal('baseline', b.median.totalMs),
          generatedL1: marginal('generatedL1', g.median.totalMs),
        },
        baselineIdentical: b.runs.every((r) => r.identical === true),
        generatedL1Identical: g.runs.every((r) => r.identical === true),
        generatedL1Overrides: [...new Set(g.runs.flatMap((r) => r.overrides ?? []))],
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return results;
}

async function benchLookupsInChild(runs: number): Promise<LookupsResult> {
  log(`lookups: ${runs} runs of benchLookups() (20 loopback issuers)`);
  const ms: Measurement[] = [];
  for (let i = 0; i < runs; i++) ms.push(await measure(process.execPath, [...NODE_TSX, path.join(__dirname, 'lookups-child.ts')], { cwd: ROOT }));
  const results = ms.map((m) => lastJsonLine<{ refresh20IssuersMs: number; lockCompleteMs: number }>(m));
  return {
    runs: results,
    refresh20IssuersMs: median(results.map((r) => r.refresh20IssuersMs)),
    lockCompleteMs: median(results.map((r) => r.lockCompleteMs)),
    medianWallMs: median(ms.map((m) => m.wallMs)),
    peakRssMb: Math.max(...ms.map((m) => m.peakRssMb)),
  };
}

function machineInfo(): Record<string, string | number> {
  const git = (args: string[]): string => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';
  const cdktfVersion = (JSON.parse(readFileSync(require.resolve('cdktf/package.json'), 'utf8')) as { version: string }).version;
  return {
    date: new Date().toISOString(),
    node: process.version,
    cdktf: cdktfVersion,
    os: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism?.() ?? os.cpus().length,
    totalMemoryMb: Math.round(os.totalmem() / 2 ** 20),
    commit: `${git(['rev-parse', '--short', 'HEAD'])}${git(['status', '--porcelain']) ? ' (dirty tree)' : ''}`,
    // Other work on the machine skews timings: recorded so a noisy run can be recognised.
    loadAverage1mAtStart: Number(os.loadavg()[0].toFixed(2)),
  };
}

function evaluateTargets(example: { direct: CommandStats }, scale: ScaleResult[]): TargetResult[] {
  const targets: TargetResult[] = [{
    target: `example direct synth < ${TARGET.exampleDirectMs / 1000} s (median wall)`,
    measured: `${ms(example.direct.medianWallMs)} ms`,
    pass: example.direct.medianWallMs < TARGET.exampleDirectMs,
  }];
  const big = scale.find((s) => s.apis === 1000);
  if (big) {
    targets.push({
      target: `1,000 APIs < ${TARGET.scale1000Ms / 1000} s (median whole-process wall)`,
      measured: `${ms(big.ours.medianWallMs)} ms wall (in-process ${ms(big.ours.median.totalMs)} ms)`,
      pass: big.ours.medianWallMs < TARGET.scale1000Ms,
    }, {
      target: `1,000 APIs < ${TARGET.scale1000RssMb} MB (max peak RSS)`,
      measured: `${big.ours.peakRssMb.toFixed(0)} MB`,
      pass: big.ours.peakRssMb < TARGET.scale1000RssMb,
    });
  }
  for (const s of scale) {
    targets.push({
      target: `ours/baseline ≤ ${TARGET.maxRatio} @ ${s.apis} APIs (in-process total)`,
      measured: `${s.ratio.total.toFixed(2)}× (${ms(s.ours.median.totalMs)} / ${ms(s.baseline.median.totalMs)} ms)`,
      pass: s.ratio.total <= TARGET.maxRatio,
    }, {
      target: `ours/baseline ≤ ${TARGET.maxRatio} @ ${s.apis} APIs (whole-process wall)`,
      measured: `${s.ratio.wall.toFixed(2)}× (${ms(s.ours.medianWallMs)} / ${ms(s.baseline.medianWallMs)} ms)`,
      pass: s.ratio.wall <= TARGET.maxRatio,
    });
  }
  return targets;
}

/** ours vs generated L1: informational, not a target of the issue. */
function informational(scale: ScaleResult[]): string[] {
  return scale.map((s) => `ours / generated L1 @ ${s.apis} APIs: ${s.ratioGeneratedL1.total.toFixed(2)}× in-process total `
    + `(${ms(s.ours.median.totalMs)} / ${ms(s.generatedL1.median.totalMs)} ms), ${s.ratioGeneratedL1.wall.toFixed(2)}× whole-process wall `
    + `(${ms(s.ours.medianWallMs)} / ${ms(s.generatedL1.medianWallMs)} ms)`);
}

function ms(value: number): string {
  return value.toFixed(0);
}

const SCALE_HEAD = ['APIs', 'resources', 'side', 'runs', 'import ms', 'construct ms', 'synth+validate ms', 'total ms', 'wall ms', 'peak RSS MB', 'marginal ms/API',
  'ours/bare total', 'ours/bare wall', 'ours/L1 total', 'ours/L1 wall'];

function scaleRows(scale: ScaleResult[]): string[][] {
  const rows: string[][] = [];
  const x = (v: number): string => `${v.toFixed(2)}×`;
  for (const s of scale) {
    const side = (name: string, st: SideStats, marginal: number, ratios: boolean): string[] => [
      String(s.apis), String(s.resources), name, String(st.runs.length), ms(st.median.importMs), ms(st.median.constructMs), ms(st.median.synthMs), ms(st.median.totalMs),
      ms(st.medianWallMs), st.peakRssMb.toFixed(0), marginal.toFixed(2),
      ...(ratios ? [x(s.ratio.total), x(s.ratio.wall), x(s.ratioGeneratedL1.total), x(s.ratioGeneratedL1.wall)] : ['', '', '', '']),
    ];
    rows.push(side('ours', s.ours, s.marginalMsPerApi.ours, true));
    rows.push(side('bare TerraformResource', s.baseline, s.marginalMsPerApi.baseline, false));
    rows.push(side('generated L1', s.generatedL1, s.marginalMsPerApi.generatedL1, false));
  }
  return rows;
}

function printTables(info: Record<string, string | number>, example: { direct: CommandStats; cli: CommandStats }, scale: ScaleResult[], lookups: LookupsResult, targets: TargetResult[]): void {
  const style = { head: [], border: [] };
  const out = (s: string): boolean => process.stdout.write(`${s}\n`);
  out(`\nmachine: node ${info.node}, cdktf ${info.cdktf}, ${info.cpuModel} × ${info.cores}, ${info.totalMemoryMb} MB, ${info.os}, ${info.date}, commit ${info.commit}, load ${info.loadAverage1mAtStart} → ${info.loadAverage1mAtEnd}`);

  const ex = new Table({ head: ['example synth', 'command', 'runs', 'median wall ms', 'min wall ms', 'peak RSS MB'], style });
  ex.push(['direct', example.direct.command, example.direct.runs, ms(example.direct.medianWallMs), ms(example.direct.minWallMs), example.direct.peakRssMb.toFixed(0)]);
  ex.push(['cdktf CLI', example.cli.command, example.cli.runs, ms(example.cli.medianWallMs), ms(example.cli.minWallMs), example.cli.peakRssMb.toFixed(0)]);
  out(ex.toString());

  const sc = new Table({ head: SCALE_HEAD, style });
  for (const row of scaleRows(scale)) sc.push(row);
  out(sc.toString());
  for (const s of scale) {
    if (!s.baselineIdentical) out(`warning: the bare baseline output for ${s.apis} APIs differs from ours`);
    if (!s.generatedL1Identical) out(`warning: the generated L1 output for ${s.apis} APIs differs from ours`);
    if (s.generatedL1Overrides.length > 0) out(`note: generated L1 @ ${s.apis} APIs set via addOverride (not class config): ${s.generatedL1Overrides.join(', ')}`);
  }

  const lk = new Table({ head: ['lookups', 'median ms', 'runs'], style });
  lk.push(['refresh 20 issuers (loopback, concurrent)', ms(lookups.refresh20IssuersMs), lookups.runs.length]);
  lk.push(['lock-complete prepare (no network)', lookups.lockCompleteMs.toFixed(2), lookups.runs.length]);
  lk.push(['whole child process (wall / peak RSS MB)', `${ms(lookups.medianWallMs)} / ${lookups.peakRssMb.toFixed(0)}`, lookups.runs.length]);
  out(lk.toString());

  const tg = new Table({ head: ['target', 'measured', 'result'], style });
  for (const t of targets) tg.push([t.target, t.measured, t.pass ? 'PASS' : 'MISS']);
  out(tg.toString());
  out('informational (not a target):');
  for (const line of informational(scale)) out(`  ${line}`);
}

function markdown(info: Record<string, string | number>, example: { direct: CommandStats; cli: CommandStats }, scale: ScaleResult[], lookups: LookupsResult, targets: TargetResult[], options: Record<string, unknown>): string {
  const table = (head: string[], rows: (string | number)[][]): string => [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => ' --- ').join('|')}|`,
    ...rows.map((r) => `| ${r.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`),
  ].join('\n');
  return `# Synth benchmark (\`npm run bench\`)

Machine: node ${info.node}, cdktf ${info.cdktf}, ${info.cpuModel}, ${info.cores} cores, ${info.totalMemoryMb} MB RAM, ${info.os}.
Date: ${info.date}. Commit: ${info.commit}. Load average (1 min) at start / end: ${info.loadAverage1mAtStart} / ${info.loadAverage1mAtEnd}.
Options: ${JSON.stringify(options)}.

## Targets

${table(['target', 'measured', 'result'], targets.map((t) => [t.target, t.measured, t.pass ? 'PASS' : 'MISS']))}

Informational, not a target (ours vs the generated provider classes, see Scale):

${informational(scale).map((l) => `- ${l}`).join('\n')}

## Example app synth (offline, committed lock)

Wall time: median of ${example.direct.runs} runs after one warm-up. Peak RSS: largest over the runs, whole process tree.

${table(['', 'command', 'median wall ms', 'min wall ms', 'peak RSS MB'], [
    ['direct', `\`${example.direct.command}\``, ms(example.direct.medianWallMs), ms(example.direct.minWallMs), example.direct.peakRssMb.toFixed(0)],
    ['cdktf CLI', `\`${example.cli.command}\``, ms(example.cli.medianWallMs), ms(example.cli.minWallMs), example.cli.peakRssMb.toFixed(0)],
  ])}

## Scale: protected APIs × 3 stages, JWT + access-control bound per stage

Ours (bench/scale-app.ts): one API group (DEDICATED instance), one backend, n APIs each published on TEST, PRE and RELEASE,
protected by M2mProtectedApis: one JWT plugin and 6 access-control plugins (3 families × read/write rule sets,
3 rules each), bound per API and stage; SecurityChecks aspect (production rules), \`synthAndValidate\` (schema validation included).
Bare TerraformResource (the baseline of the targets): the same resources (our synthesized JSON replayed as bare
\`TerraformResource\`s + the generated \`AlicloudProvider\`), plain \`app.synth()\`.
Generated L1 (informational): the same resources through the generated provider classes a plain cdktf user would write
(\`ApiGatewayApi\`, \`ApiGatewayGroup\`, …, each from its own \`.gen/providers/alicloud/<resource>\` submodule), configs converted
from the snake_case JSON to the classes' camelCase props along the pinned provider schema (max-1 blocks such as \`requestConfig\` as
one object, other blocks as arrays, map keys kept, references as \`\${…}\` strings; conversion untimed), plain \`app.synth()\`.
Each run is a fresh child process; runs per side in the "runs" column, alternating, after a warm-up of each side.
In-process columns come from the run with the median total; wall is the median; peak RSS the maximum.
"marginal ms/API" is the in-process total added per API since the previous size (first size: total / APIs): flat means linear growth.
Bare baseline output identical to ours (resources and provider, ignoring \`//\` metadata): ${scale.every((s) => s.baselineIdentical) ? 'yes' : 'NO'}.
Generated L1 output identical to ours (same comparison): ${scale.every((s) => s.generatedL1Identical) ? 'yes' : 'NO'}${
  scale.some((s) => s.generatedL1Overrides.length > 0) ? `; attributes set with addOverride instead of class config: ${[...new Set(scale.flatMap((s) => s.generatedL1Overrides))].join(', ')}` : ''}.

${table(SCALE_HEAD, scaleRows(scale))}

## Lookups (\`benchLookups()\`)

${table(['', 'median ms'], [
    ['refresh 20 issuers (loopback, concurrent)', ms(lookups.refresh20IssuersMs)],
    ['lock-complete prepare (no network)', lookups.lockCompleteMs.toFixed(2)],
    ['whole child process wall / peak RSS MB', `${ms(lookups.medianWallMs)} / ${lookups.peakRssMb.toFixed(0)}`],
  ])}
`;
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

const HELP = `Usage: npm run bench [-- --runs 5 --scale-runs 3 --l1-runs 3 --lookup-runs 3 --sizes 10,100,1000]

Measures synth speed and memory (never part of npm test) and writes bench/results/latest.json
and latest.md:
  - the example app: direct (node --import tsx main.ts) and through the cdktf CLI;
  - scale: n protected APIs x 3 stages through the project's constructs vs. the same resources as
    bare cdktf TerraformResources (the targets) and through the generated provider classes
    (informational), each run in a fresh child process;
  - lookups: refresh of 20 loopback issuers, and a lock-complete prepare.
Prints PASS/MISS against the targets of issue #6. Takes about a minute and a half.

Options:
  --runs <n>         Runs of each example command (median). Default: 5.
  --scale-runs <n>   Runs of each scale case, ours and bare baseline (median). Default: 3.
  --l1-runs <n>      Runs of each scale case, generated L1 side (median). Default: 3.
  --lookup-runs <n>  Runs of the lookup bench. Default: 3.
  --sizes <list>     Numbers of APIs. Default: 10,100,1000.
  --help             Show this help.
`;

async function main(): Promise<void> {
  let values: { help?: boolean; runs: string; 'scale-runs': string; 'l1-runs': string; 'lookup-runs': string; sizes: string };
  try {
    ({ values } = parseArgs({
      options: {
        help: { type: 'boolean' },
        runs: { type: 'string', default: '5' },
        'scale-runs': { type: 'string', default: '3' },
        'l1-runs': { type: 'string', default: '3' },
        'lookup-runs': { type: 'string', default: '3' },
        sizes: { type: 'string', default: '10,100,1000' },
      },
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const runs = Number(values.runs);
  const scaleRuns = Number(values['scale-runs']);
  const l1Runs = Number(values['l1-runs']);
  const lookupRuns = Number(values['lookup-runs']);
  const sizes = values.sizes.split(',').map(Number);
  if (![runs, scaleRuns, l1Runs, lookupRuns, ...sizes].every((v) => Number.isInteger(v) && v > 0)) {
    process.stderr.write(`--runs, --scale-runs, --l1-runs, --lookup-runs and --sizes take positive integers\n\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  const options = { runs, scaleRuns, l1Runs, lookupRuns, sizes };
  const started = Date.now();
  const info = machineInfo();

  const direct = await benchCommand('direct', process.execPath, [...NODE_TSX, 'main.ts'], runs, (outdir) => ({ CDKTF_OUTDIR: outdir }));
  const cli = await benchCommand('cdktf CLI', path.join(ROOT, 'node_modules', '.bin', 'cdktf'), ['synth'], runs,
    () => ({ CHECKPOINT_DISABLE: '1' }), (outdir) => ['--output', outdir]);
  const example = { direct, cli };
  const scale = await benchScale(sizes, scaleRuns, l1Runs);
  const lookups = await benchLookupsInChild(lookupRuns);
  const targets = evaluateTargets(example, scale);

  info.loadAverage1mAtEnd = Number(os.loadavg()[0].toFixed(2));
  printTables(info, example, scale, lookups, targets);
  mkdirSync(RESULTS, { recursive: true });
  // Rounded (2 decimals below 10, e.g. ratios; else 1) to keep the committed file's diffs readable.
  const round = (_key: string, value: unknown): unknown => {
    if (typeof value !== 'number' || Number.isInteger(value)) return value;
    const f = Math.abs(value) < 10 ? 100 : 10;
    return Math.round(value * f) / f;
  };
  writeAtomically(path.join(RESULTS, 'latest.json'), `${JSON.stringify({ machine: info, options, example, scale, lookups, targets, informational: informational(scale) }, round, 2)}\n`);
  writeAtomically(path.join(RESULTS, 'latest.md'), markdown(info, example, scale, lookups, targets, options));
  log(`bench finished in ${((Date.now() - started) / 1000).toFixed(0)} s → ${path.relative(ROOT, RESULTS)}/latest.json, latest.md`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
