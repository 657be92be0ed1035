import type { IConstruct } from 'constructs';

/**
 * Builds the one error shape used across the library:
 * where (construct path) · which prop · what is wrong · what we got · how to fix.
 *
 * @example
 * throw invalidProp(this, 'fingerprints[1]', 'must be a 40-character hex SHA-1 fingerprint', fp,
 *   'Copy the SHA-1 fingerprint of the issuer HTTPS certificate.');
 */
export function invalidProp(scope: IConstruct, prop: string, problem: string, got: unknown, fix?: string): Error {
  const hint = fix ? ` ${fix}` : '';
  return new Error(`[${scope.node.path}] '${prop}' ${problem}, got ${describeValue(got)}.${hint}`);
}

/** Renders a value for an error message without dumping huge objects. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
