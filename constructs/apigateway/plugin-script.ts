/**
 * Internal helpers shared by the API Gateway plugin constructs and the `APIGW-*` security rules:
 * deterministic YAML rendering of plugin scripts and the documented size limits. The Terraform
 * template escaping and parsing scripts back live in `core/plugin-data`.
 *
 * Not exported from the `apigateway` barrel: the rules import it by relative path.
 */
import { Document } from 'yaml';

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

/** UTF-8 size of a script as the gateway receives it. */
export function scriptBytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
