/**
 * `npm run bench`: synth speed, memory and growth of the project, side by side with plain cdktf.
 *
 * 1. Example app: the direct command (`node --import tsx main.ts`, what `npm run synth` runs)
 *    and the cdktf CLI (`cdktf synth`, which runs cdktf.json's app): wall time (median after one
 *    warm-up) and peak RSS of the whole process tree. Offline: the committed lock is complete.
 * 2. Scale: 10, 100, 1,000 protected APIs × 3 stages (bench/scale-app.ts), synthesized with
 *    `synthAndValidate` and the SecurityChecks aspect, each run in a fresh child process, against a
 *    baseline child that replays the same synthesized resources as bare cdktf `TerraformResource`s.
 * 3. Lookups: `benchLookups()` (20 loopback issuers refreshed concurrently; lock-complete prepare).
 *
 * Prints tables and PASS/MISS per target; writes bench/results/latest.json and latest.md.
 * Never part of the test suite. Outputs go to temporary directories, never to cdktf.out/.
 *
 * Options: --runs <n> (example runs, default 5), --scale-runs <n> (default 3),
 *          --lookup-runs <n> (default 3), --sizes 10,100,1000.
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

interface ScaleResult {
  readonly apis: number;
  readonly resources: number;
  readonly ours: SideStats;
  readonly baseline: SideStats;
  /** ours / baseline. */
  readonly ratio: { readonly total: number; readonly wall: number; readonly rss: number };
  /** Marginal cost per added API since the previous size (or total / apis for the first), in-process total. */
  readonly marginalMsPerApi: { readonly ours: number; readonly baseline: number };
  /** Whether the baseline's resources and provider equal ours (ignoring `//` metadata). */
  readonly baselineIdentical: boolean;
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

