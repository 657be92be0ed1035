/**
 * The pull-request comment of `.github/workflows/cdktf-diff.yml`, built from what the jobs
 * produced: one comment per pull request (found again by {@link COMMENT_MARKER} and replaced on
 * every run, failed runs included), always under GitHub's comment size limit.
 *
 * Sections, in this order (see {@link SECTION_ORDER}): the run's status, the security review,
 * the access map, the plans. To add a section, add its id to `SECTION_ORDER` and pass it in
 * {@link PrCommentInput.sections}; truncation and ordering apply to it like to the others.
 */
import { compareCodeUnits } from '../../core/order';

/** Marks the comment this workflow owns; the post step updates the comment that starts with it. */
export const COMMENT_MARKER = '<!-- m2m-guard:cdktf-diff -->';

/** GitHub rejects issue comments longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** Where each section goes. Unknown ids go last, in the order given. */
const SECTION_ORDER = ['status', 'security-review', 'access-map', 'plans'] as const;

/** Result of a job as GitHub reports it (`needs.<job>.result`). */
export type JobResult = 'success' | 'failure' | 'cancelled' | 'skipped';

/** What happened to one stack's plan. */
export type PlanStatus =
  /** `terraform plan` ran against remote state. */
  | 'planned'
  /** `terraform plan` failed (output holds the error). */
  | 'failed'
  /** Not planned: the environment keeps local state, so a plan here would show "create everything". */
  | 'local-state'
  /** Not planned: the pull request comes from a fork, which gets no credentials. */
  | 'fork'
  /** Not planned because an earlier job failed or the run was cancelled. */
  | 'not-run';

/** One stack's plan. */
export interface PlanResult {
  /** Environment name from config. */
  readonly environment: string;
  /** Stack id, e.g. `gateway-prod`. */
  readonly stack: string;
  readonly status: PlanStatus;
  /**
   * Plan output (`terraform plan -no-color`) or the error.
   * @default - none
   */
  readonly output?: string;
}

/** A section of markdown, e.g. the security review. */
export interface CommentSection {
  /** Position key, one of {@link SECTION_ORDER} (others go last). */
  readonly id: string;
  /** Markdown. May be shortened (with a note) to fit the limit. */
  readonly markdown: string;
}

/** Everything the comment says. */
export interface PrCommentInput {
  /** Link to the workflow run (its logs hold everything the comment shortens). */
  readonly runUrl: string;
  /** Commit the run tested. */
  readonly headSha: string;
  /** Results of the jobs before the plans. */
  readonly jobs: { readonly test: JobResult; readonly synth: JobResult; readonly plan?: JobResult };
  /** Whether the pull request comes from a fork. */
  readonly fork: boolean;
  /** One entry per planned (or not planned) stack. */
  readonly plans: readonly PlanResult[];
  /**
   * Further sections (security review, access map, ...).
   * @default - none
   */
  readonly sections?: readonly CommentSection[];
  /**
   * Size limit of the whole comment.
   * @default GITHUB_COMMENT_LIMIT
   */
  readonly limit?: number;
}

const FENCE = '```';

