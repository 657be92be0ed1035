/**
 * Who an `accessControl` script lets through, found by asking the gateway emulator's rule
 * evaluation ({@link decideAccessControl}) about probe tokens rather than by pattern-matching the
 * rendered conditions: whatever form a condition takes, the answer is what the rules decide.
 *
 * Candidate values come from the literals the conditions compare each `Token:` parameter with,
 * plus one value no condition names ("an unlisted client"). A scope requirement is found by
 * dropping one scope at a time from a token that is let through.
 */
import { ConditionSyntaxError, evaluateCondition } from '../../emulator';
import { type AccessControlConfig, EmulatorUnsupportedError, decideAccessControl } from '../../emulator';

/** A client allowed by an access-control script, with what its token must carry. */
export interface ProbedCaller {
  /** The client id, `*` for any client of the issuer, `anonymous` for a request without a token. */
  readonly client: string;
  /** Audiences accepted (`*` = any). Empty when the script does not read `aud`. */
  readonly audiences: readonly string[];
  /** Scopes the token must carry, every one of them. */
  readonly scopesAllOf: readonly string[];
  /** Scopes of which the token must carry at least one (in addition to {@link scopesAllOf}). */
  readonly scopesAnyOf: readonly string[];
  /** Other claims the rules check (e.g. `iss`), with the values accepted (`*` = any). */
  readonly claims?: Readonly<Record<string, readonly string[]>>;
}

/** Outcome of {@link probeAccessControl}. */
export type ProbeResult =
  | { readonly kind: 'evaluated'; readonly callers: readonly ProbedCaller[]; readonly notes: readonly string[] }
  | { readonly kind: 'unanalyzable'; readonly problem: string };

/** The request a probe is sent as. */
export interface ProbeRequest {
  /** Upper-case method. */
  readonly method: string;
  /** Request path. */
  readonly path: string;
  /** Whether a request without a token reaches the script (no jwtAuth, or `bypassEmptyToken`). */
  readonly tokenOptional: boolean;
}

/** Any client id / audience no condition names. */
const UNLISTED = '\u0000unlisted';
const CLIENT_CLAIMS = ['client_id', 'azp', 'cid', 'appid'];
const SCOPE_CLAIMS = ['scope', 'scp'];
const MAX_PROBES = 20_000;

/**
 * Probes `config` for the clients it lets through.
 * @returns `unanalyzable` with the reason when a condition is outside the evaluated subset
 */
export function probeAccessControl(config: AccessControlConfig, request: ProbeRequest): ProbeResult {
  try {
    return { kind: 'evaluated', ...probe(config, request) };
  } catch (error) {
    if (error instanceof EmulatorUnsupportedError) return { kind: 'unanalyzable', problem: error.message };
    throw error;
  }
}

