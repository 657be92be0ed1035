/**
 * scripts/stable-stringify.cjs (what our bundles give cdktf for json-stable-stringify) against the
 * real json-stable-stringify that cdktf ships, on what cdktf stringifies: the example app's stacks
 * and manifest, the 1,000-API scale stack, edge cases and seeded random JSON. Where the replacement
 * must hand a value to the library, the result is still compared, and `nativeOnly` proves which
 * inputs take the native path.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TerraformStack } from 'cdktf';
import { afterAll, describe, expect, test } from 'vitest';
import { SCALE_REGION, buildScaleApp } from '../../bench/scale-app';
import { ENVIRONMENTS, validateEnvironments } from '../../config';
import { readLockFile } from '../../lookups/lock-file';
import { buildApp } from '../../stacks/app';

const ROOT = join(__dirname, '..', '..');
type Stringify = (value: unknown, opts?: unknown) => string | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const real = require('cdktf/node_modules/json-stable-stringify') as Stringify;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const replacement = require(join(ROOT, 'scripts', 'stable-stringify.cjs')) as Stringify & { nativeOnly: Stringify };
const SPACE = { space: 2 };
const work = mkdtempSync(join(tmpdir(), 'stable-stringify-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Both call forms cdktf uses: on the native path, and equal to the library's bytes. */
function expectSameOnNativePath(value: unknown, label = ''): void {
  for (const opts of [[], [SPACE]] as const) {
    const expected = real(value, ...opts);
    expect(replacement.nativeOnly(value, ...opts), `${label} ${opts.length ? 'space 2' : 'compact'}`).toBe(expected);
    expect(replacement(value, ...opts), `${label} ${opts.length ? 'space 2' : 'compact'}`).toBe(expected);
  }
}

/** Equal to the library's result (or its error), whichever path is taken. */
function expectSame(value: unknown, ...opts: unknown[]): void {
  let expected: string | undefined;
  let error: unknown;
  try {
    expected = real(value, ...opts);
  } catch (e) {
    error = e;
  }
  if (error !== undefined) {
    expect(() => replacement(value, ...opts)).toThrow((error as Error).message);
  } else {
    expect(replacement(value, ...opts)).toBe(expected);
  }
}

const lock = () => {
  const l = readLockFile(join(ROOT, 'lookups.lock.json'));
  if (l === undefined) throw new Error('lookups.lock.json is missing');
  return l;
};