/** Builds the comment body: marker first, at most `limit` characters. */
export function buildPrComment(input: PrCommentInput): string {
  const limit = input.limit ?? GITHUB_COMMENT_LIMIT;
  const sections: CommentSection[] = [{ id: 'status', markdown: statusMarkdown(input) }, ...(input.sections ?? [])];
  const plans = [...input.plans].sort((a, b) => compareCodeUnits(a.environment, b.environment) || compareCodeUnits(a.stack, b.stack));
  const order = (id: string): number => {
    const i = (SECTION_ORDER as readonly string[]).indexOf(id);
    return i === -1 ? SECTION_ORDER.length : i;
  };
  sections.sort((a, b) => order(a.id) - order(b.id));
  // Budgets: everything fits → as is. Otherwise the longest texts are cut first (plans, then
  // sections), each keeping a head and a note pointing at the job log.
  const pieces: Piece[] = [
    ...sections.filter((s) => s.id !== 'plans').map((s) => ({ kind: 'section' as const, id: s.id, text: s.markdown })),
    ...plans.map((p) => ({ kind: 'plan' as const, id: 'plans', plan: p, text: p.output ?? '' })),
  ];
  pieces.sort((a, b) => order(a.id) - order(b.id));
  const render = (): string => [COMMENT_MARKER, ...renderPieces(pieces, input.runUrl)].join('\n\n');
  let body = render();
  for (let round = 0; body.length > limit && round < 50; round++) {
    const longest = pieces.filter((p) => p.text.length > 200).sort((a, b) => b.text.length - a.text.length)[0];
    if (!longest) break;
    const excess = body.length - limit;
    const keep = Math.max(200, longest.text.length - excess - 300);
    longest.omitted = (longest.omitted ?? 0) + (longest.text.length - keep);
    longest.text = longest.text.slice(0, keep);
    body = render();
  }
  if (body.length > limit) {
    const note = `\n\n… comment cut at GitHub's size limit; the full output is in the [job log](${input.runUrl}).`;
    body = body.slice(0, limit - note.length) + note;
  }
  return body;
}

interface Piece {
  readonly kind: 'section' | 'plan';
  readonly id: string;
  readonly plan?: PlanResult;
  text: string;
  omitted?: number;
}

function renderPieces(pieces: readonly Piece[], runUrl: string): string[] {
  const out: string[] = [];
  let plansHeading = false;
  for (const piece of pieces) {
    const cut = piece.omitted ? `\n… ${piece.omitted} characters omitted; the full output is in the [job log](${runUrl}).` : '';
    if (piece.kind === 'section') {
      out.push(`${piece.text}${cut}`);
      continue;
    }
    if (!plansHeading) {
      out.push('### Terraform plans');
      plansHeading = true;
    }
    const plan = piece.plan as PlanResult;
    const open = plan.status === 'failed' ? ' open' : '';
    const title = `<summary><b>${plan.stack}</b> (${plan.environment}): ${PLAN_LABEL[plan.status]}</summary>`;
    const text = piece.text ? `\n\n${FENCE}\n${piece.text.replace(/```/g, '`\u200b``')}\n${FENCE}${cut}` : '';
    out.push(`<details${open}>${title}${text}\n</details>`);
  }
  return out;
}

const PLAN_LABEL: Record<PlanStatus, string> = {
  planned: 'planned',
  failed: '**plan failed**',
  'local-state': 'not planned: local state (configure `state.oss` to get plans here)',
  fork: 'not planned: pull request from a fork',
  'not-run': 'not planned: an earlier step failed',
};

function statusMarkdown(input: PrCommentInput): string {
  const sha = input.headSha.slice(0, 7);
  const lines = [`## m2m-guard: checks for ${sha}`, ''];
  const failed = (['test', 'synth', 'plan'] as const).filter((j) => input.jobs[j] === 'failure' || input.jobs[j] === 'cancelled');
  if (failed.length > 0) {
    lines.push(`**This run failed** (${failed.map((j) => `${j}: ${input.jobs[j]}`).join(', ')}). Everything below is from this run, not from an earlier one; see the [run](${input.runUrl}).`);
  } else {
    lines.push(`Tests and synth passed. [Run](${input.runUrl}).`);
  }
  if (input.fork) {
    lines.push('', 'This pull request comes from a fork: GitHub gives it no repository secrets, so no Terraform plans were run. A maintainer can push the branch to this repository to get plans.');
  }
  const local = [...new Set(input.plans.filter((p) => p.status === 'local-state').map((p) => p.environment))];
  if (local.length > 0) {
    lines.push('', `Not planned, local state: ${local.map((e) => `\`${e}\``).join(', ')}. Their state lives on a developer's machine, so a plan here would show every resource as new.`);
  }
  return lines.join('\n');
}
