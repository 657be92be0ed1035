/**
 * How `npm run synth` starts the app, read from package.json: the bench and bench/profile.ts start
 * every program they measure the same way, bundled the same way ({@link bundleBenchProgram}).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/**
 * What `npm run synth` runs (package.json `scripts.synth`, also the cdktf.json `app`): node's flags
 * and the launcher's arguments. The bench runs exactly that, and the minimal cdktf app and the
 * scale children with the same node flags through the same launcher (`run-file`).
 */
export function synthCommand(): { readonly text: string; readonly nodeFlags: string[]; readonly args: string[] } {
  const text = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { synth: string } }).scripts.synth;
  const [node, ...words] = text.split(/\s+/);
  const launcher = words.indexOf('scripts/app.cjs');
  if (node !== 'node' || launcher < 0) throw new Error(`package.json scripts.synth is not "node [flags] scripts/app.cjs ...", got ${JSON.stringify(text)}`);
  return { text, nodeFlags: words.slice(0, launcher), args: words.slice(launcher + 1) };
}

/** The launcher `npm run synth` starts (`scripts/app.cjs`), as an absolute path. */
export const LAUNCHER = path.join(ROOT, 'scripts', 'app.cjs');

/**
 * node's arguments to run the CommonJS `bundle` as `npm run synth` runs the app: the synth's node
 * flags, then `extraNodeFlags`, the launcher's `run-file`, the bundle and its `args`. The one way
 * the bench and bench/profile.ts start what they measure besides the example itself.
 */
export function runFileArgs(bundle: string, args: readonly string[] = [], extraNodeFlags: readonly string[] = []): string[] {
  return [...synthCommand().nodeFlags, ...extraNodeFlags, LAUNCHER, 'run-file', bundle, ...args];
}

/** Where the bench's programs are bundled (the app finds provider-schemas/ relative to a bundle there). */
export const BENCH_BUNDLES = path.join(ROOT, '.build', 'bench');

/**
 * Bundles `bench/<program>.ts` with the app's esbuild options (scripts/app.cjs `bundle`) into
 * `.build/bench/<name>.js` and returns that path: the one way the bench and bench/profile.ts build
 * what they run.
 */
export async function bundleBenchProgram(program: string, name = program): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const app = require('../scripts/app.cjs') as { bundle(entry: string, outfile: string): Promise<unknown> };
  const outfile = path.join(BENCH_BUNDLES, `${name}.js`);
  mkdirSync(BENCH_BUNDLES, { recursive: true });
  await app.bundle(`bench/${program}.ts`, outfile);
  return outfile;
}