function probe(config: AccessControlConfig, request: ProbeRequest): { callers: ProbedCaller[]; notes: string[] } {
  const notes: string[] = [];
  const claimOf = new Map<string, string>(); // parameter name → claim
  for (const [name, location] of Object.entries(config.parameters)) {
    const m = /^token:(.+)$/i.exec(location);
    if (m) claimOf.set(name, m[1]);
    else if (!/^(method|path)(:|$)/i.test(location)) notes.push(`condition input ${name} = ${location} is not a token claim; probes leave it absent`);
  }
  for (const rule of config.rules) {
    try {
      evaluateCondition(rule.condition, Object.fromEntries(Object.keys(config.parameters).map((name) => [name, ''])));
    } catch (error) {
      if (!(error instanceof ConditionSyntaxError)) throw error;
      // The emulator skips such a rule: the widest reading of what the gateway might do.
      notes.push(`rule ${rule.name} cannot be evaluated (${error.message}); read as skipped, the widest reading`);
    }
  }
  const literals = literalsByParameter(config);
  const claims = [...new Set(claimOf.values())];
  const clientClaim = CLIENT_CLAIMS.find((c) => claims.includes(c));
  const scopeClaims = claims.filter((c) => SCOPE_CLAIMS.includes(c));
  const valuesOfClaim = (claim: string): string[] => [...new Set([...claimOf].filter(([, c]) => c === claim).flatMap(([name]) => literals.get(name) ?? []))];

  const scopes = [...new Set(scopeClaims.flatMap(valuesOfClaim).flatMap(scopeTokens))].sort();
  const dimensions = claims.filter((c) => !scopeClaims.includes(c)).map((claim) => ({
    claim,
    values: [...new Set(valuesOfClaim(claim).map(sampleOf)), UNLISTED],
  }));

  const decide = (token: Record<string, unknown> | undefined): boolean =>
    decideAccessControl(config, { method: request.method, path: request.path, pathParameters: {}, query: {}, headers: {}, claims: token }).decision === 'ALLOW';

  const callers: ProbedCaller[] = [];
  if (request.tokenOptional && decide(undefined)) {
    callers.push({ client: 'anonymous', audiences: [], scopesAllOf: [], scopesAnyOf: [] });
  }

  // Every combination of the non-scope claims, with every scope: which are let through?
  let budget = MAX_PROBES;
  const allowed: Record<string, string>[] = [];
  const combine = (i: number, acc: Record<string, string>): void => {
    if (i === dimensions.length) {
      if (--budget < 0) throw new EmulatorUnsupportedError(`too many claim combinations to probe (over ${MAX_PROBES})`);
      if (decide(token(acc, scopes, scopeClaims))) allowed.push({ ...acc });
      return;
    }
    for (const value of dimensions[i].values) combine(i + 1, { ...acc, [dimensions[i].claim]: value });
  };
  combine(0, {});

  const byClient = new Map<string, Record<string, string>[]>();
  for (const combo of allowed) {
    const client = clientClaim === undefined ? UNLISTED : combo[clientClaim];
    byClient.set(client, [...(byClient.get(client) ?? []), combo]);
  }
  // A client no condition names is let through: every client of the issuer is.
  const clients = byClient.has(UNLISTED) ? [UNLISTED] : [...byClient.keys()].sort();
  for (const client of clients) {
    const combos = byClient.get(client) as Record<string, string>[];
    const audiences = [...new Set(combos.map((c) => c.aud).filter((a): a is string => a !== undefined))];
    const sample = combos[0];
    const scopesAllOf = scopes.filter((s) => !decide(token(sample, scopes.filter((x) => x !== s), scopeClaims)));
    let scopesAnyOf: string[] = [];
    if (!decide(token(sample, scopesAllOf, scopeClaims))) {
      scopesAnyOf = scopes.filter((s) => !scopesAllOf.includes(s) && decide(token(sample, [...scopesAllOf, s], scopeClaims)));
    }
    const claimsChecked: Record<string, string[]> = {};
    for (const { claim } of dimensions) {
      if (claim === clientClaim || claim === 'aud') continue;
      const accepted = [...new Set(combos.map((c) => c[claim]))];
      claimsChecked[claim] = accepted.includes(UNLISTED) ? ['*'] : accepted.sort();
    }
    callers.push({
      client: client === UNLISTED ? '*' : client,
      audiences: audiences.includes(UNLISTED) ? ['*'] : audiences.sort(),
      scopesAllOf,
      scopesAnyOf,
      ...(Object.keys(claimsChecked).length > 0 ? { claims: claimsChecked } : {}),
    });
  }
  return { callers, notes };
}

function token(values: Record<string, string>, scopes: readonly string[], scopeClaims: readonly string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = { ...values };
  for (const claim of scopeClaims) claims[claim] = scopes.join(' ');
  return claims;
}

/** String literals each parameter is compared with (`$p = 'x'`, `$p like 'x%'`, `'x' = $p`). */
function literalsByParameter(config: AccessControlConfig): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (name: string, value: string): void => { out.set(name, [...(out.get(name) ?? []), value]); };
  for (const rule of config.rules) {
    for (const m of rule.condition.matchAll(/\$([A-Za-z_][A-Za-z0-9_]*)\s*(?:=|like)\s*'([^']*)'/gi)) add(m[1], m[2]);
    for (const m of rule.condition.matchAll(/'([^']*)'\s*(?:=|like)\s*\$([A-Za-z_][A-Za-z0-9_]*)/gi)) add(m[2], m[1]);
  }
  return out;
}

/** A value matching a literal used with `=` or `like` (wildcards dropped, JSON quotes removed). */
function sampleOf(literal: string): string {
  return literal.replace(/%/g, '').replace(/^"|"$/g, '');
}

/** Scope names inside a scope literal: `'% user:read:one %'` → `user:read:one`. */
function scopeTokens(literal: string): string[] {
  return literal.replace(/[%"[\],]/g, ' ').split(/\s+/).filter((s) => s !== '' && s !== '_');
}
