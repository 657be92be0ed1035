/**
 * An independent oracle for parametric access-control conditions: condition text, parameter
 * values and the decision, each written by hand from the gateway's documented semantics (not
 * computed by the project's evaluator):
 * - `$name` is the parameter's value; `'…'` a literal; `=` compares exactly (case-sensitive);
 * - `like` matches a pattern where `%` is any sequence and `_` one character (SQL LIKE);
 * - `and` / `or` combine (`and` binds tighter, an assumption; the library never mixes them
 *   without parentheses);
 * - a comparison with an absent parameter does not hold (fail closed).
 *
 * The library's constructs are tested by rendering exactly these condition texts; the emulator's
 * evaluator is tested against every row.
 * @see https://www.alibabacloud.com/help/en/api-gateway/traditional-api-gateway/user-guide/use-parameters-and-conditional-expressions
 */

/** One hand-decided case. */
export interface OracleCase {
  readonly values: Readonly<Record<string, string | undefined>>;
  readonly holds: boolean;
}

/** `Condition.hasScope($scope, 'user:read:one')`: the whole scope token, in a string or a JSON array claim. */
export const WHOLE_SCOPE = "$scope = 'user:read:one' or $scope like 'user:read:one %' or $scope like '% user:read:one' or $scope like '% user:read:one %' or $scope like '%\"user:read:one\"%'";
/** `Condition.hasValue($aud, 'https://eiam-test.aliyunidaas.com')`: a string claim or a member of an array claim. */
export const HAS_AUDIENCE = "$aud = 'https://eiam-test.aliyunidaas.com' or $aud like '%\"https://eiam-test.aliyunidaas.com\"%'";

/** Condition text → hand-decided cases. */
export const ORACLE: Readonly<Record<string, readonly OracleCase[]>> = {
  [WHOLE_SCOPE]: [
    { values: { scope: 'user:read:one' }, holds: true },
    { values: { scope: 'a user:read:one b' }, holds: true },
    { values: { scope: 'user:read:one b' }, holds: true },
    { values: { scope: 'a user:read:one' }, holds: true },
    { values: { scope: '["user:read:one"]' }, holds: true },
    { values: { scope: '["openid","user:read:one","profile"]' }, holds: true },
    // a scope that only contains the required one as a substring
    { values: { scope: 'user:read:one-admin' }, holds: false },
    { values: { scope: 'xuser:read:one' }, holds: false },
    { values: { scope: 'a user:read:one-admin b' }, holds: false },
    { values: { scope: '["user:read:one-admin"]' }, holds: false },
    { values: { scope: 'user:read:onex user:read' }, holds: false },
    // absent claim, empty claim, an array rendering that is not JSON
    { values: {}, holds: false },
    { values: { scope: '' }, holds: false },
    { values: { scope: 'user:read:one,profile' }, holds: false },
  ],
  // the seed's condition: a substring match that lets user:read:one-admin through
  ["$scope like '%user:read:one%'"]: [
    { values: { scope: 'user:read:one-admin' }, holds: true },
    { values: { scope: 'user:read:one' }, holds: true },
  ],
  [HAS_AUDIENCE]: [
    { values: { aud: 'https://eiam-test.aliyunidaas.com' }, holds: true },
    { values: { aud: '["x","https://eiam-test.aliyunidaas.com"]' }, holds: true },
    { values: { aud: 'https://eiam-test.aliyunidaas.com.evil' }, holds: false },
    { values: { aud: '["https://eiam-test.aliyunidaas.com.evil"]' }, holds: false },
  ],
  ["$clientId = 'app_a' or $clientId = 'app_b'"]: [
    { values: { clientId: 'app_b' }, holds: true },
    { values: { clientId: 'app_bb' }, holds: false },
  ],
  ["($clientId = 'a1' or $clientId = 'b1') and $scope = 'x1'"]: [
    { values: { clientId: 'b1', scope: 'x1' }, holds: true },
    { values: { clientId: 'b1', scope: 'x2' }, holds: false },
  ],
  ['$userId = $pathUserId']: [
    { values: { userId: 'u1', pathUserId: 'u1' }, holds: true },
    { values: { userId: 'u1' }, holds: false },
  ],
  // = takes % and _ literally
  ["$clientId = 'app_50%'"]: [
    { values: { clientId: 'appX50Y' }, holds: false },
    { values: { clientId: 'app_50%' }, holds: true },
  ],
  ["$method like '%'"]: [
    { values: { method: 'GET' }, holds: true },
    { values: {}, holds: false },
  ],
  // and binds tighter than or (assumed); parentheses override
  ["$a = '1' or $a = '2' and $b = '3'"]: [{ values: { a: '1', b: 'x' }, holds: true }],
  ["($a = '1' or $a = '2') and $b = '3'"]: [{ values: { a: '1', b: 'x' }, holds: false }],
  // like is case-sensitive; _ is one character; other characters are literal
  ["$v like 'a%'"]: [{ values: { v: 'abc' }, holds: true }, { values: { v: 'ABC' }, holds: false }],
  ["$v like 'a_c'"]: [{ values: { v: 'abc' }, holds: true }, { values: { v: 'ac' }, holds: false }],
  ["$v like 'a.c'"]: [{ values: { v: 'a.c' }, holds: true }, { values: { v: 'abc' }, holds: false }],
};

/**
 * The hand-decided outcome of `condition` for `values`.
 * @throws when the oracle has no such case (add it, decided by hand, rather than computing it)
 */
export function oracle(condition: string, values: OracleCase['values']): boolean {
  const cases = ORACLE[condition];
  if (!cases) throw new Error(`the condition oracle has no entry for ${condition}`);
  const key = JSON.stringify(Object.entries(values).sort());
  const found = cases.find((c) => JSON.stringify(Object.entries(c.values).sort()) === key);
  if (!found) throw new Error(`the condition oracle has no case ${key} for ${condition}`);
  return found.holds;
}
