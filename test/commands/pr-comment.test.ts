import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { COMMENT_MARKER, GITHUB_COMMENT_LIMIT, type PrCommentInput, buildPrComment } from '../../commands/pr-comment/comment';
import { ENVIRONMENTS } from '../../config';
import { stackIdsOf } from '../../stacks/app';

const RUN = 'https://github.com/o/r/actions/runs/1';
const ok: PrCommentInput = {
  runUrl: RUN,
  headSha: '0123456789abcdef',
  jobs: { test: 'success', synth: 'success', plan: 'success' },
  fork: false,
  plans: [
    { environment: 'prod', stack: 'gateway-prod', status: 'planned', output: 'No changes. Your infrastructure matches the configuration.' },
    { environment: 'dev', stack: 'gateway-dev', status: 'local-state' },
  ],
};
const fences = (text: string) => (text.match(/^```$/gm) ?? []).length;

describe('buildPrComment', () => {
  test('starts with the marker the post step finds the comment by, then status and plans', () => {
    const body = buildPrComment(ok);
    expect(body.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
    expect(body).toContain('checks for 0123456');
    expect(body).toMatch(/<summary><b>gateway-prod<\/b> \(prod\): planned<\/summary>\n\n```\nNo changes\./);
  });

  test('a local-state environment says so instead of a plan', () => {
    const body = buildPrComment(ok);
    expect(body).toContain('<b>gateway-dev</b> (dev): not planned: local state');
    expect(body).toMatch(/Not planned, local state: `dev`\. Their state lives on a developer's machine/);
  });

  test('a failed run says so at the top and shows no plan as current', () => {
    const body = buildPrComment({ ...ok, jobs: { test: 'failure', synth: 'skipped' }, plans: [{ environment: 'prod', stack: 'gateway-prod', status: 'not-run' }] });
    expect(body).toMatch(/\*\*This run failed\*\* \(test: failure\)\. Everything below is from this run/);
    expect(body).toContain('<b>gateway-prod</b> (prod): not planned: an earlier step failed');
    expect(body).not.toContain('No changes');
  });

  test('a failed plan is open and marked', () => {
    const body = buildPrComment({ ...ok, jobs: { ...ok.jobs, plan: 'failure' }, plans: [{ environment: 'prod', stack: 'gateway-prod', status: 'failed', output: 'Error: Wrong Alibaba Cloud account' }] });
    expect(body).toContain('<details open><summary><b>gateway-prod</b> (prod): **plan failed**</summary>');
    expect(body).toContain('plan: failure');
  });

  test('a fork pull request gets a clear message instead of plans', () => {
    const body = buildPrComment({ ...ok, fork: true, plans: [{ environment: 'prod', stack: 'gateway-prod', status: 'fork' }] });
    expect(body).toContain('This pull request comes from a fork: GitHub gives it no repository secrets, so no Terraform plans were run.');
    expect(body).toContain('not planned: pull request from a fork');
  });

  test('stays under GitHub\'s limit with huge plans, says what was cut, keeps every stack and valid fences', () => {
    // GIVEN three 50,000-character plans and a long review
    const huge = (c: string) => `${c.repeat(49_990)}\nEND`;
    const body = buildPrComment({
      ...ok,
      plans: ['a', 'b', 'c'].map((c) => ({ environment: 'prod', stack: `stack-${c}`, status: 'planned' as const, output: huge(c) })),
      sections: [{ id: 'security-review', markdown: `## Security review\n\n${'r'.repeat(30_000)}` }],
    });
    // THEN
    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    for (const c of ['a', 'b', 'c']) expect(body).toContain(`<b>stack-${c}</b>`);
    expect(body).toMatch(/… \d+ characters omitted; the full output is in the \[job log\]\(https:\/\/github\.com\/o\/r\/actions\/runs\/1\)/);
    expect(fences(body) % 2).toBe(0);
    expect(body).toContain('## Security review');
  });

  test('sections go in their documented place: status, security review, access map, plans', () => {
    const body = buildPrComment({ ...ok, sections: [{ id: 'access-map', markdown: 'ACCESS MAP' }, { id: 'security-review', markdown: 'REVIEW' }] });
    const at = (s: string) => body.indexOf(s);
    expect(at('checks for')).toBeLessThan(at('REVIEW'));
    expect(at('REVIEW')).toBeLessThan(at('ACCESS MAP'));
    expect(at('ACCESS MAP')).toBeLessThan(at('### Terraform plans'));
  });

  test('plan output cannot break out of its code block', () => {
    const body = buildPrComment({ ...ok, plans: [{ environment: 'prod', stack: 'gateway-prod', status: 'planned', output: 'x\n```\n<script>' }] });
    expect(fences(body)).toBe(2);
  });
});

describe('npm run pr-comment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pr-comment-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', 'commands', 'pr-comment.ts'), ...args], { encoding: 'utf8', timeout: 60_000 });

  test('environments prints the plan matrix of config/', () => {
    const result = cli(['environments']);
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(ENVIRONMENTS.map((env) => ({ environment: env.name, stacks: stackIdsOf(env), remoteState: env.state.oss !== undefined })));
  });

  test('body writes the comment from the plan and review files', () => {
    // GIVEN a plan for every stack of remote-state environments
    const plans = join(dir, 'plans');
    mkdirSync(plans);
    const remote = ENVIRONMENTS.filter((env) => env.state.oss);
    for (const env of remote) for (const stack of stackIdsOf(env)) {
      writeFileSync(join(plans, `${stack}.status`), 'planned\n');
      writeFileSync(join(plans, `${stack}.txt`), `Plan for ${stack}`);
    }
    const review = join(dir, 'review');
    mkdirSync(review);
    writeFileSync(join(review, 'review.md'), '## Security review\n\nNo change widens access.');
    // WHEN
    const out = join(dir, 'comment.md');
    const result = cli(['body', '--out', out, '--run-url', RUN, '--sha', 'abcdef0123', '--jobs', '{"test":"success","synth":"success","plan":"success"}', '--plans', plans, '--review', review]);
    // THEN
    expect(result.status, result.stderr).toBe(0);
    const body = readFileSync(out, 'utf8');
    expect(body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(body).toContain('No change widens access.');
    for (const env of remote) for (const stack of stackIdsOf(env)) expect(body).toContain(`Plan for ${stack}`);
    for (const env of ENVIRONMENTS.filter((e) => !e.state.oss)) expect(body).toContain(`(${env.name}): not planned: local state`);
  });

  test('bad arguments print usage and exit 2', () => {
    const result = cli(['body', '--jobs', 'not json']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Usage:/);
  });
});
