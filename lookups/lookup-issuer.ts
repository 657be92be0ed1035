/**
 * One issuer's network lookup: discovery, JWKS and the TLS facts of its hosts.
 */
import type { Agent } from 'undici';
import { fetchDiscovery } from './discovery';
import type { FetchLimits } from './http-json';
import { hostnameOf, parseIssuerUrl, portOf } from './issuer-url';
import { fetchJwks } from './jwks';
import type { HostFact, IssuerFacts } from './lock-types';
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
  const [keys, ...hosts] = await allInOrder([
    fetchJwks(issuer, discovery.jwksUri, context),
    ...endpoints.map((e) => inspectTlsHost(e.host, e.port, tlsOptions)),
  ] as const);
  const hostFacts: HostFact[] = (hosts as Awaited<ReturnType<typeof inspectTlsHost>>[]).map((h) => ({
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
    keys: keys as Awaited<ReturnType<typeof fetchJwks>>,
  };
}

/** Like `Promise.all`, but when several fail, rejects with the first in list order (stable errors). */
async function allInOrder<T extends readonly Promise<unknown>[]>(promises: T): Promise<unknown[]> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value);
}
