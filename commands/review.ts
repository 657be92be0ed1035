/**
 * `npm run review -- --base <git ref | cdktf.out dir> [--head <dir>] [--json] [--fail-on widen]`
 *
 * The security review of a change: what it does to who can call or assume what.
 */
import '../core/bindings-preflight'; // first: a missing .gen/ says "run npm run get"
import { parseCommandLine, usageError } from '../core/command-line';
import { renderReviewMarkdown, reviewChanges } from '../access';
import { ReviewUsageError, resolveSide, synthesizeWorkingTree } from '../access/review/sources';

const HELP = `Usage: npm run review -- --base <git ref | cdktf.out dir> [--head <cdktf.out dir>] [--json] [--fail-on widen]

Compares two synthesized versions of the app and lists every change that matters for security,
each labelled widens, narrows or neutral: access added or removed (client, API, stage), plugin
settings, trust subjects, audiences and operators, keys and fingerprints (lookups.lock.json),
suppressions and their reasons, APIs published to new stages, and resources that will be
replaced (ForceNew in the pinned provider schema) with what is exposed or unavailable meanwhile.

Options:
  --base <ref|dir>   The version to compare against: a git ref (checked out into a temporary
                     worktree and synthesized there, reusing node_modules) or a cdktf output
                     directory.
  --head <dir>       The version under review, as a cdktf output directory
                     (default: the working tree, synthesized into a temporary directory).
  --json             Print the review as JSON.
  --fail-on widen    Exit with 3 when any change widens access (for a required PR check).
  --help             Show this help.

Exit codes: 0 done; 1 a synth or read failed; 2 bad arguments; 3 --fail-on widen and a change widens.
`;

const usage = (message: string): number => usageError(message, HELP).exitCode;

function main(argv: string[]): number {
  const parsed = parseCommandLine(argv, { base: { type: 'string' }, head: { type: 'string' }, json: { type: 'boolean' }, 'fail-on': { type: 'string' } }, HELP);
  if (parsed.exitCode !== undefined) return parsed.exitCode;
  const { values } = parsed;
  if (!values.base) return usage('--base is required.');
  if (values['fail-on'] !== undefined && values['fail-on'] !== 'widen') return usage(`--fail-on accepts only "widen", got ${JSON.stringify(values['fail-on'])}.`);
  const options = { repoDir: process.cwd(), log: (line: string) => process.stderr.write(`${line}\n`) };
  let base;
  let head;
  try {
    base = resolveSide(values.base, options);
    head = values.head ? resolveSide(values.head, options) : synthesizeWorkingTree(options);
  } catch (error) {
    if (error instanceof ReviewUsageError) return usage(error.message);
    throw error;
  }
  const review = reviewChanges({ base: base.app, head: head.app, baseLock: base.lock, headLock: head.lock });
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ base: base.label, head: head.label, ...review }, null, 2)}\n`);
  } else {
    process.stdout.write(renderReviewMarkdown(review, { title: `Security review: ${head.label} against ${base.label}` }));
  }
  return values['fail-on'] === 'widen' && review.counts.widens > 0 ? 3 : 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`review failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
