/**
 * Internal helpers shared by the API Gateway plugin constructs and the `APIGW-*` security rules:
 * deterministic YAML rendering of plugin scripts, the Terraform template escaping they need,
 * parsing them back, and the documented size limits.
 *
 * Not exported from the `apigateway` barrel: the rules import it by relative path.
 */
import { Document, parse } from 'yaml';
import { isExpression } from '../../core/expressions';

/**
 * Tag written on plugins validated against the dedicated-instance limits, so that the
 * `APIGW-LIM1` rule (a pure function of the resource's config) knows which limits apply.
 */
export const INSTANCE_TYPE_TAG = 'm2m-guard:instance-type';

/** Limits that take effect per instance type (DESIGN §6; see `PluginLimits`). */
export const LIMITS = {
  /** Parameters / rules that take effect on a shared instance. */
  sharedEntries: 16,
  /** Parameters / rules that take effect on a dedicated instance. */
  dedicatedEntries: 160,
  /** Characters of one conditional expression. */
  expressionChars: 1024,
  /** Bytes of one plugin definition (the plugin's metadata). */
  scriptBytes: 50 * 1024,
} as const;

/**
 * Renders a plugin script as YAML: a `---` document marker, keys in the order the object was
 * built, no line folding (long JWK members stay on one line), so the output is byte-stable.
 */
export function renderYaml(script: unknown, doubleQuotedKeys: readonly string[] = []): string {
  const doc = new Document(script);
  if (doubleQuotedKeys.length > 0) {
    // Conditions read best in double quotes, as in the gateway documentation.
    const quote = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      const items = (node as { items?: unknown[] }).items;
      if (!Array.isArray(items)) return;
      for (const item of items) {
        const pair = item as { key?: { value?: unknown }; value?: { type?: string; value?: unknown } };
        if (pair && pair.key !== undefined && pair.value !== undefined) {
          if (doubleQuotedKeys.includes(String(pair.key?.value)) && typeof pair.value?.value === 'string') {
            pair.value.type = 'QUOTE_DOUBLE';
          } else {
            quote(pair.value);
          }
        } else {
          quote(item);
        }
      }
    };
    quote(doc.contents);
  }
  return doc.toString({ directives: true, lineWidth: 0, minContentWidth: 0 });
}

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
 * Parses `plugin_data` as written to `cdk.tf.json` (YAML or JSON; JSON is YAML).
 * A value that is not a string or still references other resources is `unresolved`.
 */
export function parsePluginData(value: unknown): ParsedScript {
  if (typeof value !== 'string') return { kind: 'unresolved' };
  if (isExpression(value)) return { kind: 'unresolved' };
  const text = unescapeTemplate(value);
  let script: unknown;
  try {
    script = parse(text, { prettyErrors: false, uniqueKeys: true });
  } catch (error) {
    return { kind: 'unparseable', reason: (error as Error).message.split('\n')[0] };
  }
  if (script === null || typeof script !== 'object' || Array.isArray(script)) {
    return { kind: 'unparseable', reason: 'the script is not a mapping' };
  }
  return { kind: 'parsed', script: script as Record<string, unknown>, text };
}

/** UTF-8 size of a script as the gateway receives it. */
export function scriptBytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Whether a YAML scalar reads as boolean true (`true`, or the string "true" in any case). */
export function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}
