import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import { OTHER_CLIENT_ID, fixtureEnv, synthEnvironments } from './support';

const ROOT = join(__dirname, '..', '..');
// tsx's loader by absolute URL, so that commands can run with another working directory.
const TSX = pathToFileURL(require.resolve('tsx', { paths: [ROOT] })).href;

function tsx(script: string, args: string[], cwd = ROOT) {
  return spawnSync(process.execPath, ['--import', TSX, join(ROOT, script), ...args], {
    cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
}

const BASE = fixtureEnv();
const WIDER = fixtureEnv({ gateway: { ...BASE.gateway, apis: [{ ...BASE.gateway.apis[0], allowedClients: ['reporting', 'other'] }] } });

describe('npm run review', () => {
  test('prints help', () => {
    const r = tsx('commands/review.ts', ['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: npm run review -- --base/);
  });

  test('fails with usage and exit 2 without --base, with an unknown option or a bad --fail-on', () => {
    for (const args of [[], ['--base', 'x', '--bogus'], ['--base', 'cdktf.out', '--fail-on', 'narrow']]) {
      const r = tsx('commands/review.ts', args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/Usage: npm run review/);
    }
  });

  test('fails with exit 2 when --base is neither an output directory nor a git ref', () => {
    const r = tsx('commands/review.ts', ['--base', 'no-such-ref-or-dir', '--head', 'cdktf.out']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/'no-such-ref-or-dir' is neither a cdktf output directory nor a git ref/);
  });

  test('compares two output directories; --fail-on widen exits 3 on a widening, --json gives the changes', () => {
    // GIVEN
    const base = synthEnvironments([BASE]).dir;
    const head = synthEnvironments([WIDER]).dir;
    // WHEN
    const markdown = tsx('commands/review.ts', ['--base', base, '--head', head, '--fail-on', 'widen']);
    const json = tsx('commands/review.ts', ['--base', base, '--head', head, '--json']);
    const same = tsx('commands/review.ts', ['--base', base, '--head', base, '--fail-on', 'widen']);
    // THEN
    expect(markdown.status).toBe(3);
    expect(markdown.stdout).toMatch(new RegExp(`\\*\\*widens\\*\\* \\| access \\| gateway-fx .*${OTHER_CLIENT_ID}`));
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout).changes).toContainEqual(expect.objectContaining({ effect: 'widens', details: expect.objectContaining({ client: OTHER_CLIENT_ID, stage: 'TEST' }) }));
    expect(same.status).toBe(0);
    expect(same.stdout).toMatch(/No security-relevant change/);
  });

  test('synthesizes a git ref in a temporary worktree with its own synth, and removes the worktree', () => {
    // GIVEN a repository whose committed synth writes the base output, and a head output directory
    const repo = mkdtempSync(join(tmpdir(), 'review-repo-'));
    cpSync(synthEnvironments([BASE]).dir, join(repo, 'fixture-out'), { recursive: true });
    writeFileSync(join(repo, 'package.json'), JSON.stringify({
      name: 'fixture', private: true,
      scripts: { synth: 'node -e "require(\'fs\').cpSync(\'fixture-out\', process.env.CDKTF_OUTDIR, { recursive: true })"' },
    }));
    const git = (...args: string[]) => spawnSync('git', ['-C', repo, ...args], { encoding: 'utf8' });
    git('init', '-q');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '.');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'base');
    const head = synthEnvironments([WIDER]).dir;
    // WHEN
    const r = tsx('commands/review.ts', ['--base', 'HEAD', '--head', head, '--json'], repo);
    // THEN
    expect(r.stderr).toMatch(/synthesizing HEAD \(/);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ base: expect.stringMatching(/^HEAD \([0-9a-f]{7}\)$/), counts: { widens: 1 } });
    expect(git('worktree', 'list').stdout.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(tmpdir()).filter((d) => d.startsWith('m2m-review-base-')).filter((d) => existsSync(join(tmpdir(), d, 'src')))).toEqual([]);
  });
});

describe('npm run access-map', () => {
  test('prints help, and usage with exit 2 on a bad option', () => {
    expect(tsx('commands/access-map.ts', ['--help']).stdout).toMatch(/Usage: npm run access-map/);
    const bad = tsx('commands/access-map.ts', ['--bogus']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/Usage: npm run access-map/);
  });

  test('prints Markdown with a Mermaid block, or JSON, from an output directory', () => {
    const dir = synthEnvironments([BASE]).dir;
    const md = tsx('commands/access-map.ts', ['--dir', dir]);
    const json = tsx('commands/access-map.ts', ['--dir', dir, '--json']);
    expect(md.status).toBe(0);
    expect(md.stdout).toMatch(/```mermaid\nflowchart LR/);
    expect(JSON.parse(json.stdout).stacks.map((s: { stack: string }) => s.stack)).toEqual(['federation-fx', 'gateway-fx']);
  });
});
