/**
 * Whether a value holds anything cdktf's resolve would treat as a token.
 *
 * cdktf resolves a value by walking it. For a value that holds no token, the walk has no effect
 * besides copying the value. For any token, the walk calls the token's `resolve()`, which may register
 * things: a cross-stack output, a remote-state data source. {@link holdsNoTokens} finds the values
 * for which such a walk is a plain copy. It tests what `resolve` in cdktf 0.21
 * (`tokens/private/resolve.ts`, `encoding.ts`) tests, and errs towards "may hold a token":
 * anything it does not recognise as plain JSON data counts as a token.
 */

/** Every token marker cdktf encodes into a string (`${TfToken[`, `#{TfToken[`, `&{TfToken[`) contains this. */
const TOKEN_MARKER = 'TfToken[';

/**
 * What cdktf's number-token pattern (`[-|\d|.\+]+(e[-|\d|.|e|E|\+]+)`) needs to match somewhere:
 * a digit or sign, `e`, then a digit or sign. A string matching it might be a stringified number
 * token ("-1.8881545897087626e+289"), which cdktf looks up and resolves.
 */
const NUMBER_TOKEN_SHAPE = /[-|\d.+]e[-|\d.eE+]/;

/** The sentinel values cdktf uses for map tokens (`Token.STRING_MAP_TOKEN_VALUE` and friends). */
const MAP_TOKEN_STRINGS: ReadonlySet<string> = new Set(['String Map Token Value', 'Any Map Token Value']);
const NUMBER_MAP_TOKEN_VALUE = -123456789;

/** The top 16 bits of a number token and of a number-list token (cdktf's `createTokenDouble`). */
const NUMBER_TOKEN_TAG = 0xfdff;
const NUMBER_LIST_TOKEN_TAG = 0xfbff;
const DOUBLE = new Float64Array(1);
const DOUBLE_WORDS = new Uint32Array(DOUBLE.buffer);
/** Which of the two 32-bit words of a double holds its sign and exponent on this machine. */
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

function isTokenNumber(value: number): boolean {
  if (value === NUMBER_MAP_TOKEN_VALUE) return true;
  DOUBLE[0] = value;
  const tag = DOUBLE_WORDS[HIGH_WORD] >>> 16;
  return tag === NUMBER_TOKEN_TAG || tag === NUMBER_LIST_TOKEN_TAG;
}

function isTokenFreeString(value: string): boolean {
  return !value.includes(TOKEN_MARKER) && !MAP_TOKEN_STRINGS.has(value) && !NUMBER_TOKEN_SHAPE.test(value);
}

/** What {@link tokenFreeCopy} returns for a value that may hold a token. */
export const MAY_HOLD_TOKENS: unique symbol = Symbol('may hold tokens');

/**
 * True when `value` is plain JSON data without tokens: strings without token markers or number-token
 * shapes, ordinary numbers, booleans, `null`, arrays of those and plain objects (with such keys) of
 * those or `undefined`, at any depth. Anything else counts as possibly holding a token, so the
 * answer is `false`: class instances (every `IResolvable`, `Lazy`, `Date`), functions, symbols and
 * bigints. Cyclic or very deep values also give `false`: cdktf itself refuses them.
 */
export function holdsNoTokens(value: unknown): boolean {
  return tokenFreeCopy(value) !== MAY_HOLD_TOKENS;
}

/**
 * In one walk, what cdktf's resolve makes of `value` when it {@link holdsNoTokens}: `value` without
 * its `undefined` object members, at any depth (a changed object is copied as a plain object,
 * a changed list as a list; unchanged parts are `value`'s own). {@link MAY_HOLD_TOKENS} when
 * `value` may hold a token.
 */
export function tokenFreeCopy<T>(value: T, depth = 0): T | typeof MAY_HOLD_TOKENS {
  switch (typeof value) {
    case 'string':
      return isTokenFreeString(value) ? value : MAY_HOLD_TOKENS;
    case 'number':
      return isTokenNumber(value) ? MAY_HOLD_TOKENS : value;
    case 'boolean':
    case 'undefined':
      return value;
    case 'object':
      break;
    default:
      return MAY_HOLD_TOKENS;
  }
  if (value === null) return value;
  // cdktf refuses to resolve deeper than 200 levels; a value that deep takes cdktf's own path.
  if (depth > 100) return MAY_HOLD_TOKENS;
  if (Array.isArray(value)) {
    let list: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      // cdktf drops undefined items from a list; such a list takes cdktf's own path.
      if (item === undefined) return MAY_HOLD_TOKENS;
      const checked = tokenFreeCopy(item, depth + 1);
      if (checked === MAY_HOLD_TOKENS) return MAY_HOLD_TOKENS;
      if (checked !== item) (list ??= value.slice())[i] = checked;
    }
    return (list ?? value) as T;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return MAY_HOLD_TOKENS;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let copy: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (!isTokenFreeString(key)) return MAY_HOLD_TOKENS;
    const member = record[key];
    if (member === undefined) {
      copy ??= membersBefore(record, keys, i);
      continue;
    }
    const checked = tokenFreeCopy(member, depth + 1);
    if (checked === MAY_HOLD_TOKENS) return MAY_HOLD_TOKENS;
    if (checked !== member) copy ??= membersBefore(record, keys, i);
    if (copy !== undefined) copy[key] = checked;
  }
  return (copy ?? value) as T;
}

/** A plain object with the members of `record` under `keys[0..end)`, all kept as they are. */
function membersBefore(record: Record<string, unknown>, keys: readonly string[], end: number): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (let i = 0; i < end; i++) copy[keys[i]] = record[keys[i]];
  return copy;
}
