/**
 * The `scope` request parameter as IDaaS EIAM reads it on its M2M token endpoint, for the demo
 * issuer.
 *
 * IDaaS documents (M2M client token call examples): the value is space-separated, each entry is
 * `<resourceServerIdentifier>|<scope>`, and `<resourceServerIdentifier>|.all` asks for every
 * scope the client is granted on that resource server. The demo also takes plain scope names
 * (`user:read:one`), as most OAuth servers do.
 *
 * What IDaaS does with a scope the client is not granted is not documented; the demo answers
 * `invalid_scope` (RFC 6749 §5.2) rather than dropping it silently, and so it does for a scope
 * outside the catalog and for another resource server's identifier.
 */

/** Separates the resource server identifier from the scope name in an IDaaS scope request. */
export const RESOURCE_SCOPE_SEPARATOR = '|';

/** Scope name that asks for every granted scope (`<audience>|.all`). */
export const ALL_GRANTED_SCOPES = '.all';

/** What a scope request is checked against. */
export interface ScopePolicy {
  /** The resource server identifier (`aud` of the tokens). */
  readonly audience: string;
  /** The resource server's scope catalog, in its order. */
  readonly catalog: readonly string[];
  /** The scopes the requesting client is granted (a subset of {@link catalog}). */
  readonly granted: readonly string[];
  /** The requesting client, for messages. */
  readonly clientId: string;
}

/** A scope request that cannot be honoured; `scope` is the offending entry. */
export class ScopeRequestError extends Error {
  public constructor(message: string, public readonly scope: string) {
    super(message);
    this.name = 'ScopeRequestError';
  }
}

/**
 * The scope names a request asks for, in catalog order, without duplicates.
 *
 * @param request - the `scope` parameter (space-separated; `undefined` or empty asks for none)
 * @throws ScopeRequestError for another resource server, a scope outside the catalog, or a
 *   scope the client is not granted
 */
export function resolveScopeRequest(request: string | undefined, policy: ScopePolicy): string[] {
  const wanted = new Set<string>();
  for (const entry of (request ?? '').split(' ').filter((e) => e.length > 0)) {
    const at = entry.lastIndexOf(RESOURCE_SCOPE_SEPARATOR);
    if (at >= 0) {
      const resource = entry.slice(0, at);
      if (resource !== policy.audience) {
        throw new ScopeRequestError(`"${resource}" is not the resource server of this issuer (${policy.audience})`, entry);
      }
      const name = entry.slice(at + 1);
      if (name === ALL_GRANTED_SCOPES) {
        policy.granted.forEach((s) => wanted.add(s));
        continue;
      }
      wanted.add(checked(name, entry, policy));
    } else {
      wanted.add(checked(entry, entry, policy));
    }
  }
  return policy.catalog.filter((s) => wanted.has(s));
}

function checked(name: string, entry: string, policy: ScopePolicy): string {
  if (!policy.catalog.includes(name)) {
    throw new ScopeRequestError(`"${name}" is not a scope of ${policy.audience} (catalog: ${policy.catalog.join(' ')})`, entry);
  }
  if (!policy.granted.includes(name)) {
    throw new ScopeRequestError(`"${name}" is not granted to client ${policy.clientId} (granted: ${policy.granted.join(' ') || 'none'})`, entry);
  }
  return name;
}

/**
 * Every entry a request may hold for `granted`: the plain names, their
 * `<audience>|<scope>` forms and `<audience>|.all`. The demo issuer declares these as its
 * resource server's scopes for the client, so that oidc-provider keeps them; the JWT's `scope`
 * claim is then normalized with {@link resolveScopeRequest}.
 */
export function acceptedScopeEntries(audience: string, granted: readonly string[]): string[] {
  return [...granted, ...granted.map((s) => `${audience}${RESOURCE_SCOPE_SEPARATOR}${s}`), `${audience}${RESOURCE_SCOPE_SEPARATOR}${ALL_GRANTED_SCOPES}`];
}

/** The IDaaS form of a scope request: `<audience>|<scope> ...`, or `<audience>|.all` for every granted scope. */
export function idaasScopeRequest(audience: string, scopes?: readonly string[]): string {
  return (scopes ?? [ALL_GRANTED_SCOPES]).map((s) => `${audience}${RESOURCE_SCOPE_SEPARATOR}${s}`).join(' ');
}

/**
 * Checks a scope catalog: non-empty, no duplicates, each a single RFC 6749 scope token without
 * `|` and other than `.all` (both have a meaning in a request).
 */
export function assertScopeCatalog(catalog: readonly string[]): void {
  if (catalog.length === 0) throw new Error('demo issuer: scopes must not be empty');
  catalog.forEach((s, i) => {
    if (!/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s) || s.includes(RESOURCE_SCOPE_SEPARATOR) || s === ALL_GRANTED_SCOPES) {
      throw new Error(`demo issuer: scope ${JSON.stringify(s)} must be a scope token (RFC 6749 §3.3) without "|" and other than ".all"`);
    }
    if (catalog.indexOf(s) !== i) throw new Error(`demo issuer: scope ${s} is listed twice`);
  });
}
