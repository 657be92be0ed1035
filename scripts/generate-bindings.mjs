#!/usr/bin/env node
// Generates the alicloud and OCI provider bindings in .gen/ with the real `cdktf get`,
// fed from the schema snapshots committed in provider-schemas/ instead of the Terraform
// registry (which this project must not need). Runs on `npm install` / `npm ci`.
//
// cdktf's experimental schema cache looks for `<provider name>@<urlencoded version>.json`
// holding the `terraform providers schema -json` output plus `provider_versions`.
// We build that cache under node_modules/.cache and skip generation when the inputs
// (schemas + cdktf.json + cdktf-cli version) have not changed since the last run.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (process.argv.includes('--help')) {
  console.log(`Usage: node scripts/generate-bindings.mjs [--force]   (npm run get -- --force)

Generates .gen/providers/<name> with the real \`cdktf get\`, offline, from the schema snapshots in
provider-schemas/ for every provider pinned in cdktf.json. Runs on npm install / npm ci (prepare).
Skips the work when provider-schemas/, cdktf.json and the cdktf-cli version are unchanged.

Options:
  --force   Regenerate even when .gen/ is up to date.
  --help    Show this help.`);
  process.exit(0);
}
const unknown = process.argv.slice(2).filter((a) => a !== '--force');
if (unknown.length > 0) {
  console.error(`generate-bindings: unknown argument ${JSON.stringify(unknown[0])}.\nUsage: node scripts/generate-bindings.mjs [--force]   (npm run get -- --force)`);
  process.exit(2);
}
const force = process.argv.includes('--force');
const cdktfJson = JSON.parse(readFileSync(join(root, 'cdktf.json'), 'utf8'));
const genDir = join(root, cdktfJson.codeMakerOutput ?? '.gen');
// Outside .gen/: cdktf get owns .gen/ and may clean it.
const cacheDir = join(root, 'node_modules', '.cache', 'provider-schema-cache');
const stampFile = join(genDir, '.inputs-sha256');

/** Maps a `namespace/name@version` constraint to the committed snapshot for it. */
function snapshotFor(constraint) {
  const match = /^([a-z0-9-]+)\/([a-z0-9-]+)@(\d+\.\d+\.\d+)$/.exec(constraint);
  if (!match) {
    fail(`cdktf.json terraformProviders entry ${JSON.stringify(constraint)} must pin an exact version, e.g. "aliyun/alicloud@1.292.0".`);
  }
  const [, namespace, name, version] = match;
  const file = join(root, 'provider-schemas', `${name}-${version}.schema.json`);
  if (!existsSync(file)) {
    fail(`no schema snapshot for ${constraint}: expected ${file}. Add it (terraform providers schema -json) or pin a version that has one.`);
  }
  return { namespace, name, version, file };
}

function fail(message) {
  console.error(`generate-bindings: ${message}`);
  process.exit(1);
}

const providers = (cdktfJson.terraformProviders ?? []).map(snapshotFor);
const cliVersion = JSON.parse(readFileSync(join(root, 'node_modules/cdktf-cli/package.json'), 'utf8')).version;
const hash = createHash('sha256');
hash.update(cliVersion);
hash.update(JSON.stringify(cdktfJson.terraformProviders));
for (const p of providers) hash.update(readFileSync(p.file));
const inputs = hash.digest('hex');

const generated = providers.every((p) => existsSync(join(genDir, 'providers', p.name, 'index.ts')));
if (!force && generated && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === inputs) {
  console.log('generate-bindings: .gen/ is up to date with provider-schemas/ and cdktf.json.');
  process.exit(0);
}

rmSync(genDir, { recursive: true, force: true });
rmSync(cacheDir, { recursive: true, force: true });
mkdirSync(cacheDir, { recursive: true });
for (const p of providers) {
  const schema = JSON.parse(readFileSync(p.file, 'utf8'));
  schema.provider_versions = { [`registry.terraform.io/${p.namespace}/${p.name}`]: p.version };
  writeFileSync(join(cacheDir, `${encodeURIComponent(p.name)}@${encodeURIComponent(p.version)}.json`), JSON.stringify(schema));
}

console.log(`generate-bindings: running cdktf get for ${providers.map((p) => `${p.namespace}/${p.name}@${p.version}`).join(', ')} (offline, from provider-schemas/) ...`);
const started = Date.now();
try {
  execFileSync(join(root, 'node_modules/.bin/cdktf'), ['get'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      CDKTF_EXPERIMENTAL_PROVIDER_SCHEMA_CACHE_PATH: cacheDir,
      CHECKPOINT_DISABLE: '1',
      CDKTF_DISABLE_PLUGIN_CACHE_ENV: '1',
      CI: '1',
    },
  });
} catch (error) {
  rmSync(genDir, { recursive: true, force: true });
  fail(`cdktf get failed (${error.message}); .gen/ was removed so no half-generated bindings remain.`);
}
for (const p of providers) {
  if (!existsSync(join(genDir, 'providers', p.name, 'index.ts'))) {
    rmSync(genDir, { recursive: true, force: true });
    fail(`cdktf get finished but .gen/providers/${p.name} is missing.`);
  }
}
writeFileSync(stampFile, inputs);
console.log(`generate-bindings: done in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
