/**
 * `parsePluginData` (js-yaml, YAML 1.2 core schema) against the `yaml` package the constructs
 * render plugin scripts with, as an independent oracle: both must read every script the example
 * synthesizes, and a corpus of YAML corner cases, to the same value, and both must refuse what is
 * not one well-formed mapping.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import type { TerraformStack } from 'cdktf';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { ENVIRONMENTS } from '../../config';
import { escapeTemplate, parsePluginData } from '../../core/plugin-data';
import type { LockFile } from '../../core/issuer-facts';
import { defaultLockPath, readLockFile } from '../../lookups/lock-file';
import { buildApp, stackIdsOf } from '../../stacks/app';

/** What the `yaml` package reads (core schema, repeated keys refused), or undefined when it refuses. */
function oracle(text: string): unknown {
  try {
    return parse(text, { prettyErrors: false, uniqueKeys: true });
  } catch {
    return undefined;
  }
}

function expectSameAsOracle(text: string): void {
  const parsed = parsePluginData(escapeTemplate(text));
  const expected = oracle(text);
  const isMapping = expected !== null && typeof expected === 'object' && !Array.isArray(expected);
  if (isMapping) expect(parsed, text).toEqual({ kind: 'parsed', script: expected, text });
  else expect(parsed.kind, text).toBe('unparseable');
}

describe('parsePluginData', () => {
  test('reads every plugin script the example synthesizes as the yaml package does', () => {
    const lock = readLockFile(defaultLockPath()) as LockFile;
    const app = buildApp({ outdir: mkdtempSync(join(tmpdir(), 'plugin-data-')), environments: ENVIRONMENTS, lock });
    const scripts = ENVIRONMENTS.flatMap(stackIdsOf).flatMap((id) => {
      const resources = JSON.parse(Testing.synth(app.node.findChild(id) as TerraformStack, true)).resource ?? {};
      return Object.values((resources.alicloud_api_gateway_plugin ?? {}) as Record<string, { plugin_data: string }>).map((p) => p.plugin_data);
    });
    expect(scripts.length).toBeGreaterThan(4);
    for (const data of scripts) {
      const parsed = parsePluginData(data);
      expect(parsed.kind).toBe('parsed');
      expect(parsed).toEqual({ kind: 'parsed', script: oracle((parsed as { text: string }).text), text: (parsed as { text: string }).text });
    }
  });

  test.each([
    ['booleans, null and YAML 1.1 words', 'a: true\nb: False\nc: ~\nd: null\ne:\nf: yes\ng: off\nh: Y'],
    ['numbers', 'a: 0x1F\nb: 0o17\nc: 017\nd: 1e3\ne: -1\nf: .inf\ng: -.Inf\nh: +12\ni: 1_000\nj: 12345678901234567890\nk: 0.1'],
    ['dates and times stay strings', 'a: 2001-12-14\nb: 2001-12-14t21:59:43.10-05:00\nc: 12:30:00'],
    ['quoting and escapes', "a: \"\\u00e9\\t\\\"x\\\"\"\nb: 'it''s'\nc: \"${clientId}\"\nd: '%\"x\"%'\ne: \"$scope like '% a %'\""],
    ['block scalars', 'a: |\n  one\n  two\nb: >\n  folded\n  text\nc: |-\n  kept\nd: >+\n  more\n\n'],
    ['flow collections and nesting', 'a: {b: 1, c: [x, "y", 3]}\nrules:\n  - name: n\n    condition: "$a = \'b\'"\n    ifTrue: ALLOW'],
    ['anchors and aliases', 'base: &b {x: 1}\nuse: *b'],
    ['explicit core tags', 'a: !!str 123\nb: !!int "5"\nc: !!bool "true"'],
    ['non-string keys', '1: a\ntrue: b'],
    ['comments and document markers', '%YAML 1.2\n---\n# c\na: 1 # tail\n...\n'],
    ['JSON', '{"parameters": {"iss": "Token:iss"}, "rules": [{"name": "x", "ifTrue": "DENY"}]}'],
    ['a repeated key', 'a: 1\na: 2'],
    ['a repeated nested key', 'a:\n  b: 1\n  b: 1'],
    ['two documents', 'a: 1\n---\nb: 2'],
    ['a list', '- a\n- b'],
    ['a scalar', 'just text'],
    ['empty', ''],
    ['bad indentation', 'a:\n  b: 1\n c: 2'],
    ['an unclosed quote', 'a: "open'],
    ['a tab as indentation', 'a:\n\tb: 1'],
  ])('%s: same as the yaml package', (_name, text) => {
    expectSameAsOracle(text);
  });

  test.each([
    ['at the top', 'base: &b {bypassEmptyToken: true}\n<<: *b\nparameter: Authorization'],
    ['nested', 'base: &b {x: 1}\nm:\n  <<: *b\n  y: 2'],
    ['inside a list', 'rules:\n  - <<: {ifTrue: ALLOW}\n    name: r'],
    ['quoted', '"<<": {bypassEmptyToken: true}'],
  ])('a "<<" merge key (%s) makes the script unparseable: a YAML 1.1 parser would merge what the checks do not see', (_name, text) => {
    const parsed = parsePluginData(escapeTemplate(text));
    expect(parsed.kind).toBe('unparseable');
    expect((parsed as { reason: string }).reason).toMatch(/"<<" merge key.*write the merged keys out/);
    // the yaml package in the core schema would read it as an ordinary key: this is a deliberate difference
    expect(oracle(text)).toBeTypeOf('object');
  });

  test('where the two differ, in corners no gateway script uses, the checks fail closed or read the same text', () => {
    // an unknown tag (the yaml package warns and keeps the text) and a tagged empty null are refused
    expect(parsePluginData('a: !custom value').kind).toBe('unparseable');
    expect(parsePluginData('a: !!null ""').kind).toBe('unparseable');
    // a null key is the key "null" (the yaml package makes it ""), -0 is 0
    expect(parsePluginData('null: c\nz: -0')).toMatchObject({ kind: 'parsed', script: { null: 'c', z: 0 } });
  });

  test('a value that is not a string, or still a reference, is unresolved', () => {
    expect(parsePluginData(undefined)).toEqual({ kind: 'unresolved' });
    expect(parsePluginData('${alicloud_x.y.id}')).toEqual({ kind: 'unresolved' });
  });
});
