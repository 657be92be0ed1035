/**
 * The import direction of ARCHITECTURE.md, checked on every project .ts file: each layer (the
 * top-level folder of a file) may import only the layers listed for it. The checker is tested
 * on synthetic file lists first, so a wrong arrow is known to be caught.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

const ROOT = path.resolve(__dirname, '..');

/** Generated provider bindings (`.gen/`): a layer of its own, importing nothing of the project. */
const GEN = '.gen';
/** Entry points and orchestration: may import every layer. */
const TOP = ['main.ts', 'commands'];

/**
 * Who may import whom (ARCHITECTURE.md). Layers not listed here and not in {@link TOP} may
 * import nothing of the project.
 */
export const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  core: [],
  validation: ['core'],
  lookups: ['core'],
  config: ['core'],
  constructs: ['core', GEN],
  stacks: ['constructs', 'config', 'core', GEN],
  // tools over the library's public surface; never each other, except the documented exceptions
  emulator: ['constructs', 'core'],
  'demo-issuer': ['core'],
  bench: ['stacks', 'constructs', 'config', 'lookups', 'validation', 'core', GEN, 'demo-issuer', 'scripts'],
  access: ['constructs', 'lookups', 'validation', 'core', 'emulator'],
  verify: ['config', 'constructs', 'lookups', 'validation', 'core', 'emulator', 'demo-issuer'],
  [GEN]: [],
};

/** Layers that may reach `constructs/` only through its public index (`constructs/index.ts`). */
const PUBLIC_SURFACE_ONLY = ['emulator', 'demo-issuer', 'bench', 'access', 'verify', 'commands', 'main.ts'];

/** One source file: path relative to the project root, and its text. */
export interface SourceFile {
  readonly path: string;
  readonly source: string;
}

/** The layer of a project path: its top-level folder, or the file name at the root. */
export function layerOf(file: string): string {
  return file.split('/')[0];
}

/** Relative module specifiers a file imports or re-exports (static, dynamic, `import type`). */
export function importsOf(file: SourceFile): string[] {
  return ts.preProcessFile(file.source, true, true).importedFiles.map((f) => f.fileName).filter((s) => s.startsWith('.'));
}

/** Every import that breaks {@link ALLOWED}, as `from -> specifier (from layer -> to layer)`. */
export function importViolations(files: readonly SourceFile[]): string[] {
  const violations: string[] = [];
  for (const file of files) {
    const from = layerOf(file.path);
    for (const specifier of importsOf(file)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file.path), specifier));
      if (target.startsWith('..')) {
        violations.push(`${file.path} -> ${specifier} (outside the project)`);
        continue;
      }
      const to = layerOf(target);
      if (to === from) continue;
      if (PUBLIC_SURFACE_ONLY.includes(from) && to === 'constructs' && !/^constructs(\/index(\.js)?)?$/.test(target)) {
        violations.push(`${file.path} -> ${specifier} (${from} may use constructs only through its public index)`);
        continue;
      }
      if (TOP.includes(from)) continue;
      if (!(ALLOWED[from] ?? []).includes(to)) violations.push(`${file.path} -> ${specifier} (${from} -> ${to})`);
    }
  }
  return violations;
}

/** The project's own .ts files: tracked or new, outside tests, generated code and dependencies. */
function projectFiles(): SourceFile[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', '*.ts', '*.mts'], { cwd: ROOT, encoding: 'utf8' });
  return listed.split('\n')
    .filter((p) => p !== '' && !p.startsWith('test/') && !p.startsWith(`${GEN}/`) && !p.startsWith('examples/'))
    .map((p) => ({ path: p, source: readFileSync(path.join(ROOT, p), 'utf8') }));
}