async function benchScale(sizes: number[], runs: number): Promise<ScaleResult[]> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'bench-scale-run-'));
  const results: ScaleResult[] = [];
  try {
    for (const n of sizes) {
      const captured = path.join(work, `scale-${n}.tf.json`);
      const ours = (capture: boolean): Promise<Measurement> => measure(process.execPath,
        [...NODE_TSX, path.join(__dirname, 'scale-child.ts'), '--apis', String(n), ...(capture ? ['--capture', captured] : [])], { cwd: ROOT });
      const baseline = (): Promise<Measurement> => measure(process.execPath,
        [...NODE_TSX, path.join(__dirname, 'baseline-child.ts'), '--captured', captured], { cwd: ROOT });

      log(`scale ${n}: capture (warm-up) + ${runs} runs each of ours and baseline, alternating`);
      await ours(true); // warm-up, and the JSON the baseline replays
      await baseline(); // warm-up
      const oursMs: Measurement[] = [];
      const baseMs: Measurement[] = [];
      for (let i = 0; i < runs; i++) {
        oursMs.push(await ours(false));
        baseMs.push(await baseline());
      }
      const o = sideStats(oursMs.map((m) => lastJsonLine<ScaleRun>(m)), oursMs);
      const b = sideStats(baseMs.map((m) => lastJsonLine<ScaleRun>(m)), baseMs);
      if (o.median.resources !== b.median.resources) throw new Error(`scale ${n}: baseline has ${b.median.resources} resources, ours ${o.median.resources}`);
      const previous = results[results.length - 1];
      const marginal = (side: 'ours' | 'baseline', total: number): number => previous
        ? (total - previous[side].median.totalMs) / (n - previous.apis)
        : total / n;
      results.push({
        apis: n,
        resources: o.median.resources,
        ours: o,
        baseline: b,
        ratio: { total: o.median.totalMs / b.median.totalMs, wall: o.medianWallMs / b.medianWallMs, rss: o.peakRssMb / b.peakRssMb },
        marginalMsPerApi: { ours: marginal('ours', o.median.totalMs), baseline: marginal('baseline', b.median.totalMs) },
        baselineIdentical: b.runs.every((r) => r.identical === true),
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

function ms(value: number): string {
  return value.toFixed(0);
}

const SCALE_HEAD = ['APIs', 'resources', 'side', 'import ms', 'construct ms', 'synth+validate ms', 'total ms', 'wall ms', 'peak RSS MB', 'marginal ms/API', 'ours/base total', 'ours/base wall'];

function scaleRows(scale: ScaleResult[]): string[][] {
  const rows: string[][] = [];
  for (const s of scale) {
    const side = (name: string, st: SideStats, marginal: number, ratios: boolean): string[] => [
      String(s.apis), String(s.resources), name, ms(st.median.importMs), ms(st.median.constructMs), ms(st.median.synthMs), ms(st.median.totalMs),
      ms(st.medianWallMs), st.peakRssMb.toFixed(0), marginal.toFixed(2),
      ratios ? `${s.ratio.total.toFixed(2)}×` : '', ratios ? `${s.ratio.wall.toFixed(2)}×` : '',
    ];
    rows.push(side('ours', s.ours, s.marginalMsPerApi.ours, true));
    rows.push(side('baseline', s.baseline, s.marginalMsPerApi.baseline, false));
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
  for (const s of scale) if (!s.baselineIdentical) out(`warning: the baseline output for ${s.apis} APIs differs from ours`);

  const lk = new Table({ head: ['lookups', 'median ms', 'runs'], style });
  lk.push(['refresh 20 issuers (loopback, concurrent)', ms(lookups.refresh20IssuersMs), lookups.runs.length]);
  lk.push(['lock-complete prepare (no network)', lookups.lockCompleteMs.toFixed(2), lookups.runs.length]);
  lk.push(['whole child process (wall / peak RSS MB)', `${ms(lookups.medianWallMs)} / ${lookups.peakRssMb.toFixed(0)}`, lookups.runs.length]);
  out(lk.toString());

  const tg = new Table({ head: ['target', 'measured', 'result'], style });
  for (const t of targets) tg.push([t.target, t.measured, t.pass ? 'PASS' : 'MISS']);
  out(tg.toString());
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
Baseline: the same resources (our synthesized JSON replayed as bare \`TerraformResource\`s + the generated
\`AlicloudProvider\`), plain \`app.synth()\`. Each run is a fresh child process; ${scale[0]?.ours.runs.length ?? 0} runs per side, alternating,
after a warm-up. In-process columns come from the run with the median total; wall is the median; peak RSS the maximum.
"marginal ms/API" is the in-process total added per API since the previous size (first size: total / APIs): flat means linear growth.
Baseline output identical to ours (resources and provider, ignoring \`//\` metadata): ${scale.every((s) => s.baselineIdentical) ? 'yes' : 'NO'}.

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

const HELP = `Usage: npm run bench [-- --runs 5 --scale-runs 3 --lookup-runs 3 --sizes 10,100,1000]

Measures synth speed and memory (never part of npm test) and writes bench/results/latest.json
and latest.md:
  - the example app: direct (node --import tsx main.ts) and through the cdktf CLI;
  - scale: n protected APIs x 3 stages through the project's constructs vs. the same resources as
    bare cdktf TerraformResources, each run in a fresh child process;
  - lookups: refresh of 20 loopback issuers, and a lock-complete prepare.
Prints PASS/MISS against the targets of issue #6. Takes about a minute.

Options:
  --runs <n>         Runs of each example command (median). Default: 5.
  --scale-runs <n>   Runs of each scale case and side (median). Default: 3.
  --lookup-runs <n>  Runs of the lookup bench. Default: 3.
  --sizes <list>     Numbers of APIs. Default: 10,100,1000.
  --help             Show this help.
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      help: { type: 'boolean' },
      runs: { type: 'string', default: '5' },
      'scale-runs': { type: 'string', default: '3' },
      'lookup-runs': { type: 'string', default: '3' },
      sizes: { type: 'string', default: '10,100,1000' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const runs = Number(values.runs);
  const scaleRuns = Number(values['scale-runs']);
  const lookupRuns = Number(values['lookup-runs']);
  const sizes = values.sizes.split(',').map(Number);
  if (![runs, scaleRuns, lookupRuns, ...sizes].every((v) => Number.isInteger(v) && v > 0)) throw new Error('--runs, --scale-runs, --lookup-runs and --sizes take positive integers');
  const options = { runs, scaleRuns, lookupRuns, sizes };
  const started = Date.now();
  const info = machineInfo();

  const direct = await benchCommand('direct', process.execPath, [...NODE_TSX, 'main.ts'], runs, (outdir) => ({ CDKTF_OUTDIR: outdir }));
  const cli = await benchCommand('cdktf CLI', path.join(ROOT, 'node_modules', '.bin', 'cdktf'), ['synth'], runs,
    () => ({ CHECKPOINT_DISABLE: '1' }), (outdir) => ['--output', outdir]);
  const example = { direct, cli };
  const scale = await benchScale(sizes, scaleRuns);
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
  writeAtomically(path.join(RESULTS, 'latest.json'), `${JSON.stringify({ machine: info, options, example, scale, lookups, targets }, round, 2)}\n`);
  writeAtomically(path.join(RESULTS, 'latest.md'), markdown(info, example, scale, lookups, targets, options));
  log(`bench finished in ${((Date.now() - started) / 1000).toFixed(0)} s → ${path.relative(ROOT, RESULTS)}/latest.json, latest.md`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
