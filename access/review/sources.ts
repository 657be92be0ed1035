/**
 * Where the review's base and head come from: a cdktf output directory that is read as is, or a
 * git ref that is checked out into a temporary worktree and synthesized there (reusing this
 * checkout's `node_modules` and, when the provider pins are the same, its generated bindings).
 * The temporary worktree is always removed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LOCK_FILE_NAME, readLockFile } from '../../lookups/lock-file';
import type { LockFile } from '../../core/issuer-facts';
import { type SynthesizedApp, readSynthesizedApp } from '../synth-output';

/** A version of the app to compare. */
export interface ReviewSide {
  /** What it is, e.g. `main (3f2a1c9)` or `cdktf.out`. */
  readonly label: string;
  /** The synthesized stacks. */
  readonly app: SynthesizedApp;
  /** Its lookup lock, when found. */
  readonly lock?: LockFile;
}

/** A problem with the arguments (exit code 2), as opposed to a failed synth (exit code 1). */
export class ReviewUsageError extends Error {}

/** Files that decide what `.gen/` holds: when the base has the same, the bindings are reused. */
const BINDING_INPUTS = ['cdktf.json', 'provider-schemas', 'scripts/generate-bindings.mjs'];

function git(repo: string, args: string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync('git', ['-C', repo, ...args], { encoding: 'utf8' });
  return { ok: r.status === 0, out: (r.stdout ?? '').trim(), err: (r.stderr ?? '').trim() };
}

/** Options for {@link resolveSide}. */
export interface ResolveOptions {
  /** The repository (and project) directory. */
  readonly repoDir: string;
  /** Where progress lines go. */
  readonly log?: (line: string) => void;
}

/**
 * A directory holding `manifest.json` or `stacks/` is read; anything else is taken as a git ref,
 * checked out into a temporary worktree and synthesized with its own `npm run synth` (CI mode, so
 * a lock that misses an issuer fails instead of reaching out to the network).
 *
 * @throws ReviewUsageError when `spec` is neither an output directory nor a git ref
 */
export function resolveSide(spec: string, options: ResolveOptions): ReviewSide {
  const dir = path.resolve(options.repoDir, spec);
  if (fs.existsSync(dir) && fs.statSync(dir).isDirectory()) {
    if (!fs.existsSync(path.join(dir, 'manifest.json')) && !fs.existsSync(path.join(dir, 'stacks'))) {
      throw new ReviewUsageError(`'${spec}' is a directory but not a cdktf output directory (no manifest.json or stacks/). Pass a cdktf.out directory or a git ref.`);
    }
    // An output directory next to a project (cdktf.out/) has the project's lock beside it.
    return { label: spec, app: readSynthesizedApp(dir), lock: readLockFile(path.join(path.dirname(dir), LOCK_FILE_NAME)) };
  }
  const commit = git(options.repoDir, ['rev-parse', '--verify', '--quiet', `${spec}^{commit}`]);
  if (!commit.ok) throw new ReviewUsageError(`'${spec}' is neither a cdktf output directory nor a git ref of ${options.repoDir}.`);
  return synthesizeRef(spec, commit.out, options);
}

/** Synthesizes the working tree (the head) into a temporary directory, leaving `cdktf.out/` alone. */
export function synthesizeWorkingTree(options: ResolveOptions): ReviewSide {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'm2m-review-head-'));
  try {
    runSynth(options.repoDir, path.join(tmp, 'cdktf.out'), 'the working tree');
    return { label: 'working tree', app: readSynthesizedApp(path.join(tmp, 'cdktf.out')), lock: readLockFile(path.join(options.repoDir, LOCK_FILE_NAME)) };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function synthesizeRef(spec: string, sha: string, options: ResolveOptions): ReviewSide {
  const log = options.log ?? (() => undefined);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'm2m-review-base-'));
  const worktree = path.join(tmp, 'src');
  const label = `${spec} (${sha.slice(0, 7)})`;
  let added = false;
  try {
    const add = git(options.repoDir, ['worktree', 'add', '--detach', worktree, sha]);
    if (!add.ok) throw new Error(`git worktree add for ${label} failed: ${add.err}`);
    added = true;
    const modules = path.join(options.repoDir, 'node_modules');
    if (fs.existsSync(modules)) {
      fs.symlinkSync(modules, path.join(worktree, 'node_modules'), 'dir');
      if (!sameFile(path.join(options.repoDir, 'package-lock.json'), path.join(worktree, 'package-lock.json'))) {
        log(`note: ${label} has other dependencies than this checkout; its synth reuses this checkout's node_modules`);
      }
    }
    const bindings = path.join(options.repoDir, '.gen');
    const sameInputs = git(options.repoDir, ['diff', '--quiet', sha, '--', ...BINDING_INPUTS]).ok;
    if (fs.existsSync(bindings) && sameInputs) {
      fs.symlinkSync(bindings, path.join(worktree, '.gen'), 'dir');
    } else if (fs.existsSync(path.join(worktree, 'scripts', 'generate-bindings.mjs'))) {
      log(`generating provider bindings for ${label} (its provider pins differ)`);
      run(worktree, process.execPath, ['scripts/generate-bindings.mjs'], `generating bindings for ${label}`);
    }
    log(`synthesizing ${label}`);
    const out = path.join(tmp, 'cdktf.out');
    runSynth(worktree, out, label);
    return { label, app: readSynthesizedApp(out), lock: readLockFile(path.join(worktree, LOCK_FILE_NAME)) };
  } finally {
    if (added) git(options.repoDir, ['worktree', 'remove', '--force', worktree]);
    fs.rmSync(tmp, { recursive: true, force: true });
    if (added) git(options.repoDir, ['worktree', 'prune']);
  }
}

function runSynth(cwd: string, outdir: string, label: string): void {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  run(cwd, npm, ['run', '--silent', 'synth'], `synth of ${label}`, { CI: 'true', CDKTF_OUTDIR: outdir, NO_COLOR: '1', FORCE_COLOR: '0' });
}

function run(cwd: string, command: string, args: string[], what: string, env: Record<string, string> = {}): void {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    const tail = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${what} failed (exit ${r.status ?? r.signal}):\n${tail}`);
  }
}

function sameFile(a: string, b: string): boolean {
  return fs.existsSync(a) && fs.existsSync(b) && fs.readFileSync(a).equals(fs.readFileSync(b));
}
