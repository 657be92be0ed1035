import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** Wall time and peak memory of one command run. */
export interface Measurement {
  /** Wall-clock time from spawn to exit, in milliseconds. */
  readonly wallMs: number;
  /** Peak resident memory of the process and all its descendants together, in MiB (sampled every 10 ms). */
  readonly peakRssMb: number;
  /** Everything the command printed on stdout. */
  readonly stdout: string;
}

/** Runs a command, sampling the resident memory of its whole process tree from /proc. */
export function measure(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peakKb = 0;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const sampler = setInterval(() => {
      if (child.pid !== undefined) peakKb = Math.max(peakKb, treeRssKb(child.pid));
    }, 10);
    child.on('error', (error) => {
      clearInterval(sampler);
      reject(error);
    });
    child.on('exit', (code) => {
      clearInterval(sampler);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) {
        reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${stderr.slice(-2000)}`));
        return;
      }
      resolve({ wallMs, peakRssMb: peakKb / 1024, stdout });
    });
  });
}

function treeRssKb(pid: number): number {
  let total = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const p = pending.pop() as number;
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8');
      const match = /VmRSS:\s+(\d+) kB/.exec(status);
      if (match) total += Number(match[1]);
      for (const task of readdirSync(`/proc/${p}/task`)) {
        const children = readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim();
        if (children) pending.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // the process ended between listing and reading: nothing to count
    }
  }
  return total;
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A {@link Measurement} of a node process, with what the process itself reported (bench/probe.cjs). */
export interface NodeMeasurement extends Measurement {
  /** CPU time of the process, user + system, in milliseconds. */
  readonly cpuMs: number;
  /** Peak resident memory of the process as the kernel counted it (getrusage), in MiB. */
  readonly maxRssMb: number;
}

/** Runs `node --require bench/probe.cjs <args>` and returns wall time, CPU time and peak memory. */
export async function measureNode(args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<NodeMeasurement> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-probe-'));
  try {
    const out = path.join(dir, 'probe.json');
    const m = await measure(process.execPath, ['--require', path.join(__dirname, 'probe.cjs'), ...args], { cwd: options.cwd, env: { ...options.env, BENCH_PROBE_OUT: out } });
    const probe = JSON.parse(readFileSync(out, 'utf8')) as { cpuMs: number; maxRssKb: number };
    return { ...m, cpuMs: probe.cpuMs, maxRssMb: probe.maxRssKb / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
