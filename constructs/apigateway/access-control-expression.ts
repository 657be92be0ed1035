/**
 * Typed parameters and conditional expressions of API Gateway plugins (parametric access
 * control), with a renderer that quotes every literal safely. The local gateway emulator
 * evaluates this subset (`emulator/condition.ts`); the library only builds it.
 *
 * Grammar rendered:
 * ```
 * expr       := term ('or' term)*
 * term       := factor ('and' factor)*
 * factor     := '(' expr ')' | comparison
 * comparison := operand ('=' | 'like') operand
 * operand    := '$' name | "'" characters-without-quote "'"
 * ```
 * `=`, `like` with `%` wildcards, `and`, single-quoted strings and `$name` references are the
 * constructs the gateway documentation uses in its examples; `or` and parentheses are assumed
 * (the full grammar is not published). The M2M rules of this library only use flat
 * disjunctions (`a or b or c`), never mixed with `and`, so they do not depend on precedence.
 *
 * @see https://www.alibabacloud.com/help/en/api-gateway/traditional-api-gateway/user-guide/use-parameters-and-conditional-expressions
 */

/** Parameter variable names accepted by the gateway: `[a-zA-Z_][a-zA-Z0-9]+` (documented). */
const VARIABLE_NAME = /^[a-zA-Z_][a-zA-Z0-9]+$/;
/**
 * Characters never accepted inside a literal: they could end the string, start an escape or an
 * interpolation (the gateway documents no escape syntax, so they are refused, not escaped).
 */
