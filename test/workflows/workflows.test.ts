/**
 * The GitHub workflows as a reviewer would check them: where credentials are visible, what runs
 * with them, how plans are taken, how the comment is replaced; and the scheduled lookup refresh.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { COMMENT_MARKER } from '../../commands/pr-comment/comment';

const ROOT = join(__dirname, '..', '..');
interface Step { name?: string; uses?: string; run?: string; if?: string; env?: Record<string, string>; with?: Record<string, unknown> }
interface Job { needs?: string | string[]; if?: string; env?: Record<string, string>; permissions?: Record<string, string>; environment?: string; steps: Step[]; outputs?: Record<string, string> }
interface Workflow { on: Record<string, unknown>; env?: Record<string, string>; permissions?: Record<string, string>; jobs: Record<string, Job> }

const load = (file: string): Workflow => parse(readFileSync(join(ROOT, '.github', 'workflows', file), 'utf8')) as Workflow;
const diff = load('cdktf-diff.yml');
const usesSecrets = (value: unknown): boolean => /\$\{\{[^}]*\bsecrets\./.test(JSON.stringify(value ?? {}));

describe('cdktf-diff.yml (pull requests)', () => {
  test('credentials only in the step that plans, never at workflow or job level', () => {
    expect(usesSecrets(diff.env)).toBe(false);
    const withSecrets: string[] = [];
    for (const [id, job] of Object.entries(diff.jobs)) {
      expect(usesSecrets(job.env), `${id} env`).toBe(false);
      job.steps.forEach((step) => { if (usesSecrets(step)) withSecrets.push(`${id}: ${step.name}`); });
    }
    expect(withSecrets).toEqual(['plan: terraform init + plan (-lock=false) per stack']);
  });

  test('no code of the pull request runs where credentials are: the plan job only runs terraform', () => {
    const plan = diff.jobs.plan;
    const runs = plan.steps.map((s) => s.run ?? '').join('\n');
    expect(runs).not.toMatch(/\bnpm\b|\bnpx\b|\bnode\b|\btsx\b/);
    expect(plan.steps.some((s) => s.uses?.startsWith('actions/checkout'))).toBe(false);
    for (const [id, job] of Object.entries(diff.jobs)) {
      if (job.steps.some((s) => /\bnpm (ci|test|run)/.test(s.run ?? ''))) expect(job.steps.some(usesSecrets), id).toBe(false);
    }
  });

  test('credentials per environment: one plan job per environment, using that GitHub Environment', () => {
    const plan = diff.jobs.plan;
    expect(plan.environment).toBe('${{ matrix.environment }}');
    expect(JSON.stringify(plan)).toContain('fromJSON(needs.check.outputs.environments)');
  });

  test('plans run only against remote state, never take the lock, and never for forks', () => {
    const plan = diff.jobs.plan;
    const script = plan.steps.map((s) => s.run ?? '').join('\n');
    expect(script).toMatch(/terraform -chdir="\$dir" plan -lock=false/);
    expect(script).not.toMatch(/cdktf (diff|deploy)|terraform[^\n]* apply/);
    expect(plan.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
    const environments = diff.jobs.check.steps.find((s) => s.name?.startsWith('Environments to plan'))?.run ?? '';
    expect(environments).toContain('pr-comment -- environments');
    expect(environments).toContain('filter((e)=>e.remoteState)');
  });

  test('the comment is built and replaced on every run, failed ones included, and fork runs get a summary', () => {
    expect(diff.jobs.comment.if).toContain('always()');
    expect(diff.jobs.post.if).toContain('always()');
    const build = diff.jobs.comment.steps.find((s) => s.name === 'Build the comment');
    expect(build?.run).toContain('pr-comment -- body');
    expect(build?.run).toContain('$GITHUB_STEP_SUMMARY');
    expect(build?.env?.FORK).toContain("'--fork'");
    const post = diff.jobs.post;
    expect(post.permissions).toEqual({ 'pull-requests': 'write' });
    expect(post.steps.some((s) => s.uses?.startsWith('actions/checkout'))).toBe(false);
    const script = String(post.steps.find((s) => s.name === 'Replace the comment')?.with?.script);
    expect(script).toContain(`const marker = '${COMMENT_MARKER}';`);
    expect(script).toContain('updateComment');
    expect(script).toMatch(/failed before its comment could be built/);
  });

  test('the token can write to the pull request only in the post job', () => {
    expect(diff.permissions).toEqual({ contents: 'read' });
    for (const [id, job] of Object.entries(diff.jobs)) {
      if (id !== 'post') expect(job.permissions?.['pull-requests'], id).toBeUndefined();
    }
  });

  test('tests run on every supported Node.js LTS line', () => {
    expect(JSON.stringify(diff.jobs.node)).toContain('"node":[20,22,24]');
  });
});

describe('lookups-refresh.yml (scheduled)', () => {
  const refresh = load('lookups-refresh.yml');
  test('runs on a schedule, refreshes every issuer in CI mode and fails on a change', () => {
    expect(refresh.on.schedule).toBeDefined();
    expect(refresh.env?.CI).toBe('true');
    const script = refresh.jobs.refresh.steps.map((s) => s.run ?? '').join('\n');
    expect(script).toMatch(/npm run -s lookups -- --refresh --json/);
    expect(script).toMatch(/exit 1/);
    expect(usesSecrets(refresh)).toBe(false);
  });
});
