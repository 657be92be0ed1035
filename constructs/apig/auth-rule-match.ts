/**
 * The one home of how an authorization rule condition (domain + path) is read: what the
 * construct accepts, what the security rules call "everything", and how the emulator matches a
 * request. The gateway does not document its matching (the MSE predecessor offers exact, prefix
 * and regex match types); the forms below are this project's assumption, see README.
 */

/** Paths that match every request path when the gateway treats a path as a prefix. */
const CATCH_ALL_PATHS = new Set(['', '/', '*', '**', '/*', '/**']);

const HOST = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const PATH = /^\/[A-Za-z0-9._~!$&'()+,;=:@%/-]*$/;

/**
 * Why a domain is not acceptable in a rule condition, or `undefined` when it is: a host name,
 * `*.` plus a host name, or `*` for any host.
 */
export function domainDefect(domain: unknown): string | undefined {
  if (domain === '*') return undefined;
  if (typeof domain !== 'string' || domain.length > 253 || !HOST.test(domain)) {
    return 'must be a host name such as "api.example.com", a wildcard such as "*.example.com", or "*" for any host';
  }
  return undefined;
}

/**
 * Why a path is not acceptable in a rule condition, or `undefined` when it is: starts with `/`,
 * no query, fragment or whitespace, and `*` only as a final `/*` or `/**`.
 */
export function pathDefect(path: unknown): string | undefined {
  if (typeof path !== 'string' || !PATH.test(path.replace(/\/\*\*?$/, '/'))) {
    return 'must start with "/" and have no query, fragment or whitespace; "*" is allowed only as a final "/*" or "/**"';
  }
  return undefined;
}

/**
 * Whether a rule path covers every request path if the gateway matched it as a prefix:
 * `/`, `/*`, `/**` (and an empty path or a bare `*`).
 */
export function isCatchAllPath(path: string | undefined): boolean {
  return CATCH_ALL_PATHS.has((path ?? '').trim());
}

/** Whether a rule domain covers every host: `*` or an empty domain. */
export function isAnyDomain(domain: string | undefined): boolean {
  const d = (domain ?? '').trim();
  return d === '' || d === '*';
}

/**
 * Whether a request (host without port, path without query) matches a rule condition, as the
 * emulator assumes: the domain is `*` (any host), `*.example.com` (any subdomain, not the apex)
 * or an exact host, case-insensitive; the path is exact, or a prefix when it ends in `/*` or
 * `/**` (`/public/*` matches `/public/` and everything below it).
 */
export function matchesAuthResource(resource: { readonly domain?: string; readonly path?: string }, host: string, path: string): boolean {
  return domainMatches(resource.domain, host) && pathMatches(resource.path, path);
}

function domainMatches(domain: string | undefined, host: string): boolean {
  if (isAnyDomain(domain)) return true;
  const want = domain!.trim().toLowerCase();
  const got = host.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  if (want.startsWith('*.')) return got.endsWith(want.slice(1)) && got.length > want.length - 1;
  return got === want;
}

function pathMatches(pattern: string | undefined, path: string): boolean {
  if (pattern === undefined) return false;
  const wildcard = /\/\*\*?$/.exec(pattern);
  if (wildcard) return path.startsWith(pattern.slice(0, wildcard.index + 1));
  return path === pattern;
}
