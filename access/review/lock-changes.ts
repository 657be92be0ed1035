/**
 * Key and fingerprint rotation from the lookup lock (`lookups.lock.json`) of both versions.
 */
import { diffIssuerFacts } from '../../lookups/changes';
import { LOCK_FILE_NAME } from '../../lookups/lock-file';
import type { LockFile } from '../../core/issuer-facts';
import type { AccessChange, Effect } from '../model';


/** Review lines for what the lock says changed: signing keys, TLS fingerprints, JWKS location. */
export function lockChanges(base: LockFile | undefined, head: LockFile | undefined): AccessChange[] {
  if (!base || !head) return [];
  const out: AccessChange[] = [];
  const effectOf = (added: number, removed: number): Effect => (added > 0 && removed > 0 ? 'neutral' : added > 0 ? 'widens' : 'narrows');
  for (const issuer of [...new Set([...Object.keys(base.issuers), ...Object.keys(head.issuers)])].sort()) {
    const before = base.issuers[issuer];
    const after = head.issuers[issuer];
    const subject = `issuer ${issuer}`;
    if (!after) {
      out.push({ effect: 'narrows', category: 'key', stack: LOCK_FILE_NAME, subject, summary: 'no longer recorded (its keys and fingerprints are no longer trusted)' });
      continue;
    }
    if (!before) {
      out.push({ effect: 'neutral', category: 'key', stack: LOCK_FILE_NAME, subject, summary: `recorded: ${after.keys.length} key(s) ${after.keys.map((k) => k.kid ?? k.thumbprint).join(', ')}, fingerprints ${after.fingerprints.join(', ')}` });
      continue;
    }
    const change = diffIssuerFacts(issuer, before, after);
    if (change.keysAdded.length > 0 || change.keysRemoved.length > 0) {
      const label = (k: { kid?: string; thumbprint: string }) => `${k.kid ?? '(no kid)'} (${k.thumbprint})`;
      const effect = effectOf(change.keysAdded.length, change.keysRemoved.length);
      out.push({
        effect, category: 'key', stack: LOCK_FILE_NAME, subject,
        summary: `signing key ${effect === 'neutral' ? 'rotated' : effect === 'widens' ? 'added' : 'removed'}: ${[...change.keysRemoved.map((k) => `-${label(k)}`), ...change.keysAdded.map((k) => `+${label(k)}`)].join(' ')}`,
        details: { keysAdded: change.keysAdded.map((k) => ({ kid: k.kid, thumbprint: k.thumbprint })), keysRemoved: change.keysRemoved.map((k) => ({ kid: k.kid, thumbprint: k.thumbprint })) },
      });
    }
    if (change.fingerprintsAdded.length > 0 || change.fingerprintsRemoved.length > 0) {
      const effect = effectOf(change.fingerprintsAdded.length, change.fingerprintsRemoved.length);
      out.push({
        effect, category: 'key', stack: LOCK_FILE_NAME, subject,
        summary: `TLS fingerprint ${effect === 'neutral' ? 'rotated' : effect === 'widens' ? 'added' : 'removed'}: ${[...change.fingerprintsRemoved.map((f) => `-${f}`), ...change.fingerprintsAdded.map((f) => `+${f}`)].join(' ')}`,
        details: { fingerprintsAdded: change.fingerprintsAdded, fingerprintsRemoved: change.fingerprintsRemoved },
      });
    }
    for (const f of change.fields) {
      out.push({ effect: 'neutral', category: 'key', stack: LOCK_FILE_NAME, subject, summary: `${f.field}: ${f.before ?? '(none)'} → ${f.after ?? '(none)'}` });
    }
  }
  return out;
}