const UNSAFE_LITERAL = /['"\\`${}]|[\u0000-\u001f\u007f\u2028\u2029]/;
/** LIKE wildcards: taken literally by `=`, interpreted inside a `like` pattern. */
const LIKE_WILDCARDS = /[%_]/;
const UNSAFE_MESSAGE = 'must not contain quotes, backslashes, "$", braces or control characters (the gateway documents no escape syntax)';
/** Characters that may follow the location part of a parameter (`Token:client_id`, `Header:X-Ca-Key`). */
const LOCATION_NAME = /^[A-Za-z0-9_.:-]+$/;

/** Error raised by the expression builder; constructs turn it into an `invalidProp` error. */
export class ExpressionError extends Error {}

/**
 * A named value a plugin reads from the request or its context, declared in the script's
 * `parameters` map as `name: "Location:key"`.
 */
export class AccessParameter {
  /** A claim of the JWT verified by the JWT authentication plugin (`Token:<claim>`). */
  public static tokenClaim(name: string, claim: string): AccessParameter {
    return new AccessParameter(name, 'Token', claim);
  }
  /** The first value of a query parameter (`Query:<param>`). */
  public static query(name: string, param: string): AccessParameter {
    return new AccessParameter(name, 'Query', param);
  }
  /** The first value of a request header (`Header:<header>`). */
  public static header(name: string, header: string): AccessParameter {
    return new AccessParameter(name, 'Header', header);
  }
  /** A system parameter such as `CaAppId` (`System:<name>`). */
  public static system(name: string, systemParameter: string): AccessParameter {
    return new AccessParameter(name, 'System', systemParameter);
  }
  /** The HTTP method, upper case (`Method`). */
  public static method(name: string): AccessParameter {
    return new AccessParameter(name, 'Method');
  }
  /** The full request path (`Path`). */
  public static requestPath(name: string): AccessParameter {
    return new AccessParameter(name, 'Path');
  }
  /** A location not listed here, e.g. `custom('ip', 'XFF', '0')` for `XFF:0`. */
  public static custom(name: string, location: string, key?: string): AccessParameter {
    return new AccessParameter(name, location, key);
  }

  /** The value written in the `parameters` map, e.g. `Token:client_id`. */
  public readonly location: string;

  private constructor(
    /** Variable name used as `$name` in conditions and `${name}` in messages. */
    public readonly name: string,
    locationKind: string,
    key?: string,
  ) {
    if (typeof name !== 'string' || !VARIABLE_NAME.test(name)) {
      throw new ExpressionError(`parameter name ${JSON.stringify(name)} must match [a-zA-Z_][a-zA-Z0-9]+ (no "_" after the first character)`);
    }
    if (typeof locationKind !== 'string' || !/^[A-Za-z]+$/.test(locationKind) || (key !== undefined && (typeof key !== 'string' || !LOCATION_NAME.test(key)))) {
      throw new ExpressionError(`parameter location ${JSON.stringify(key === undefined ? locationKind : `${locationKind}:${key}`)} must be "Location" or "Location:name" with letters, digits, "_", ".", ":" or "-"`);
    }
    this.location = key === undefined ? locationKind : `${locationKind}:${key}`;
  }
}


/**
 * A conditional expression built from typed parts. Every literal is single-quoted and checked
 * so that it cannot end the string, start an interpolation or act as a wildcard.
 */
export abstract class Condition {
  /** `$param = 'value'` (exact, case-sensitive). */
  public static equals(parameter: AccessParameter, value: string): Condition {
    return new Comparison(parameter, '=', literal(value, false));
  }
  /** `$a = $b`: two parameters are equal (e.g. a claim and a path parameter). */
  public static sameAs(parameter: AccessParameter, other: AccessParameter): Condition {
    return new Comparison(parameter, '=', { kind: 'param', parameter: other });
  }
  /** `$param like 'prefix%'`. */
  public static startsWith(parameter: AccessParameter, prefix: string): Condition {
    return new Comparison(parameter, 'like', literal(`${checkLike(prefix)}%`, true));
  }
  /** `$param like '%suffix'`. */
  public static endsWith(parameter: AccessParameter, suffix: string): Condition {
    return new Comparison(parameter, 'like', literal(`%${checkLike(suffix)}`, true));
  }
  /**
   * `$param like '%text%'`: substring match. Never use it for scopes (`APIGW-ACL1`); use
   * {@link Condition.hasScope}.
   */
  public static contains(parameter: AccessParameter, text: string): Condition {
    return new Comparison(parameter, 'like', literal(`%${checkLike(text)}%`, true));
  }
  /** `$param = 'a' or $param = 'b' ...`: one of a fixed set of values. */
  public static oneOf(parameter: AccessParameter, values: readonly string[]): Condition {
    if (values.length === 0) throw new ExpressionError('oneOf needs at least one value');
    return Condition.anyOf(...values.map((v) => Condition.equals(parameter, v)));
  }
  /**
   * Whether the claim held in `parameter` contains `scope` as a WHOLE scope token, never as a
   * substring (`user:read:one` does not admit `user:read:one-admin`).
   *
   * Matches the forms the claim can take once the gateway renders it as a string:
   * - a space-delimited string (RFC 8693 / RFC 9068 `scope`): `S`, `S …`, `… S`, `… S …`;
   * - a JSON array (assumption: the gateway serialises a non-string claim as JSON text):
   *   `…"S"…` — safe because a scope token cannot contain `"` (RFC 6749 §3.3).
   *
   * Any other rendering (e.g. comma-joined) is denied: the check fails closed.
   * Scope names with `%` or `_` are refused ({@link ExpressionError}): they would be wildcards
   * in the `like` patterns, and the gateway documents no escape.
   */
  public static hasScope(parameter: AccessParameter, scope: string): Condition {
    const s = checkLike(scope);
    if (/\s/.test(s) || s.length === 0) throw new ExpressionError(`scope ${JSON.stringify(scope)} must be a single non-empty token`);
    return Condition.anyOf(
      new Comparison(parameter, '=', literal(s, false)),
      new Comparison(parameter, 'like', literal(`${s} %`, true)),
      new Comparison(parameter, 'like', literal(`% ${s}`, true)),
      new Comparison(parameter, 'like', literal(`% ${s} %`, true)),
      new Comparison(parameter, 'like', { kind: 'literal', text: `%"${s}"%` }),
    );
  }
  /**
   * Whether a claim equals `value` or, when it is an array rendered as JSON text (assumption, see
   * {@link Condition.hasScope}), holds `value` as a member: `$p = 'v' or $p like '%"v"%'`.
   * Used for `aud`, which RFC 7519 allows to be a string or an array. A value containing `%` or
   * `_` is compared with `=` only (those are LIKE wildcards), so an array claim is then denied.
   */
  public static hasValue(parameter: AccessParameter, value: string): Condition {
    const exact = Condition.equals(parameter, value);
    if (value.length === 0) throw new ExpressionError('value "" must be a non-empty string');
    // A value with a LIKE wildcard is only compared exactly: an array claim is then denied (fails closed).
    if (LIKE_WILDCARDS.test(value)) return exact;
    return Condition.anyOf(exact, new Comparison(parameter, 'like', { kind: 'literal', text: `%"${checkLike(value)}"%` }));
  }
  /**
   * `$param like '%'`: true whenever the parameter has a value. Used with both actions DENY as
   * the unconditional last rule of a rule set (on a parameter every request has, e.g.
   * {@link AccessParameter.method}), so the outcome does not depend on the condition at all.
   */
  public static isPresent(parameter: AccessParameter): Condition {
    return new Comparison(parameter, 'like', { kind: 'literal', text: '%' });
  }
  /** `a or b or …`. */
  public static anyOf(...conditions: Condition[]): Condition {
    if (conditions.length === 0) throw new ExpressionError('anyOf needs at least one condition');
    return conditions.length === 1 ? conditions[0] : new Junction('or', conditions);
  }
  /** `a and b and …` (disjunctions inside are parenthesised). */
  public static allOf(...conditions: Condition[]): Condition {
    if (conditions.length === 0) throw new ExpressionError('allOf needs at least one condition');
    return conditions.length === 1 ? conditions[0] : new Junction('and', conditions);
  }

  /** The expression text, e.g. `$clientId = 'app_x'`. */
  public abstract render(): string;
  /** The parameters the expression references. */
  public abstract parameters(): AccessParameter[];
}

type Operand = { kind: 'literal'; text: string } | { kind: 'param'; parameter: AccessParameter };

class Comparison extends Condition {
  public constructor(private readonly left: AccessParameter, private readonly op: '=' | 'like', private readonly right: Operand) {
    super();
  }
  public render(): string {
    const right = this.right.kind === 'param' ? `$${this.right.parameter.name}` : `'${this.right.text}'`;
    return `$${this.left.name} ${this.op} ${right}`;
  }
  public parameters(): AccessParameter[] {
    return this.right.kind === 'param' ? [this.left, this.right.parameter] : [this.left];
  }
}

class Junction extends Condition {
  public constructor(private readonly op: 'and' | 'or', private readonly parts: Condition[]) {
    super();
  }
  public render(): string {
    return this.parts.map((p) => (p instanceof Junction && p.op !== this.op ? `(${p.render()})` : p.render())).join(` ${this.op} `);
  }
  public parameters(): AccessParameter[] {
    return this.parts.flatMap((p) => p.parameters());
  }
}

/**
 * A quoted literal. `=` compares it as-is, so `%` and `_` are allowed there; a `like` pattern
 * gets its wildcards only from the builder (leading/trailing `%`), never from the value.
 */
function literal(text: string, like: boolean): Operand {
  if (typeof text !== 'string') throw new ExpressionError(`value ${JSON.stringify(text)} must be a string`);
  const body = like ? text.replace(/^%|%$/g, '') : text;
  if (UNSAFE_LITERAL.test(body)) throw new ExpressionError(`value ${JSON.stringify(text)} ${UNSAFE_MESSAGE}`);
  return { kind: 'literal', text };
}

/** A value that goes into a `like` pattern: besides {@link UNSAFE_LITERAL}, no `%` or `_` wildcards. */
function checkLike(text: string): string {
  if (typeof text !== 'string' || text.length === 0) throw new ExpressionError(`value ${JSON.stringify(text)} must be a non-empty string`);
  if (UNSAFE_LITERAL.test(text)) throw new ExpressionError(`value ${JSON.stringify(text)} ${UNSAFE_MESSAGE}`);
  if (LIKE_WILDCARDS.test(text)) {
    throw new ExpressionError(`value ${JSON.stringify(text)} must not contain "%" or "_" here: it is matched with a like pattern, where they are wildcards, and the gateway documents no way to escape them`);
  }
  return text;
}
