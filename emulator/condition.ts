/**
 * Evaluation of API Gateway parametric access-control conditions, for the emulator: exactly the
 * subset the library renders (`=`, `like` with `%`/`_` wildcards, `and`, `or`, parentheses,
 * single-quoted strings, `$name` references). `=`, `like`, `and`, quoting and `$name` are what
 * the gateway documentation's examples use; `or`, parentheses and `and` binding tighter than `or`
 * are assumptions (the full grammar is not published).
 *
 * @see https://www.alibabacloud.com/help/en/api-gateway/traditional-api-gateway/user-guide/use-parameters-and-conditional-expressions
 */

/** A condition outside the evaluated subset. */
export class ConditionSyntaxError extends Error {}

/** Values of the condition's parameters; a missing name is an absent parameter. */
export type ParameterValues = Readonly<Record<string, string | undefined>>;

type Tok = { t: 'param'; v: string } | { t: 'str'; v: string } | { t: 'op'; v: '=' | 'like' | 'and' | 'or' | '(' | ')' };

function tokenize(expression: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < expression.length) {
    const c = expression[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '(' || c === ')' || c === '=') { out.push({ t: 'op', v: c }); i++; continue; }
    if (c === '$') {
      const m = /^\$([a-zA-Z_][a-zA-Z0-9_]*)/.exec(expression.slice(i));
      if (!m) throw new ConditionSyntaxError(`bad parameter reference at ${i} in ${JSON.stringify(expression)}`);
      out.push({ t: 'param', v: m[1] });
      i += m[0].length;
      continue;
    }
    if (c === "'") {
      const end = expression.indexOf("'", i + 1);
      if (end < 0) throw new ConditionSyntaxError(`unterminated string at ${i} in ${JSON.stringify(expression)}`);
      out.push({ t: 'str', v: expression.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    const word = /^[A-Za-z]+/.exec(expression.slice(i));
    if (word && ['like', 'and', 'or'].includes(word[0].toLowerCase())) {
      out.push({ t: 'op', v: word[0].toLowerCase() as 'like' | 'and' | 'or' });
      i += word[0].length;
      continue;
    }
    throw new ConditionSyntaxError(`unsupported syntax at ${i} in ${JSON.stringify(expression)}`);
  }
  return out;
}

/**
 * SQL-style LIKE, case-sensitive: `%` matches any sequence, `_` any single character (the
 * conservative, widest reading of the gateway's unpublished semantics).
 */
export function likeMatches(value: string, pattern: string): boolean {
  const regex = pattern.split('').map((ch) => (ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${regex}$`, 's').test(value);
}

/**
 * Evaluates an expression of the subset the library renders (`Condition` of `constructs/apigateway`) against parameter values.
 * A comparison involving an absent parameter is false (the request fails closed).
 * @throws ConditionSyntaxError for syntax outside the subset
 */
export function evaluateCondition(expression: string, values: ParameterValues): boolean {
  const toks = tokenize(expression);
  let pos = 0;
  const peek = (): Tok | undefined => toks[pos];
  const isOp = (v: string): boolean => { const t = peek(); return t !== undefined && t.t === 'op' && t.v === v; };
  const operand = (): string | undefined => {
    const t = toks[pos++];
    if (!t) throw new ConditionSyntaxError(`unexpected end of ${JSON.stringify(expression)}`);
    if (t.t === 'str') return t.v;
    if (t.t === 'param') return values[t.v];
    throw new ConditionSyntaxError(`expected a value, got ${JSON.stringify(t.v)} in ${JSON.stringify(expression)}`);
  };
  const factor = (): boolean => {
    if (isOp('(')) {
      pos++;
      const v = expr();
      if (!isOp(')')) throw new ConditionSyntaxError(`missing ")" in ${JSON.stringify(expression)}`);
      pos++;
      return v;
    }
    const left = operand();
    const op = toks[pos++];
    if (!op || op.t !== 'op' || (op.v !== '=' && op.v !== 'like')) throw new ConditionSyntaxError(`expected "=" or "like" in ${JSON.stringify(expression)}`);
    const right = operand();
    if (left === undefined || right === undefined) return false;
    return op.v === '=' ? left === right : likeMatches(left, right);
  };
  const term = (): boolean => {
    let v = factor();
    while (isOp('and')) { pos++; const r = factor(); v = v && r; }
    return v;
  };
  const expr = (): boolean => {
    let v = term();
    while (isOp('or')) { pos++; const r = term(); v = v || r; }
    return v;
  };
  const result = expr();
  if (pos !== toks.length) throw new ConditionSyntaxError(`unexpected trailing input in ${JSON.stringify(expression)}`);
  return result;
}