describe('importViolations', () => {
  test('accepts imports along the arrows', () => {
    // GIVEN
    const files: SourceFile[] = [
      { path: 'constructs/ram/oidc-provider.ts', source: "import type { IssuerFacts } from '../../core/issuer-facts';\nimport { X } from '../../.gen/providers/alicloud/x';" },
      { path: 'stacks/app.ts', source: "import { OidcRole } from '../constructs';\nimport type { EnvironmentConfig } from '../config';" },
      { path: 'emulator/stack.ts', source: "import { Stage } from '../constructs';\nimport { STAGE_NAMES } from '../core/stages';" },
      { path: 'commands/lookups.ts', source: "import { prepareLookups } from '../lookups/prepare';\nimport { ENVIRONMENTS } from '../config/environments';" },
    ];
    // WHEN / THEN
    expect(importViolations(files)).toEqual([]);
  });

  test('fails on a deliberately wrong import: constructs importing lookups', () => {
    const files = [{ path: 'constructs/m2m/issuer-lookup.ts', source: "import { prepareLookups } from '../../lookups/prepare';" }];
    expect(importViolations(files)).toEqual(['constructs/m2m/issuer-lookup.ts -> ../../lookups/prepare (constructs -> lookups)']);
  });

  test('fails when core imports anything of the project, also through `import type` and re-exports', () => {
    const files = [{ path: 'core/stages.ts', source: "import type { Stage } from '../constructs';\nexport * from '../config/environment';" }];
    expect(importViolations(files)).toEqual([
      'core/stages.ts -> ../constructs (core -> constructs)',
      'core/stages.ts -> ../config/environment (core -> config)',
    ]);
  });

  test('fails on a dynamic import against the arrows', () => {
    const files = [{ path: 'lookups/prepare.ts', source: "const m = await import('../demo-issuer/pki.js');" }];
    expect(importViolations(files)).toEqual(['lookups/prepare.ts -> ../demo-issuer/pki.js (lookups -> demo-issuer)']);
  });

  test('fails when two tools import each other (emulator -> demo-issuer)', () => {
    const files = [{ path: 'emulator/gateway.ts', source: "import { startDemoIssuer } from '../demo-issuer';" }];
    expect(importViolations(files)).toEqual(['emulator/gateway.ts -> ../demo-issuer (emulator -> demo-issuer)']);
  });

  test('fails when a tool reaches into constructs past its public index', () => {
    const files = [{ path: 'emulator/jwt-auth.ts', source: "import { isTrue } from '../constructs/apigateway/plugin-script';" }];
    expect(importViolations(files)).toEqual([
      'emulator/jwt-auth.ts -> ../constructs/apigateway/plugin-script (emulator may use constructs only through its public index)',
    ]);
  });

  test('fails when config imports lookups (composition belongs in commands/)', () => {
    const files = [{ path: 'config/issuers.ts', source: "import type { IssuerRequest } from '../lookups/prepare';" }];
    expect(importViolations(files)).toEqual(['config/issuers.ts -> ../lookups/prepare (config -> lookups)']);
  });
});

describe('the project', () => {
  test('every import follows the arrows of ARCHITECTURE.md', () => {
    // GIVEN
    const files = projectFiles();
    // THEN: the check saw the whole tree
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(['main.ts', 'core/fingerprint.ts', 'constructs/index.ts', 'emulator/stack.ts']));
    expect(importViolations(files)).toEqual([]);
  });

  test('the library keeps no module-level registries (state lives in the construct tree)', () => {
    const registries = projectFiles()
      .filter((f) => /^constructs\/(apigateway|m2m|ram)\//.test(f.path))
      .filter((f) => /^(?:export )?(?:const|let) \w+\s*(?::[^=]+)?= new (?:Weak)?Map\b/m.test(f.source))
      .map((f) => f.path);
    expect(registries).toEqual([]);
  });

  test('only the binding index reads plugin attachments among the rules, the emulator and the commands', () => {
    // Rules, emulator and summary read one binding index (core/binding-index.ts).
    const readers = projectFiles()
      .filter((f) => /^(constructs\/security|emulator|commands)\//.test(f.path))
      .filter((f) => /alicloud_api_gateway_(group_)?plugin_attachment/.test(f.source))
      .map((f) => f.path);
    expect(readers).toEqual([]);
  });
});

/** Project files reachable through imports from `entries` (paths relative to the root). */
function reachableFrom(entries: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const resolve = (from: string, specifier: string): string | undefined => {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier)).replace(/\.js$/, '');
    return [`${base}.ts`, `${base}/index.ts`, base].find((c) => c.endsWith('.ts') && existsSync(path.join(ROOT, c)));
  };
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of importsOf({ path: file, source: readFileSync(path.join(ROOT, file), 'utf8') })) {
      const target = resolve(file, specifier);
      if (target && !target.startsWith(`${GEN}/`)) queue.push(target);
    }
  }
  return seen;
}

describe('the published package', () => {
  test('its public exports contain no emulator code', async () => {
    // GIVEN every entry point package.json publishes
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { 'm2m-guard-source'?: string }> };
    const entries = Object.values(pkg.exports).flatMap((e) => (typeof e === 'object' && e['m2m-guard-source'] ? [e['m2m-guard-source'].replace(/^\.\//, '')] : []))
      .filter((e) => !e.startsWith(`${GEN}/`));
    // WHEN
    const reachable = reachableFrom(entries);
    // THEN
    expect(entries).toContain('constructs/index.ts');
    expect(reachable).toContain('constructs/apigateway/access-control-expression.ts');
    expect([...reachable].filter((f) => f.startsWith('emulator/'))).toEqual([]);
    const lib = await import('m2m-guard');
    expect(Object.keys(lib)).not.toEqual(expect.arrayContaining(['evaluateCondition']));
    expect(Object.keys(lib).filter((k) => /evaluate|likeMatches|tokenize|Emulator/.test(k))).toEqual([]);
  });
});