describe('the json-stable-stringify replacement, against the library', () => {
  test("the example app: every stack's toTerraform(), and the files cdktf writes (with the library, unbundled)", () => {
    // GIVEN the app `npm run synth` builds, synthesized here by unbundled cdktf (so with the real library)
    validateEnvironments(ENVIRONMENTS);
    const outdir = join(work, 'example');
    const app = buildApp({ outdir, environments: ENVIRONMENTS, lock: lock(), localStateDir: join(work, 'state') });
    app.synth();
    const stacks = app.node.children as TerraformStack[];
    expect(stacks.length).toBeGreaterThan(3);
    // THEN each stack's config object is stringified identically, on the native path
    for (const stack of stacks) expectSameOnNativePath(stack.toTerraform(), stack.node.id);
    // AND every JSON file the synth wrote (stacks, metadata, manifest) is reproduced from its parsed content
    const files = [join(outdir, 'manifest.json'), ...readdirSync(join(outdir, 'stacks')).flatMap((s) =>
      readdirSync(join(outdir, 'stacks', s)).filter((f) => f.endsWith('.json')).map((f) => join(outdir, 'stacks', s, f)))];
    expect(files.length).toBeGreaterThan(stacks.length);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(replacement.nativeOnly(JSON.parse(text), SPACE), file).toBe(text);
    }
    expect(replacement.nativeOnly((app.manifest as unknown as { buildManifest(): unknown }).buildManifest(), SPACE))
      .toBe(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  }, 120_000);

  test('the 1,000-API scale stack', () => {
    const app = buildScaleApp(join(work, 'scale'), 1000, lock());
    const stack = app.node.children.find((c) => c.node.id !== 'IssuerLookup' && 'toTerraform' in c) as TerraformStack;
    const config = stack.toTerraform() as { provider: { alicloud: { region: string }[] } };
    expect(config.provider.alicloud[0].region).toBe(SCALE_REGION);
    expectSameOnNativePath(config, 'scale');
  }, 120_000);

  test('edge cases on the native path: empties at every depth, escapes, numbers, undefined, odd keys', () => {
    const cases: unknown[] = [
      {}, [], [{}], [[]], { a: {} }, { a: [] }, [[[[]]], {}, [{}, []]], { a: { b: { c: { d: {} } } }, e: [] },
      { a: { b: undefined } }, { a: [undefined] }, [undefined, null], { u: undefined }, { a: { x: undefined, y: {} } },
      'string', '', 0, -0, 1e21, 1e-7, Number.MAX_SAFE_INTEGER, 2 ** 64, 123456789012345680000, NaN, Infinity, -Infinity, true, false, null,
      { s: 'line\nbreak\ttab "quote" back\\slash \u0000 \u001f \u2028 \u2029 \ud83d\ude00 \ud800 é 漢字' },
      { s: '{}', t: '[]', u: '{}\n', v: '  "k": {}', w: ['{}', '[]'], x: '\u2028{}\u2028' },
      { 'key "quoted"': {}, 'k\\': [], 'k\n': {}, 'k\u2028': [], '': {}, ' ': [], 'é': 1, '\ud83d\ude00': [], '{}': {}, '": {}': [] },
      JSON.parse('{"__proto__": {"polluted": {}}, "constructor": [], "toString": {}, "hasOwnProperty": 1}'),
      { b: 1, a: 2, A: 3, _: 4, '-1': 5, '1a': 6, 'a1': 7, '01': 8, '1.5': 9, '-0': 10 },
      Object.assign(Object.create(null), { z: {}, a: [] }),
      [1, 'two', [3, { four: [5, {}] }], { 'ü': { 'ü': [] } }],
    ];
    cases.forEach((c, i) => expectSameOnNativePath(c, `case ${i}`));
    expect(replacement(undefined, SPACE)).toBeUndefined();
  });

  test('values the native path cannot reproduce go to the library: the same result or the same error', () => {
    class Point { constructor(readonly x = 1) {} }
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const shared = { s: {} };
    const values: unknown[] = [
      { 1: 'a', 10: 'b', 2: 'c', a: 'd', '-': 'e' }, { 0: {} }, [{ 4294967295: 1, 7: [] }],
      { d: new Date(0) }, { j: { toJSON: () => ({ z: 1, a: [] }) } }, { p: new Point() }, { s: new String('x'), n: new Number(1) },
      { f: () => 1 }, [() => 1], { m: new Map([[1, 2]]) }, { shared, again: shared }, cyclic,
    ];
    for (const v of values) {
      expectSame(v);
      expectSame(v, SPACE);
    }
    for (const opts of [{ space: 4 }, { space: '\t' }, { space: 2, cycles: true }, { cmp: (a: { key: string }, b: { key: string }) => (a.key < b.key ? 1 : -1) },
      { collapseEmpty: true, space: 2 }, (a: { key: string }, b: { key: string }) => (a.key < b.key ? 1 : -1), { space: 2, replacer: (_k: unknown, v: unknown) => v }]) {
      expectSame({ b: { y: [], x: {} }, a: [1, {}] }, opts);
    }
    expectSame(cyclic, { cycles: true });
    expect(() => replacement.nativeOnly({ 1: 'a' }, SPACE)).toThrow('not on the native path');
    expect(() => replacement.nativeOnly({ a: 1 }, { space: 4 })).toThrow('not on the native path');
  });

  test('seeded random JSON values (3,000)', () => {
    // mulberry32: a small deterministic generator, so a failure is reproducible
    let seed = 0x5eed17;
    const rand = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
    const KEYS = ['a', 'b', 'B', 'aa', '_x', '-', '', ' k', 'é', '"q"', 'line\nkey', '__proto__', 'type', 'z9', '1a', '01', '\ud83d\ude00', '{}'];
    const STRINGS = ['', 'x', '{}', '[]', '\n', '"', '\\', '\u2028{}', 'ünïcödé', '${aws_thing.x.id}', ' {\n}'];
    const NUMBERS = [0, -0, 1, -1, 0.1, 1e21, 1e-7, 2 ** 53, -(2 ** 31), NaN];
    const value = (depth: number): unknown => {
      const r = rand();
      if (depth > 4 || r < 0.35) return pick<unknown>([...STRINGS, ...NUMBERS, true, false, null]);
      if (r < 0.4) return undefined;
      const size = Math.floor(rand() * (rand() < 0.25 ? 1 : 5));
      if (r < 0.65) return Array.from({ length: size }, () => value(depth + 1));
      const o: Record<string, unknown> = JSON.parse('{}');
      for (let i = 0; i < size; i++) Object.defineProperty(o, pick(KEYS), { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
      return o;
    };
    for (let i = 0; i < 3000; i++) expectSameOnNativePath(value(0), `value ${i}`);
  });
});
