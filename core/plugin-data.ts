/**
 * How an API Gateway (classic) plugin script travels through Terraform JSON: escaped as a
 * Terraform string by the constructs, read back (unescaped, parsed) by the security rules, the
 * emulator and the access map.
 */
import { CORE_SCHEMA, load } from 'js-yaml';
import { isExpression } from './expressions';

/**
 * Escapes a plugin script for a Terraform string: Terraform treats `${` and `%{` in any string
 * as template syntax, but plugin scripts use `${name}` for their own interpolation
 * (e.g. `errorMessage: "No permission by client id: ${clientId}"`).
 */
export function escapeTemplate(text: string): string {
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/** Reverses {@link escapeTemplate}: the text the gateway receives. */
export function unescapeTemplate(text: string): string {
  return text.replace(/\$\$\{/g, () => '${').replace(/%%\{/g, () => '%{');
}


/** Outcome of reading a plugin's `plugin_data` from its final Terraform config. */
export type ParsedScript =
  | { readonly kind: 'parsed'; readonly script: Record<string, unknown>; readonly text: string }
  | { readonly kind: 'unresolved' }
  | { readonly kind: 'unparseable'; readonly reason: string };

/**
 * Parses `plugin_data` as written to `cdk.tf.json` (YAML or JSON; JSON is YAML) with the YAML 1.2
 * core schema: strings, numbers, booleans and null only (no dates), and a repeated key makes the
 * script unparseable. So does a `<<` key at any depth: a YAML 1.1 parser (the gateway's may be one)
 * merges the mapping it points to, e.g. a `bypassEmptyToken: true` the core schema would keep out
 * of sight, so the checks refuse to judge such a script instead of reading it differently.
 * A value that is not a string or still references other resources is `unresolved`.
 *
 * js-yaml reads these scripts several times faster than the `yaml` package the constructs render
 * them with, and every synth parses each one (test/core/plugin-data.test.ts keeps the two in step).
 */
export function parsePluginData(value: unknown): ParsedScript {
  if (typeof value !== 'string') return { kind: 'unresolved' };
  if (isExpression(value)) return { kind: 'unresolved' };
  const text = unescapeTemplate(value);
  let script: unknown;
  try {
    script = load(text, { schema: CORE_SCHEMA });
  } catch (error) {
    return { kind: 'unparseable', reason: (error as Error).message.split('\n')[0] };
  }
  if (script === null || typeof script !== 'object' || Array.isArray(script)) {
    return { kind: 'unparseable', reason: 'the script is not a mapping' };
  }
  if (hasMergeKey(script)) {
    return { kind: 'unparseable', reason: 'the script uses a "<<" merge key, which YAML 1.1 parsers expand and the checks do not: write the merged keys out' };
  }
  return { kind: 'parsed', script: script as Record<string, unknown>, text };
}

/** Whether `value` (parsed YAML) has a mapping with a `<<` key at any depth. */
function hasMergeKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasMergeKey);
  if (value === null || typeof value !== 'object') return false;
  return Object.prototype.hasOwnProperty.call(value, '<<') || Object.values(value).some(hasMergeKey);
}

/** Whether a YAML scalar reads as boolean true (`true`, or the string "true" in any case). */
export function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}
