/**
 * One measured run of the scale scenario with the project's constructs, in a fresh process:
 * `node .build/bench/scale-child.js --apis <n> [--capture <file>]` (bundled by bench/run.ts; cwd = project root).
 *
 * Prints one JSON line ({@link ScaleRun}) on stdout. With `--capture`, the synthesized stack
 * (`cdk.tf.json`) is copied there after timing, for the baseline to replay.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

/** What a scale child (ours or baseline) reports. */
export interface ScaleRun {
  /** Importing the modules the run needs (cdktf, generated bindings, constructs, validation). */
  readonly importMs: number;
  /** Building the construct tree (ours: inside the app factory; baseline: creating the bare resources). */
  readonly constructMs: number;
  /** `synthAndValidate` minus construction (ours), or `app.synth()` (baseline). */
  readonly synthMs: number;
  /** constructMs + synthMs. */
  readonly totalMs: number;
  /** Resource blocks in the synthesized stack. */
  readonly resources: number;
  /** Baselines only: whether its `resource` and `provider` sections equal ours (ignoring `//` metadata). */
  readonly identical?: boolean;
  /** Generated L1 only: `<type>.<attribute>`s that could not be passed as config and were set with `addOverride`. */
  readonly overrides?: string[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { apis: { type: 'string' }, capture: { type: 'string' } } });
  const n = Number(values.apis);
  if (!Number.isInteger(n) || n < 1) throw new Error('--apis <n> is required');

  const t0 = performance.now();
  // require, not static imports: importing (cdktf, generated bindings, constructs) is timed separately.
  const { buildScaleApp } = require('./scale-app') as typeof import('./scale-app');
  const { synthAndValidate } = require('../validation') as typeof import('../validation');
  const { readLockFile } = require('../lookups/lock-file') as typeof import('../lookups/lock-file');
  const importMs = performance.now() - t0;

  // The project root is the working directory (the bench runs the bundled child from .build/bench/).
  const lock = readLockFile(path.resolve('lookups.lock.json'));
  if (!lock) throw new Error('lookups.lock.json is missing');
  const work = mkdtempSync(path.join(tmpdir(), 'bench-scale-'));
  try {
    const outdir = path.join(work, 'out');
    let constructMs = 0;
    const start = performance.now();
    const summary = synthAndValidate((dir) => {
      const c0 = performance.now();
      const app = buildScaleApp(dir, n, lock);
      constructMs = performance.now() - c0;
      return app;
    }, { outdir });
    const totalMs = performance.now() - start;
    if (values.capture) copyFileSync(path.join(outdir, 'stacks', summary.stacks[0].stack, 'cdk.tf.json'), values.capture);
    const run: ScaleRun = { importMs, constructMs, synthMs: totalMs - constructMs, totalMs, resources: summary.stacks[0].resources };
    process.stdout.write(`${JSON.stringify(run)}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
