import { FindingCode } from './finding';

/** One attribute's entry in a `*.annotations.json` file. */
export interface AttributeAnnotation {
  readonly allowed_values?: readonly string[];
  readonly allowed_ignore_case?: boolean;
  readonly validate?: string;
  readonly go_type?: string;
  readonly mode?: string;
  readonly max_items?: number;
  readonly min_items?: number;
  readonly default?: string;
  /** Changing the attribute replaces the resource (the SDK's `ForceNew`). */
  readonly force_new?: boolean;
}

/** Why a known value breaks a rule. */
export interface RuleViolation {
  readonly code: FindingCode;
  readonly problem: string;
  readonly expected: string;
}

/**
 * A check of one known (non-expression) primitive value, derived from the provider's
 * `ValidateFunc` as recorded in the annotations. Strings arrive as strings, numbers as numbers,
 * after Terraform's type conversion.
 */
export type ValueRule = (value: string | number) => RuleViolation | undefined;

/**
 * Builds the rules for one attribute from its annotation.
 *
 * Understood: `allowed_values` (+ `allowed_ignore_case`, i.e. `StringInSlice`), `IntBetween`,
 * `IntAtLeast`, `IntAtMost`, `StringLenBetween`, `StringIsJSON`, `StringMatch` (when the Go regexp
 * is plain enough to mean the same in JavaScript) and OCI's `ValidateInt64TypeString`.
 * Any other validator is ignored: it cannot be evaluated offline without guessing.
 *
 * @param annotation the attribute's annotation, if any
 * @param primitive the attribute's cty type; rules only apply to `string` and `number` attributes
 */
export function compileValueRules(annotation: AttributeAnnotation | undefined, primitive: 'string' | 'number'): ValueRule[] {
  if (!annotation) return [];
  const rules: ValueRule[] = [];
  if (primitive === 'string' && annotation.allowed_values && annotation.allowed_values.length > 0) {
    rules.push(allowedValuesRule(annotation.allowed_values, annotation.allowed_ignore_case === true));
  }
  const validate = annotation.validate?.trim().replace(/^validation\./, '');
  if (!validate) return rules;
  const rule = primitive === 'number' ? numberValidator(validate) : stringValidator(validate);
  if (rule) rules.push(rule);
  return rules;
}

function allowedValuesRule(allowed: readonly string[], ignoreCase: boolean): ValueRule {
  const set = new Set(ignoreCase ? allowed.map((v) => v.toLowerCase()) : allowed);
  const expected = `one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}${ignoreCase ? ' (case-insensitive)' : ''}`;
  return (value) => {
    const text = String(value);
    return set.has(ignoreCase ? text.toLowerCase() : text)
      ? undefined
      : { code: FindingCode.VALUE_NOT_ALLOWED, problem: 'value is not allowed', expected };
  };
}

const INT = '([+-]?\\d+)';
const INT_BETWEEN = new RegExp(`^IntBetween\\(\\s*${INT}\\s*,\\s*${INT}\\s*\\)$`);
const INT_AT_LEAST = new RegExp(`^IntAtLeast\\(\\s*${INT}\\s*\\)$`);
const INT_AT_MOST = new RegExp(`^IntAtMost\\(\\s*${INT}\\s*\\)$`);
const STRING_LEN_BETWEEN = new RegExp(`^StringLenBetween\\(\\s*${INT}\\s*,\\s*${INT}\\s*\\)$`);
const STRING_MATCH = /^StringMatch\(regexp\.MustCompile\(("(?:[^"\\]|\\.)*")\)\s*,\s*("(?:[^"\\]|\\.)*")\s*\)$/;
// RE2 syntax with no (or a different) meaning in JavaScript: flags, POSIX classes, \A \z, \Q..\E, Unicode classes.
const RE2_ONLY = /\(\?|\[\[:|\\[AzQEpPCx]/;

function numberValidator(validate: string): ValueRule | undefined {
  let m = INT_BETWEEN.exec(validate);
  if (m) return intRange(Number(m[1]), Number(m[2]));
  m = INT_AT_LEAST.exec(validate);
  if (m) return intRange(Number(m[1]), Infinity);
  m = INT_AT_MOST.exec(validate);
  if (m) return intRange(-Infinity, Number(m[1]));
  return undefined;
}

function intRange(min: number, max: number): ValueRule {
  const expected = max === Infinity ? `a number >= ${min}` : min === -Infinity ? `a number <= ${max}` : `a number between ${min} and ${max}`;
  return (value) =>
    typeof value === 'number' && (value < min || value > max)
      ? { code: FindingCode.VALUE_OUT_OF_RANGE, problem: 'is out of range', expected }
      : undefined;
}

function stringValidator(validate: string): ValueRule | undefined {
  const len = STRING_LEN_BETWEEN.exec(validate);
  if (len) {
    const min = Number(len[1]);
    const max = Number(len[2]);
    const expected = `a string of ${min} to ${max} bytes`;
    // Go's len() counts UTF-8 bytes, not characters.
    return (value) => {
      const bytes = Buffer.byteLength(String(value), 'utf8');
      return bytes < min || bytes > max ? { code: FindingCode.VALUE_OUT_OF_RANGE, problem: 'has a length out of range', expected } : undefined;
    };
  }
  if (validate === 'StringIsJSON') {
    return (value) => {
      const text = String(value);
      if (text === '') return undefined; // the SDK normalizes "" to "" without error
      try {
        JSON.parse(text);
        return undefined;
      } catch {
        return { code: FindingCode.VALUE_INVALID, problem: 'is not valid JSON', expected: 'a JSON document' };
      }
    };
  }
  if (validate === 'tfresource.ValidateInt64TypeString') {
    const min = -(2n ** 63n);
    const max = 2n ** 63n - 1n;
    return (value) => {
      const text = String(value);
      const ok = /^[+-]?\d+$/.test(text) && BigInt(text) >= min && BigInt(text) <= max;
      return ok ? undefined : { code: FindingCode.VALUE_INVALID, problem: 'is not a 64-bit integer string', expected: 'a string holding a 64-bit integer, e.g. "1"' };
    };
  }
  const match = STRING_MATCH.exec(validate);
  if (match) return regexpRule(match[1], match[2]);
  return undefined;
}

function regexpRule(patternLiteral: string, messageLiteral: string): ValueRule | undefined {
  let pattern: string;
  let message: string;
  let regexp: RegExp;
  try {
    // Go and JSON string literals share the escapes these annotations use (\" \\ \uXXXX).
    pattern = JSON.parse(patternLiteral) as string;
    message = JSON.parse(messageLiteral) as string;
    if (RE2_ONLY.test(pattern)) return undefined;
    regexp = new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
  const expected = `a string matching /${pattern}/${message ? ` (${message})` : ''}`;
  return (value) =>
    regexp.test(String(value)) ? undefined : { code: FindingCode.VALUE_INVALID, problem: 'does not match the required pattern', expected };
}
