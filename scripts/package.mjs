#!/usr/bin/env node
// Builds the publishable package: compiles the exported entry points (tsconfig.build.json) into a
// staging directory, copies what package.json `files` ships plus README, LICENSE and CHANGELOG,
// writes a package.json without `scripts` and `devDependencies` (they need this repository:
// `prepare` generates bindings with the dev-only cdktf-cli from provider-schemas/), and runs
// `npm pack` there. The repository root itself refuses to be packed (`prepack`), so a tarball
// never carries an install script for files it does not ship.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = `Usage: npm run package [-- --pack-destination <dir>] [--json]
       node scripts/package.mjs --refuse-root      (the root's prepack: explains and fails)

Builds dist/ for the exported entry points and packs m2m-guard-<version>.tgz from a staging
directory whose package.json has no scripts and no devDependencies.

Options:
  --pack-destination <dir>  Where the tarball goes (default: the current directory).
  --json                    Print npm pack's JSON (file list, sizes) instead of a summary.
  --help                    Show this help.
`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      'pack-destination': { type: 'string' },
      json: { type: 'boolean' },
      'refuse-root': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  }));
} catch (error) {
  process.stderr.write(`${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (values['refuse-root']) {
  process.stderr.write('Do not pack or publish the repository root: its package.json carries development scripts (prepare generates bindings from files the package does not ship).\nRun `npm run package` instead; it packs a clean package.json. To publish: npm publish <the .tgz it writes>.\n');
  process.exit(1);
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const destination = resolve(values['pack-destination'] ?? process.cwd());
const stage = mkdtempSync(join(tmpdir(), 'm2m-guard-stage-'));
try {
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', join(stage, 'dist')], { cwd: root, stdio: 'inherit' });
  for (const entry of ['README.md', 'LICENSE', 'CHANGELOG.md']) cpSync(join(root, entry), join(stage, entry));
  mkdirSync(join(stage, 'provider-schemas'));
  cpSync(join(root, 'provider-schemas'), join(stage, 'provider-schemas'), { recursive: true, filter: (src) => !src.endsWith('.tree.txt') });
  const { scripts: _scripts, devDependencies: _dev, ...published } = pkg;
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
  mkdirSync(destination, { recursive: true });
  const out = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], { cwd: stage, encoding: 'utf8' });
  const [info] = JSON.parse(out);
  if (values.json) process.stdout.write(out);
  else process.stdout.write(`${join(destination, info.filename)} (${info.entryCount} files, ${(info.size / 1024).toFixed(0)} kB)\n`);
} finally {
  if (existsSync(stage)) rmSync(stage, { recursive: true, force: true });
}
