/**
 * The https rule for issuer URLs and other endpoints whose content we trust.
 */

/** What makes a URL unusable as an OIDC issuer (or another https endpoint we trust). */
export enum HttpsUrlDefect {
  /** Not parseable as an absolute URL. */
  NOT_ABSOLUTE = 'NOT_ABSOLUTE',
  /** Not `https:`. */
  NOT_HTTPS = 'NOT_HTTPS',
  /** Has a query component. */
  QUERY = 'QUERY',
  /** Has a fragment component. */
  FRAGMENT = 'FRAGMENT',
  /** Has `user:password@`. */
  CREDENTIALS = 'CREDENTIALS',
}

/**
 * The one check of issuer-like URLs, shared by config validation, constructs and lookups (each
 * words its own error): https, absolute, no query, no fragment, no user info
 * (OpenID Connect Discovery 1.0 §2; user info would leak credentials into the lock and the cloud).
 */
export function checkHttpsUrl(value: string): { readonly defect?: undefined; readonly url: URL } | { readonly defect: HttpsUrlDefect; readonly cause?: unknown } {
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    return { defect: HttpsUrlDefect.NOT_ABSOLUTE, cause };
  }
  if (url.protocol !== 'https:') return { defect: HttpsUrlDefect.NOT_HTTPS };
  if (url.search || value.includes('?')) return { defect: HttpsUrlDefect.QUERY };
  if (url.hash || value.includes('#')) return { defect: HttpsUrlDefect.FRAGMENT };
  if (url.username || url.password) return { defect: HttpsUrlDefect.CREDENTIALS };
  return { url };
}

/**
 * The OpenID Connect discovery document URL of an issuer: the issuer with any trailing `/`
 * removed, plus `/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §4). Does not
 * validate the issuer (see {@link checkHttpsUrl}).
 */
export function discoveryDocumentUrl(issuer: string): URL {
  return new URL(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
}
