/**
 * OpenID Connect discovery: fetch and check `<issuer>/.well-known/openid-configuration`.
 */
import type { Agent } from 'undici';
import { LookupErrorCode, lookupError } from './errors';
import { type FetchLimits, fetchJsonDocument } from './http-json';
import { discoveryUrlFor, parseIssuerUrl } from './issuer-url';

/** The parts of a discovery document the lookups use. */
export interface DiscoveryFacts {
  /** The issuer, equal to the configured one. */
  readonly issuer: string;
  /** `jwks_uri` (https). */
  readonly jwksUri: string;
  /** `token_endpoint`, when present. */
  readonly tokenEndpoint?: string;
  /** URL the document was finally read from (after redirects). */
  readonly documentUrl: string;
}

/** Options of {@link fetchDiscovery}. */
export interface FetchDiscoveryOptions {
  /** undici dispatcher from `createLookupAgent`. */
  readonly agent: Agent;
  /** Timeout, size cap and redirect bound. */
  readonly limits: FetchLimits;
}

/**
 * Fetches the issuer's discovery document and extracts `jwks_uri` and `token_endpoint`.
 *
 * The document's `issuer` must equal the configured issuer exactly (OpenID Connect Discovery
 * §4.3): a document naming another issuer could make us trust someone else's keys.
 *
 * @param issuer - issuer URL exactly as configured.
 * @throws LookupError `LOOKUP_ISSUER_INVALID`, `LOOKUP_ISSUER_MISMATCH`, `LOOKUP_DISCOVERY_INVALID`,
 *   or a network / TLS / document code.
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html
 */
export async function fetchDiscovery(issuer: string, options: FetchDiscoveryOptions): Promise<DiscoveryFacts> {
  parseIssuerUrl(issuer);
  const url = discoveryUrlFor(issuer);
  const { url: finalUrl, body } = await fetchJsonDocument(url, {
    issuer,
    what: 'discovery document',
    agent: options.agent,
    limits: options.limits,
  });
  const where = { issuer, host: finalUrl.host };
  if (body.issuer !== issuer) {
    throw lookupError(LookupErrorCode.ISSUER_MISMATCH, where,
      `discovery document ${finalUrl.href} names a different issuer`, body.issuer,
      'Configure the issuer exactly as the discovery document states it (scheme, host, path and trailing slash must match).');
  }
  const jwksUri = body.jwks_uri;
  if (typeof jwksUri !== 'string' || jwksUri === '') {
    throw lookupError(LookupErrorCode.DISCOVERY_INVALID, where,
      `discovery document ${finalUrl.href} has no 'jwks_uri'`, jwksUri ?? null,
      'The identity provider must publish its signing keys; check that the issuer supports OIDC discovery.');
  }
  let jwksUrl: URL;
  try {
    jwksUrl = new URL(jwksUri);
  } catch {
    throw lookupError(LookupErrorCode.DISCOVERY_INVALID, where,
      `discovery document 'jwks_uri' is not an absolute URL`, jwksUri, 'Fix the identity provider configuration.');
  }
  if (jwksUrl.protocol !== 'https:') {
    throw lookupError(LookupErrorCode.DISCOVERY_INVALID, where,
      `discovery document 'jwks_uri' must use https`, jwksUri,
      'Keys fetched over plain http could be forged; fix the identity provider configuration.');
  }
  const tokenEndpoint = body.token_endpoint;
  if (tokenEndpoint !== undefined && typeof tokenEndpoint !== 'string') {
    throw lookupError(LookupErrorCode.DISCOVERY_INVALID, where,
      `discovery document 'token_endpoint' must be a string`, tokenEndpoint, 'Fix the identity provider configuration.');
  }
  return {
    issuer,
    jwksUri,
    ...(tokenEndpoint !== undefined ? { tokenEndpoint } : {}),
    documentUrl: finalUrl.href,
  };
}
