/**
 * `npm run -s pr-comment -- <environments | body> [options]`, used by
 * `.github/workflows/cdktf-diff.yml`:
 *
 * - `environments`: the plan matrix as JSON, one entry per environment of `config/` with its
 *   stacks and whether its state is remote (only those are planned).
 * - `body`: the pull-request comment (commands/pr-comment/comment.ts) from the plan files, the
 *   review files and the job results, written to `--out`.
 */
import '../core/bindings-preflight'; // first: a missing .gen/ says "run npm run get"
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ENVIRONMENTS } from '../config';
import { parseCommandLine, usageError } from '../core/command-line';
import { stackIdsOf } from '../stacks/app';
import { type CommentSection, type JobResult, type PlanResult, type PlanStatus, buildPrComment } from './pr-comment/comment';

const HELP = `Usage: npm run -s pr-comment -- environments
       npm run -s pr-comment -- body --out <file> --run-url <url> --sha <commit> --jobs <json>
                                     [--plans <dir>] [--review <dir>] [--fork]

environments   Prints the plan matrix as JSON: [{ "environment", "stacks", "remoteState" }].
body           Writes the pull-request comment (markdown, under GitHub's size limit) to --out.

Options of body:
  --out <file>      Where to write the comment.
  --run-url <url>   Link to the workflow run.
  --sha <commit>    Commit under test.
  --jobs <json>     Job results, e.g. {"test":"success","synth":"success","plan":"failure"}.
  --plans <dir>     Plan results: <dir>/<stack>.status (planned|failed) and <dir>/<stack>.txt.
  --review <dir>    review.md (security review) and access-map.md, when present.
  --fork            The pull request comes from a fork (no plans, says why).
  --help            Show this help.

Exit status: 0 done, 2 bad arguments.
`;

const JOB_RESULTS = new Set(['success', 'failure', 'cancelled', 'skipped']);

const usage = (message: string): number => usageError(message, HELP).exitCode;

function main(argv: string[]): number {
  const line = parseCommandLine(argv, {
    out: { type: 'string' }, 'run-url': { type: 'string' }, sha: { type: 'string' }, jobs: { type: 'string' },
    plans: { type: 'string' }, review: { type: 'string' }, fork: { type: 'boolean' },
  }, HELP, true);
  if (line.exitCode !== undefined) return line.exitCode;
  const { values, positionals } = line;
  if (positionals.length !== 1) return usage('Give exactly one subcommand: environments or body.');
  if (positionals[0] === 'environments') {
    const matrix = ENVIRONMENTS.map((env) => ({ environment: env.name, stacks: stackIdsOf(env), remoteState: env.state.oss !== undefined }));
    process.stdout.write(`${JSON.stringify(matrix)}\n`);
    return 0;
  }
  if (positionals[0] !== 'body') return usage(`Unknown subcommand ${JSON.stringify(positionals[0])}.`);
  for (const required of ['out', 'run-url', 'sha', 'jobs'] as const) if (!values[required]) return usage(`--${required} is required.`);
  let jobs: Record<string, JobResult>;
  try {
    jobs = JSON.parse(values.jobs as string) as Record<string, JobResult>;
  } catch {
    return usage(`--jobs must be JSON, got ${JSON.stringify(values.jobs)}.`);
  }
  for (const job of ['test', 'synth'] as const) if (!JOB_RESULTS.has(jobs[job])) return usage(`--jobs must give "${job}" as success, failure, cancelled or skipped, got ${JSON.stringify(jobs[job])}.`);
  const fork = values.fork ?? false;
  const plans: PlanResult[] = ENVIRONMENTS.flatMap((env) => stackIdsOf(env).map((stack) => planResult(env.name, stack, env.state.oss !== undefined, fork, values.plans)));
  const sections: CommentSection[] = [];
  const review = readIfPresent(values.review, 'review.md');
  if (review !== undefined) sections.push({ id: 'security-review', markdown: review });
  const accessMap = readIfPresent(values.review, 'access-map.md');
  if (accessMap !== undefined) sections.push({ id: 'access-map', markdown: `<details><summary><b>Access map</b> (head)</summary>\n\n${accessMap}\n</details>` });
  const body = buildPrComment({
    runUrl: values['run-url'] as string,
    headSha: values.sha as string,
    jobs: { test: jobs.test, synth: jobs.synth, ...(jobs.plan ? { plan: jobs.plan } : {}) },
    fork,
    plans,
    sections,
  });
  writeFileSync(values.out as string, body);
  return 0;
}

function planResult(environment: string, stack: string, remoteState: boolean, fork: boolean, dir: string | undefined): PlanResult {
  const statusFile = dir ? path.join(dir, `${stack}.status`) : undefined;
  if (statusFile && existsSync(statusFile)) {
    const status = readFileSync(statusFile, 'utf8').trim() as PlanStatus;
    const output = readIfPresent(dir, `${stack}.txt`);
    return { environment, stack, status, ...(output !== undefined ? { output } : {}) };
  }
  if (!remoteState) return { environment, stack, status: 'local-state' };
  return { environment, stack, status: fork ? 'fork' : 'not-run' };
}

function readIfPresent(dir: string | undefined, file: string): string | undefined {
  if (!dir) return undefined;
  const full = path.join(dir, file);
  return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`pr-comment failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
