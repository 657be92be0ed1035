/**
 * One issuer's network lookup: discovery, JWKS and the TLS facts of its hosts.
 */
import type { Agent } from 'undici';
import { fetchDiscovery } from './discovery';
import type { FetchLimits } from './http-json';
import { hostnameOf, parseIssuerUrl, portOf } from './issuer-url';
import { fetchJwks } from './jwks';
import type { HostFact, IssuerFacts } from '../core/issuer-facts';
import { inspectTlsHost } from './tls-fingerprint';
import type { TrustStore } from './trust';

/** Shared resources of one lookup run. */
export interface LookupContext {
  /** undici dispatcher trusting exactly {@link LookupContext.trust}. */
  readonly agent: Agent;
  /** Trusted roots (system + CA bundle). */
  readonly trust: TrustStore;
  /** Timeout, size cap and redirect bound. */
  readonly limits: FetchLimits;
}

/**
 * Looks an issuer up over the network.
 *
 * The returned `fingerprints` are what is observed now (presented-top SHA-1 of each host);
 * accumulation with previously recorded ones is the caller's business.
 *
 * @param issuer - issuer URL exactly as configured.
 * @throws LookupError on any failure; the first failure in the order discovery, JWKS,
 *   issuer host TLS, JWKS host TLS.
 */
export async function lookupIssuer(issuer: string, context: LookupContext): Promise<IssuerFacts> {
  const issuerUrl = parseIssuerUrl(issuer);
  const discovery = await fetchDiscovery(issuer, context);
  const jwksUrl = new URL(discovery.jwksUri);
  const endpoints = [{ host: hostnameOf(issuerUrl), port: portOf(issuerUrl) }];
  const jwksEndpoint = { host: hostnameOf(jwksUrl), port: portOf(jwksUrl) };
  if (jwksEndpoint.host !== endpoints[0].host || jwksEndpoint.port !== endpoints[0].port) endpoints.push(jwksEndpoint);

  const tlsOptions = { trust: context.trust, timeoutMs: context.limits.timeoutMs, issuer };
  const keysPromise = fetchJwks(issuer, discovery.jwksUri, context);
  const hostPromises = endpoints.map((e) => inspectTlsHost(e.host, e.port, tlsOptions));
  // Wait for everything, then report the first failure in a fixed order (stable errors).
  const settled = await Promise.allSettled([keysPromise, ...hostPromises]);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  const keys = await keysPromise;
  const hostFacts: HostFact[] = (await Promise.all(hostPromises)).map((h) => ({
    host: h.host,
    port: h.port,
    leaf: h.leaf,
    presentedTop: h.presentedTop,
    root: h.root,
  }));
  return {
    issuer,
    jwksUri: discovery.jwksUri,
    ...(discovery.tokenEndpoint !== undefined ? { tokenEndpoint: discovery.tokenEndpoint } : {}),
    hosts: hostFacts,
    fingerprints: [...new Set(hostFacts.map((h) => h.presentedTop.sha1))],
    keys,
  };
}
