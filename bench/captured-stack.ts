/**
 * The stack our constructs synthesized for a scale case, as the baseline children replay it,
 * and the check that a baseline reproduced it.
 */
import { isDeepStrictEqual } from 'node:util';
import { readStackFile } from '../core/stack-file';

/** Attributes of one resource block. */
export type Attributes = Record<string, unknown>;

/** The parts of `cdk.tf.json` the baselines replay. */
export interface StackJson {
  readonly provider?: { readonly alicloud?: Attributes[] };
  readonly resource?: Record<string, Record<string, Attributes>>;
}

/**
 * Reads a synthesized stack file through the project's one reader (`core/stack-file`).
 * @throws StackFileError naming the file when it is missing, unreadable, not JSON or not an object
 */
export function readStackJson(file: string): StackJson {
  return readStackFile(file, 'The bench writes it (`npm run bench`): if it is missing, an earlier step of the scale case failed.') as StackJson;
}

/** A resource block without cdktf's `//` metadata. */
export function withoutMetadata(attrs: Attributes): Attributes {
  const { '//': _metadata, ...rest } = attrs;
  return rest;
}

/**
 * Whether `replayed` has the same resources (ignoring `//` metadata) and provider as `captured`;
 * `difference` names the first differing path when not.
 */
export function compareWithCaptured(replayed: StackJson, captured: StackJson): { identical: boolean; difference?: string } {
  const difference = firstDifference(stripAll(replayed.resource), stripAll(captured.resource))
    ?? (isDeepStrictEqual(replayed.provider, captured.provider) ? undefined : 'provider');
  return { identical: difference === undefined, difference };
}

function stripAll(resources: StackJson['resource']): Record<string, Record<string, Attributes>> {
  const out: Record<string, Record<string, Attributes>> = {};
  for (const [type, byName] of Object.entries(resources ?? {})) {
    out[type] = {};
    for (const [name, attrs] of Object.entries(byName)) out[type][name] = withoutMetadata(attrs);
  }
  return out;
}

/** Path of the first difference between two values, for the diagnostic; undefined if equal. */
function firstDifference(a: unknown, b: unknown, at = 'resource'): string | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference((a as Attributes)[key], (b as Attributes)[key], `${at}.${key}`);
      if (d) return d;
    }
  }
  return `${at}: ${JSON.stringify(a)?.slice(0, 200)} ≠ ${JSON.stringify(b)?.slice(0, 200)}`;
}
