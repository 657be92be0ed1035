import type { IConstruct } from 'constructs';

/**
 * Stable codes of {@link ConstructError}: match on these, not on message text (like the lookups'
 * `LOOKUP_*` codes and the config's field paths).
 */
export enum ConstructErrorCode {
  /** A prop (or an attribute of an imported resource) has a value the construct refuses. */
  INVALID_PROP = 'CONSTRUCT_INVALID_PROP',
  /** Construction needs synth-time lookups, but no lock is attached to the app. */
  LOOKUPS_NOT_ATTACHED = 'CONSTRUCT_LOOKUPS_NOT_ATTACHED',
  /** The lock attached to the app has no entry for an issuer the construct needs. */
  ISSUER_NOT_RECORDED = 'CONSTRUCT_ISSUER_NOT_RECORDED',
}

/**
 * The error every construct of the library throws when it refuses its input. The message names
 * where (construct path), which prop, what is wrong, what it got and how to fix it.
 */
export class ConstructError extends Error {
  /** Stable code, see {@link ConstructErrorCode}. */
  public readonly code: ConstructErrorCode;
  /** Path of the construct that refused its input. */
  public readonly constructPath: string;
  /** The prop at fault, e.g. `fingerprints[1]`. */
  public readonly prop: string;

  public constructor(code: ConstructErrorCode, scope: IConstruct, prop: string, message: string) {
    super(message);
    this.name = 'ConstructError';
    this.code = code;
    this.constructPath = scope.node.path;
    this.prop = prop;
  }
}

/**
 * Builds the one error shape used across the library:
 * where (construct path) · which prop · what is wrong · what we got · how to fix.
 *
 * @example
 * throw invalidProp(this, 'fingerprints[1]', 'must be a 40-character hex SHA-1 fingerprint', fp,
 *   'Copy the SHA-1 fingerprint of the issuer HTTPS certificate.');
 */
export function invalidProp(scope: IConstruct, prop: string, problem: string, got: unknown, fix?: string, code = ConstructErrorCode.INVALID_PROP): ConstructError {
  const hint = fix ? ` ${fix}` : '';
  return new ConstructError(code, scope, prop, `[${scope.node.path}] '${prop}' ${problem}, got ${describeValue(got)}.${hint}`);
}

/** Renders a value for an error message without dumping huge objects. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
