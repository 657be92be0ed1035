/**
 * Canonical JSON (RFC 8785, the `canonicalize` library): keys sorted at every level, no
 * whitespace. One home for rendering values whose text must not depend on key order (APIG
 * `policy_config`) and for comparing facts regardless of key order (lookup changes).
 */
import canonicalize from 'canonicalize';

/**
 * RFC 8785 canonical JSON of a JSON value.
 * @throws Error when the value is not JSON (e.g. `undefined`, a function, `NaN`)
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('canonicalJson: the value is not JSON');
  return text;
}
