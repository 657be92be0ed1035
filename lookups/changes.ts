/**
 * What a lookup changed compared with the lock: the change report of a refresh.
 */
import type { CertificateFact, HostFact, IssuerFacts, KeyFact } from '../core/issuer-facts';
import { canonicalJson } from '../core/canonical-json';

/** How an issuer's recorded facts changed. */
export enum IssuerChangeKind {
  /** Not in the lock before. */
  ADDED = 'added',
  /** In the lock before, with different facts. */
  CHANGED = 'changed',
  /** In the lock before, with the same facts. */
  UNCHANGED = 'unchanged',
}

/** One certificate slot of one host, before and after. */
export interface CertificateChange {
  /** `host:port`. */
  readonly host: string;
  /** Which certificate of the host. */
  readonly role: 'presentedTop' | 'root' | 'leaf';
  /** Recorded before; absent for a new host. */
  readonly before?: CertificateFact;
  /** Recorded now; absent for a host that is gone. */
  readonly after?: CertificateFact;
}

/** The difference between the recorded and the new facts of one issuer. */
export interface IssuerChange {
  /** The issuer URL. */
  readonly issuer: string;
  /** Added, changed or unchanged. */
  readonly kind: IssuerChangeKind;
  /** Facts recorded before; absent when {@link IssuerChangeKind.ADDED}. */
  readonly before?: IssuerFacts;
  /** Facts recorded now. */
  readonly after: IssuerFacts;
  /** Fingerprints that are new in the lock. */
  readonly fingerprintsAdded: readonly string[];
  /** Fingerprints dropped from the lock (only with prune). */
  readonly fingerprintsRemoved: readonly string[];
  /** Fingerprints kept from before although no host presents them any more (rotation). */
  readonly fingerprintsNotObserved: readonly string[];
  /** Keys (by thumbprint) that are new. */
  readonly keysAdded: readonly KeyFact[];
  /** Keys (by thumbprint) that are gone. */
  readonly keysRemoved: readonly KeyFact[];
  /** Certificates that differ, per host. */
  readonly certificates: readonly CertificateChange[];
  /** Other changed fields (`jwksUri`, `tokenEndpoint`). */
  readonly fields: readonly { readonly field: string; readonly before?: string; readonly after?: string }[];
}

/**
 * Compares recorded and new facts.
 *
 * @param issuer - the issuer URL.
 * @param before - recorded facts, if any.
 * @param after - facts to record.
 * @param observedFingerprints - presented-top fingerprints seen in this lookup.
 */
export function diffIssuerFacts(
  issuer: string,
  before: IssuerFacts | undefined,
  after: IssuerFacts,
  observedFingerprints: readonly string[] = after.fingerprints,
): IssuerChange {
  const beforeFps = before?.fingerprints ?? [];
  const thumbs = (keys: readonly KeyFact[]) => new Set(keys.map((k) => k.thumbprint));
  const beforeThumbs = thumbs(before?.keys ?? []);
  const afterThumbs = thumbs(after.keys);
  const certificates: CertificateChange[] = [];
  const hostKey = (h: HostFact) => `${h.host}:${h.port}`;
  const beforeHosts = new Map((before?.hosts ?? []).map((h) => [hostKey(h), h]));
  const afterHosts = new Map(after.hosts.map((h) => [hostKey(h), h]));
  for (const host of new Set([...beforeHosts.keys(), ...afterHosts.keys()])) {
    for (const role of ['presentedTop', 'root', 'leaf'] as const) {
      const b = beforeHosts.get(host)?.[role];
      const a = afterHosts.get(host)?.[role];
      if (b?.sha1 !== a?.sha1) certificates.push({ host, role, ...(b ? { before: b } : {}), ...(a ? { after: a } : {}) });
    }
  }
  const fields: { field: string; before?: string; after?: string }[] = [];
  for (const field of ['jwksUri', 'tokenEndpoint'] as const) {
    if (before && before[field] !== after[field]) fields.push({ field, before: before[field], after: after[field] });
  }
  const same = before !== undefined && canonicalJson(before) === canonicalJson(after);
  return {
    issuer,
    kind: !before ? IssuerChangeKind.ADDED : same ? IssuerChangeKind.UNCHANGED : IssuerChangeKind.CHANGED,
    ...(before ? { before } : {}),
    after,
    fingerprintsAdded: after.fingerprints.filter((f) => !beforeFps.includes(f)),
    fingerprintsRemoved: beforeFps.filter((f) => !after.fingerprints.includes(f)),
    fingerprintsNotObserved: after.fingerprints.filter((f) => !observedFingerprints.includes(f)),
    keysAdded: after.keys.filter((k) => !beforeThumbs.has(k.thumbprint)),
    keysRemoved: (before?.keys ?? []).filter((k) => !afterThumbs.has(k.thumbprint)),
    certificates,
    fields,
  };
}

/** Order-insensitive-for-keys JSON used to compare facts: RFC 8785 canonical JSON (`core/canonical-json`). */
export { canonicalJson as canonical } from '../core/canonical-json';

function keyLabel(key: KeyFact): string {
  return `${key.kid ?? '(no kid)'} ${key.alg ?? key.kty} ${key.thumbprint}`;
}

function certLabel(cert: CertificateFact | undefined): string {
  return cert ? `${cert.sha1} ${cert.subject} (until ${cert.notAfter.slice(0, 10)})` : '(none)';
}

/**
 * Renders a change as plain text lines, old and new side by side.
 */
export function formatIssuerChange(change: IssuerChange): string[] {
  const lines = [`${change.issuer}: ${change.kind}`];
  if (change.kind === IssuerChangeKind.UNCHANGED) return lines;
  const before = change.before;
  lines.push(`  fingerprints: ${before ? before.fingerprints.join(', ') : '(none)'} -> ${change.after.fingerprints.join(', ')}`);
  for (const fp of change.fingerprintsAdded) lines.push(`    + ${fp}`);
  for (const fp of change.fingerprintsRemoved) lines.push(`    - ${fp} (pruned)`);
  for (const fp of change.fingerprintsNotObserved) {
    lines.push(`    ~ ${fp} kept but no longer presented; drop it with --prune once the rotation is complete`);
  }
  for (const c of change.certificates) {
    lines.push(`  ${c.host} ${c.role}: ${certLabel(c.before)} -> ${certLabel(c.after)}`);
  }
  if (before) {
    const hosts = (f: IssuerFacts) => f.hosts.map((h) => `${h.host}:${h.port}`).join(', ');
    if (hosts(before) !== hosts(change.after)) lines.push(`  hosts: ${hosts(before)} -> ${hosts(change.after)}`);
  }
  for (const k of change.keysAdded) lines.push(`  + key ${keyLabel(k)}`);
  for (const k of change.keysRemoved) lines.push(`  - key ${keyLabel(k)}`);
  for (const f of change.fields) lines.push(`  ${f.field}: ${f.before ?? '(none)'} -> ${f.after ?? '(none)'}`);
  return lines;
}
