import type { IssuerRequest } from '../lookups/prepare';
import type { EnvironmentConfig } from '../config/environment';
import { compareCodeUnits } from '../core/order';

/**
 * The issuers the environments reference, for the synth-time lookups: one request per
 * distinct issuer, with the fingerprints every environment pins for it.
 */
export function issuerRequests(environments: readonly EnvironmentConfig[]): IssuerRequest[] {
  const pins = new Map<string, Set<string>>();
  for (const env of environments) {
    const set = pins.get(env.m2mServer.issuer) ?? new Set<string>();
    for (const fp of env.m2mServer.expectedFingerprints ?? []) set.add(fp);
    pins.set(env.m2mServer.issuer, set);
    const ociIssuer = env.oci?.identityDomain.issuer;
    if (ociIssuer !== undefined && !pins.has(ociIssuer)) pins.set(ociIssuer, new Set());
  }
  return [...pins.entries()]
    .sort(([a], [b]) => compareCodeUnits(a, b))
    .map(([issuer, set]) => (set.size > 0 ? { issuer, pinnedFingerprints: [...set].sort() } : { issuer }));
}
