/**
 * Imported first by every command that (transitively) loads the generated provider bindings
 * (package.json lists this file in `sideEffects`, so bundling keeps the bare import):
 * when `.gen/` is missing (a fresh clone installed with `--ignore-scripts`, or a deleted `.gen/`),
 * it stops with the fix instead of Node's raw MODULE_NOT_FOUND from deep inside an import chain.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Providers the project generates bindings for (cdktf.json `terraformProviders`). */
const PROVIDERS = ['alicloud', 'oci'] as const;

/**
 * The problem with the bindings under `genDir`, or `undefined` when every provider's bindings are
 * there (as TypeScript sources, or compiled).
 */
function bindingsProblem(genDir: string): string | undefined {
  const missing = PROVIDERS.filter((p) => !['index.ts', 'index.js'].some((f) => fs.existsSync(path.join(genDir, 'providers', p, f))));
  if (missing.length === 0) return undefined;
  return `The generated provider bindings are missing (${missing.map((p) => `.gen/providers/${p}`).join(', ')} in ${genDir}). `
    + 'Run `npm run get`: it generates them offline from provider-schemas/ (npm ci does this too, unless scripts are disabled).';
}

/**
 * The project directory: the nearest directory above this module with a package.json. This module
 * runs from `core/` (sources, through tsx) and from `.build/app/` (the compiled app bundle).
 */
function projectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.dirname(from);
  }
}

const problem = bindingsProblem(path.join(projectRoot(__dirname), '.gen'));
if (problem !== undefined) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
