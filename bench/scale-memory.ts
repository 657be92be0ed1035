/**
 * Where the scale scenario's memory goes, phase by phase:
 * `node .build/bench/scale-memory.js --apis <n> [--gc] [--snapshot <phase>]` (bundled like the
 * scale child, see bench/profile.ts `--memory`; cwd = project root).
 *
 * Runs the same `synthAndValidate` as bench/scale-child.ts and prints, at each phase boundary
 * (imports, construction, cdktf's prepare, the stack's `toTerraform()`, the security checks, the
 * written synth, validation and the directory swap), the process's RSS, its peak RSS so far
 * (getrusage), V8's heap used and committed per space, and external memory. The phase in which
 * the peak RSS is reached is where the peak per API comes from.
 *
 * `--gc` (needs `node --expose-gc`) collects garbage before each reading, so heap used is what
 * is still reachable then (retained data) rather than what happens not to be collected yet; it
 * changes the peak, so it is a separate run. `--snapshot <phase>` writes a V8 heap snapshot at
 * that boundary (a `.heapsnapshot` in the temporary directory, path on stderr) for a comparison by constructor.
 * `--alloc-profile <file>` writes a sampled allocation profile of the run (`.heapprofile`, garbage
 * included); with `--alloc-survivors`, without what died young: what was promoted or allocated old.
 * Diagnostics only: never part of `npm run bench` or the tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as v8 from 'node:v8';
import { Session } from 'node:inspector';

/** One reading at a phase boundary (MiB). */
export interface MemoryReading {
  readonly phase: string;
  readonly rss: number;
  readonly peakRss: number;
  readonly heapUsed: number;
  readonly heapCommitted: number;
  readonly external: number;
  /** Per V8 space: used / committed. */
  readonly spaces: Readonly<Record<string, { used: number; committed: number }>>;
}

const MiB = 2 ** 20;

function main(): void {
  const { values } = parseArgs({ options: { apis: { type: 'string' }, gc: { type: 'boolean' }, snapshot: { type: 'string' }, 'alloc-profile': { type: 'string' }, 'alloc-survivors': { type: 'boolean' } } });
  const n = Number(values.apis);
  if (!Number.isInteger(n) || n < 1) throw new Error('--apis <n> is required');
  const collect = values.gc ? (globalThis as { gc?: () => void }).gc : undefined;
  if (values.gc && !collect) throw new Error('--gc needs node --expose-gc');

  const readings: MemoryReading[] = [];
  const read = (phase: string): void => {
    collect?.();
    const usage = process.memoryUsage();
    const spaces: Record<string, { used: number; committed: number }> = {};
    for (const s of v8.getHeapSpaceStatistics()) {
      spaces[s.space_name.replace(/_space$/, '')] = { used: s.space_used_size / MiB, committed: s.space_size / MiB };
    }
    readings.push({
      phase,
      rss: usage.rss / MiB,
      peakRss: process.resourceUsage().maxRSS / 1024,
      heapUsed: usage.heapUsed / MiB,
      heapCommitted: usage.heapTotal / MiB,
      external: usage.external / MiB,
      spaces,
    });
    if (values.snapshot === phase) process.stderr.write(`heap snapshot: ${v8.writeHeapSnapshot(path.join(tmpdir(), `scale-${n}-${phase}-${process.pid}.heapsnapshot`))}\n`);
  };

  read('start');
  // Sampled allocations of the whole run, garbage included (written as a .heapprofile).
  const session = values['alloc-profile'] ? new Session() : undefined;
  session?.connect();
  session?.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: !values['alloc-survivors'] } as object);
  const cdktf = require('cdktf') as typeof import('cdktf');
  const { buildScaleApp } = require('./scale-app') as typeof import('./scale-app');
  const { synthAndValidate } = require('../validation') as typeof import('../validation');
  const { SecurityChecks } = require('../constructs') as typeof import('../constructs');
  const { readLockFile } = require('../lookups/lock-file') as typeof import('../lookups/lock-file');
  read('imports');

  const after = <T extends object>(owner: T, key: keyof T & string, phase: string, before?: string): void => {
    const original = owner[key] as unknown as (...args: unknown[]) => unknown;
    (owner as Record<string, unknown>)[key] = function wrapped(this: unknown, ...args: unknown[]): unknown {
      if (before) read(before);
      const result = original.apply(this, args);
      read(phase);
      return result;
    };
  };
  after(cdktf.TerraformStack.prototype, 'prepareStack', 'prepare');
  after(cdktf.TerraformStack.prototype, 'toTerraform', 'toTerraform');
  after(SecurityChecks.prototype, 'check', 'checks', 'written');
  after(cdktf.App.prototype, 'synth', 'synth');
  // cdktf writes the stack with the text of the whole file: read once it is rendered, before the write.
  const fs = require('node:fs') as typeof import('node:fs');
  const writeFileSync = fs.writeFileSync;
  fs.writeFileSync = function (this: unknown, ...args: Parameters<typeof fs.writeFileSync>): void {
    if (String(args[0]).endsWith('cdk.tf.json')) read('stringified');
    writeFileSync.apply(this, args);
  } as typeof fs.writeFileSync;

  const lock = readLockFile(path.resolve('lookups.lock.json'));
  if (!lock) throw new Error('lookups.lock.json is missing');
  const work = mkdtempSync(path.join(tmpdir(), 'bench-memory-'));
  try {
    synthAndValidate((dir) => {
      const app = buildScaleApp(dir, n, lock);
      read('construction');
      return app;
    }, { outdir: path.join(work, 'out') });
    read('validated');
    session?.post('HeapProfiler.stopSampling', (error, result) => {
      if (error) throw error;
      fs.writeFileSync(values['alloc-profile'] as string, JSON.stringify(result.profile));
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify({ apis: n, readings })}\n`);
}

main();
