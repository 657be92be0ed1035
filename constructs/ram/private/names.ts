import { Token } from 'cdktf';
import type { IConstruct } from 'constructs';
import { invalidProp } from '../../private/errors';

/** Naming rules of one kind of RAM entity. */
export interface NameRule {
  /** What the name names, for messages (`RAM role name`). */
  readonly what: string;
  /** Longest allowed name. */
  readonly maxLength: number;
  /** Whole-name pattern. */
  readonly pattern: RegExp;
  /** Characters allowed anywhere, as a character class body, used to build generated names. */
  readonly allowedChars: string;
  /** Human description of the allowed characters for the fix hint. */
  readonly describe: string;
}

/**
 * RAM role names: 1–64 characters, letters, digits, periods and hyphens.
 * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createrole
 */
export const ROLE_NAME: NameRule = {
  what: 'RAM role name',
  maxLength: 64,
  pattern: /^[A-Za-z0-9.-]{1,64}$/,
  allowedChars: 'A-Za-z0-9.-',
  describe: '1 to 64 characters: letters, digits, periods (.) and hyphens (-)',
};

/**
 * OIDC provider names: up to 128 characters, letters, digits, `.`, `-`, `_`, not starting or
 * ending with a special character.
 * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createoidcprovider
 */
export const OIDC_PROVIDER_NAME: NameRule = {
  what: 'OIDC provider name',
  maxLength: 128,
  pattern: /^(?=.{1,128}$)[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/,
  allowedChars: 'A-Za-z0-9._-',
  describe: 'up to 128 characters: letters, digits, periods (.), hyphens (-) and underscores (_), starting and ending with a letter or digit',
};

/**
 * RAM policy names (custom and system): 1–128 characters, letters, digits and hyphens.
 * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createpolicy
 */
export const POLICY_NAME: NameRule = {
  what: 'RAM policy name',
  maxLength: 128,
  pattern: /^[A-Za-z0-9-]{1,128}$/,
  allowedChars: 'A-Za-z0-9-',
  describe: '1 to 128 characters: letters, digits and hyphens (-)',
};

/** Throws a clear error when a literal name breaks `rule`. Tokens pass. */
export function validateName(scope: IConstruct, prop: string, value: string, rule: NameRule): void {
  if (Token.isUnresolved(value)) return;
  if (typeof value !== 'string' || !rule.pattern.test(value)) {
    throw invalidProp(scope, prop, `must be a valid ${rule.what} (${rule.describe})`, value,
      'Choose a name that follows the RAM naming rules, or omit it to get a generated one.');
  }
}

/**
 * A deterministic, account-unique-enough name for `scope`: its construct path with
 * disallowed characters replaced by `-`, cut to fit, plus 8 hex characters of the path's hash.
 * Stable as long as the construct path does not change (names are ForceNew).
 */
export function generatedName(scope: IConstruct, rule: NameRule): string {
  const suffix = scope.node.addr.slice(-8).toUpperCase();
  const disallowed = new RegExp(`[^${rule.allowedChars}]+`, 'g');
  const base = scope.node.scopes
    .map((s) => s.node.id)
    .filter((id) => id !== '')
    .join('-')
    .replace(disallowed, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '');
  const room = rule.maxLength - suffix.length - 1;
  const head = base.slice(0, room).replace(/[^A-Za-z0-9]+$/, '');
  return head ? `${head}-${suffix}` : suffix;
}
