/**
 * The security review of a change: every security-relevant difference between the synthesized
 * base and head, each labelled widens / narrows / neutral.
 */
import type { LockFile } from '../../core/issuer-facts';
import type { AccessChange, AccessSystem, Effect } from '../model';
import type { SynthesizedApp, SynthesizedStack } from '../synth-output';
import { ACCESS_SYSTEMS } from '../systems';
import { annotationChanges } from './annotations';
import { lockChanges } from './lock-changes';
import { findReplacements, replacementChanges } from './replacements';

/** Inputs of {@link reviewChanges}. */
export interface ReviewInput {
  /** The synthesized base (e.g. the target branch). */
  readonly base: SynthesizedApp;
  /** The synthesized head (the change under review). */
  readonly head: SynthesizedApp;
  /** The base's lookup lock, when known. */
  readonly baseLock?: LockFile;
  /** The head's lookup lock, when known. */
  readonly headLock?: LockFile;
  /** Systems to compare. */
  readonly systems?: readonly AccessSystem<never>[];
}

/** The result of a review. */
export interface Review {
  /** Format version of this JSON. */
  readonly version: 1;
  /** Counts per effect. */
  readonly counts: Readonly<Record<Effect, number>>;
  /** Changes: widening first, then narrowing, then neutral; stable order within each. */
  readonly changes: readonly AccessChange[];
}

const ORDER: Record<Effect, number> = { widens: 0, narrows: 1, neutral: 2 };
/** Attributes that never change who can call what, reported as neutral when they change. */
const NEUTRAL_ATTRIBUTES = ['description'];

/** Compares two synthesized versions of an app. */
export function reviewChanges(input: ReviewInput): Review {
  const systems = input.systems ?? ACCESS_SYSTEMS;
  const changes: AccessChange[] = [];
  const base = new Map(input.base.stacks.map((s) => [s.name, s]));
  const head = new Map(input.head.stacks.map((s) => [s.name, s]));
  for (const name of [...new Set([...base.keys(), ...head.keys()])].sort()) {
    const b = base.get(name);
    const h = head.get(name);
    if (!b && h) changes.push({ effect: 'neutral', category: 'other', stack: name, subject: `stack ${name}`, summary: 'new stack' });
    if (b && !h) changes.push({ effect: 'neutral', category: 'other', stack: name, subject: `stack ${name}`, summary: 'stack removed (its resources are destroyed when it is destroyed)' });
    for (const system of systems) {
      const bm = b ? system.extract(b) : undefined;
      const hm = h ? system.extract(h) : undefined;
      if (bm === undefined && hm === undefined) continue;
      changes.push(...system.diff(name, bm, hm));
    }
    changes.push(...annotationChanges(name, b, h));
    if (b && h) {
      changes.push(...replacementChanges(name, findReplacements(b, h), b, h));
      changes.push(...neutralAttributeChanges(name, b, h));
    }
  }
  changes.push(...lockChanges(input.baseLock, input.headLock));
  const sorted = changes.map((c, i) => ({ c, i })).sort((x, y) => ORDER[x.c.effect] - ORDER[y.c.effect] || x.i - y.i).map(({ c }) => c);
  const counts = { widens: 0, narrows: 0, neutral: 0 };
  for (const c of sorted) counts[c.effect]++;
  return { version: 1, counts, changes: sorted };
}

function neutralAttributeChanges(stack: string, base: SynthesizedStack, head: SynthesizedStack): AccessChange[] {
  const before = new Map(base.resources.map((r) => [r.address, r]));
  const out: AccessChange[] = [];
  for (const r of head.resources) {
    const old = before.get(r.address);
    if (!old) continue;
    for (const attribute of NEUTRAL_ATTRIBUTES) {
      if (JSON.stringify(old.config[attribute]) === JSON.stringify(r.config[attribute])) continue;
      out.push({
        effect: 'neutral', category: 'other', stack, subject: `${r.address}${r.constructPath ? ` (${r.constructPath})` : ''}`,
        summary: `${attribute}: ${JSON.stringify(old.config[attribute] ?? null)} → ${JSON.stringify(r.config[attribute] ?? null)}`,
        details: { address: r.address, attribute, before: old.config[attribute], after: r.config[attribute] },
      });
    }
  }
  return out;
}

/** The review as Markdown: a count line, then one table row per change. */
export function renderReviewMarkdown(review: Review, options: { readonly headingLevel?: number; readonly title?: string } = {}): string {
  const h = '#'.repeat(options.headingLevel ?? 2);
  const { widens, narrows, neutral } = review.counts;
  const lines = [`${h} ${options.title ?? 'Security review'}`, ''];
  if (review.changes.length === 0) return [...lines, 'No security-relevant change: access, trust, keys, suppressions and replacements are the same.', ''].join('\n');
  lines.push(`**${widens} widens**, ${narrows} narrows, ${neutral} neutral.`, '');
  lines.push('| effect | kind | stack | what | change |', '|---|---|---|---|---|');
  const cell = (t: string) => t.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  for (const c of review.changes) {
    lines.push(`| ${c.effect === 'widens' ? '**widens**' : c.effect} | ${c.category} | ${cell(c.stack)} | ${cell(c.subject)} | ${cell(c.summary)} |`);
  }
  return [...lines, ''].join('\n');
}
