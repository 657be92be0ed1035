/**
 * Validation of configured issuer URLs.
 */
import { HttpsUrlDefect, checkHttpsUrl, discoveryDocumentUrl } from '../core/https-url';
import { LookupErrorCode, lookupError } from './errors';

/**
 * Parses a configured OIDC issuer identifier and checks it is usable for a lookup.
 *
 * OpenID Connect Discovery 1.0 §2 requires an https URL without query or fragment; user info
 * would leak credentials into the lock and the cloud configuration, so it is refused too.
 *
 * @param issuer - the issuer URL exactly as configured.
 * @returns the parsed URL.
 * @throws LookupError `LOOKUP_ISSUER_INVALID`.
 */
export function parseIssuerUrl(issuer: string): URL {
  const fail = (problem: string, fix: string) =>
    lookupError(LookupErrorCode.ISSUER_INVALID, { issuer }, `issuer URL ${problem}`, issuer, fix);
  const checked = checkHttpsUrl(issuer);
  switch (checked.defect) {
    case undefined:
      return checked.url;
    case HttpsUrlDefect.NOT_ABSOLUTE:
      throw lookupError(LookupErrorCode.ISSUER_INVALID, { issuer, cause: checked.cause }, 'issuer URL is not an absolute URL', issuer,
        'Use the issuer identifier exactly as the identity provider publishes it, e.g. https://idp.example.com.');
    case HttpsUrlDefect.NOT_HTTPS:
      throw fail('must use https', 'Fingerprints and keys fetched over plain http could be forged; use the https issuer URL.');
    case HttpsUrlDefect.QUERY:
      throw fail('must not have a query component', 'Remove everything from "?" on (OpenID Connect Discovery §2).');
    case HttpsUrlDefect.FRAGMENT:
      throw fail('must not have a fragment component', 'Remove everything from "#" on (OpenID Connect Discovery §2).');
    case HttpsUrlDefect.CREDENTIALS:
      throw fail('must not contain user info', 'Remove "user:password@" from the URL.');
  }
}

/**
 * The discovery URL of an issuer: the issuer with any trailing `/` removed, plus
 * `/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §4).
 */
export function discoveryUrlFor(issuer: string): URL {
  parseIssuerUrl(issuer);
  return discoveryDocumentUrl(issuer);
}

/** The default port for a URL (443 for https). */
export function portOf(url: URL): number {
  return url.port ? Number(url.port) : 443;
}

/** Host name of a URL without IPv6 brackets, suitable for `net.connect` and TLS verification. */
export function hostnameOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}
