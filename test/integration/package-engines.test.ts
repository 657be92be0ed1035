/**
 * `engines.node` promises only what every runtime dependency supports (undici 7 needs Node.js
 * 20.18.1 or later), and the supported LTS lines (20, 22, 24) are inside it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, test } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; dependencies: Record<string, string>; peerDependencies: Record<string, string> };

function enginesOf(name: string): string | undefined {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { engines?: { node?: string } }).engines?.node;
}

describe('package.json engines', () => {
  test('no runtime or peer dependency needs a newer Node.js than engines.node allows', () => {
    const ours = PKG.engines.node;
    const needs = [...Object.keys(PKG.dependencies), ...Object.keys(PKG.peerDependencies)]
      .map((name) => [name, enginesOf(name)] as const)
      .filter((entry): entry is readonly [string, string] => entry[1] !== undefined);
    expect(needs.map(([name]) => name)).toContain('undici');
    expect(needs.filter(([, range]) => !semver.subset(ours, range)), `engines.node "${ours}"`).toEqual([]);
  });

  test('covers the supported LTS lines 20, 22 and 24, and this Node.js', () => {
    for (const version of ['20.18.1', '22.0.0', '24.0.0', process.versions.node]) expect(semver.satisfies(version, PKG.engines.node), version).toBe(true);
    expect(semver.satisfies('20.9.0', PKG.engines.node)).toBe(false);
  });
});
