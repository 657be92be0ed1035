/**
 * Evaluates a RAM role trust policy for an AssumeRoleWithOIDC request: does some statement allow
 * `sts:AssumeRole` to the federated principal (the OIDC provider's ARN) under its conditions on
 * `oidc:iss`, `oidc:aud` and `oidc:sub`, and does no statement deny it?
 *
 * Documented: `Effect`, `Action`, `Principal.Federated`, `Condition` with `StringEquals` and
 * `StringLike` (`*` any run of characters, `?` one character) on the `oidc:` keys. Chosen here
 * and marked "assumption": an explicit Deny wins; a key the request does not carry fails every
 * positive operator; for the multi-valued `oidc:aud` a condition holds when any audience of the
 * token matches any value; operators other than StringEquals, StringNotEquals, StringLike and
 * StringNotLike make the statement not apply (fail closed) and are named in the reason.
 */

/** Values of the condition keys of one request (`oidc:iss`, `oidc:aud`, `oidc:sub`). */
export type ConditionContext = Readonly<Record<string, readonly string[]>>;

/** The outcome of {@link evaluateTrustPolicy}. */
export interface TrustDecision {
  /** Whether the role may be assumed. */
  readonly allowed: boolean;
  /** Why, naming the statement and the condition that decided. */
  readonly reason: string;
}

const SUPPORTED = ['StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike'];

/**
 * Decides whether `policy` lets `federatedPrincipal` assume the role with a token whose claims
 * give `context`.
 */
export function evaluateTrustPolicy(policy: unknown, federatedPrincipal: string, context: ConditionContext): TrustDecision {
  if (!policy || typeof policy !== 'object') return { allowed: false, reason: 'the trust policy is not a JSON object' };
  const statements = toArray((policy as Record<string, unknown>).Statement);
  const misses: string[] = [];
  let allowedBy: string | undefined;
  for (const [index, raw] of statements.entries()) {
    if (!raw || typeof raw !== 'object') continue;
    const statement = raw as Record<string, unknown>;
    const label = `statement ${index + 1}`;
    const effect = statement.Effect;
    if (!actionsMatch(statement.Action)) {
      misses.push(`${label}: Action does not include sts:AssumeRole`);
      continue;
    }
    const federated = toArray((statement.Principal as Record<string, unknown> | undefined)?.Federated).filter((p): p is string => typeof p === 'string');
    if (!federated.includes(federatedPrincipal)) {
      misses.push(`${label}: Principal.Federated ${JSON.stringify(federated)} does not name ${federatedPrincipal}`);
      continue;
    }
    const failed = failedCondition(statement.Condition, context);
    if (effect === 'Deny') {
      if (failed === undefined) return { allowed: false, reason: `${label} denies sts:AssumeRole to ${federatedPrincipal}` };
      continue;
    }
    if (effect !== 'Allow') continue;
    if (failed === undefined) allowedBy ??= label;
    else misses.push(`${label}: ${failed}`);
  }
  if (allowedBy) return { allowed: true, reason: `${allowedBy} allows sts:AssumeRole` };
  return { allowed: false, reason: misses.length > 0 ? misses.join('; ') : 'no statement allows sts:AssumeRole' };
}

function actionsMatch(action: unknown): boolean {
  return toArray(action).some((a) => typeof a === 'string' && ['sts:assumerole', 'sts:*', '*'].includes(a.toLowerCase()));
}

/** The first condition that does not hold, described; `undefined` when all hold. */
function failedCondition(condition: unknown, context: ConditionContext): string | undefined {
  if (condition === undefined) return undefined;
  if (!condition || typeof condition !== 'object') return 'Condition is not an object';
  for (const [operator, block] of Object.entries(condition as Record<string, unknown>)) {
    if (!SUPPORTED.includes(operator)) return `condition operator ${operator} is not emulated (the statement does not apply)`;
    if (!block || typeof block !== 'object') return `${operator} is not an object`;
    for (const [key, rawValues] of Object.entries(block as Record<string, unknown>)) {
      const wanted = toArray(rawValues).filter((v): v is string => typeof v === 'string');
      const actual = context[key] ?? [];
      const like = operator.includes('Like');
      const matches = actual.some((a) => wanted.some((w) => (like ? stringLike(w, a) : w === a)));
      const negated = operator.includes('Not');
      if (negated ? matches : !matches) {
        return `${key} ${JSON.stringify(actual.length === 1 ? actual[0] : actual)} does not satisfy ${operator} ${JSON.stringify(wanted)}`;
      }
    }
  }
  return undefined;
}

/** RAM's StringLike: `*` matches any run of characters, `?` exactly one; case-sensitive. */
export function stringLike(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(value);
}

function toArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
