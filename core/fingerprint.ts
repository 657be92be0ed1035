/**
 * The TLS certificate fingerprint of an OIDC issuer and the one policy for fingerprints a user
 * pins: shared by config validation, the synth-time lookups and the RAM OIDC provider construct.
 */
import type { IssuerFacts } from './issuer-facts';

/**
 * A SHA-1 certificate fingerprint in the one form RAM and the lock file use: 40 lowercase hex
 * characters, no colons. Obtain one with {@link parseFingerprint}.
 */
export type Sha1Fingerprint = string & { readonly __sha1Fingerprint: true };

/** Most fingerprints one RAM OIDC identity provider accepts (CreateOIDCProvider limit). */
export const MAX_FINGERPRINTS = 5;

/** The canonical form: 40 lowercase hex characters, no colons. */
export const CANONICAL_FINGERPRINT = /^[0-9a-f]{40}$/;
/** `SHA1 Fingerprint=` as `openssl x509 -noout -fingerprint -sha1` prints it (any case, `SHA-1` too). */
const OPENSSL_PREFIX = /^(?:sha-?1\s*)?fingerprint\s*=\s*/i;
/** 20 hex byte pairs separated by colons (OpenSSL, browsers). */
const COLON_PAIRS = /^[0-9a-f]{2}(?::[0-9a-f]{2}){19}$/i;
/** 40 hex characters in any case. */
const PLAIN = /^[0-9a-f]{40}$/i;

/**
 * Parses a SHA-1 fingerprint in the forms users paste and normalises it to 40 lowercase hex.
 *
 * Accepted: `a1b2…` (40 hex, any case), `A1:B2:…` (20 colon-separated pairs) and OpenSSL's
 * whole output line `SHA1 Fingerprint=A1:B2:…`; surrounding whitespace is ignored.
 *
 * @returns the normalised fingerprint, or `undefined` when the value is none of these forms
 */
export function parseFingerprint(value: unknown): Sha1Fingerprint | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim().replace(OPENSSL_PREFIX, '');
  if (!PLAIN.test(text) && !COLON_PAIRS.test(text)) return undefined;
  return text.replace(/:/g, '').toLowerCase() as Sha1Fingerprint;
}

/** Whether a value already is in the canonical form (what the lock file must hold). */
export function isCanonicalFingerprint(value: unknown): value is Sha1Fingerprint {
  return typeof value === 'string' && CANONICAL_FINGERPRINT.test(value);
}

/** What {@link checkPin} decided about one pinned fingerprint. */
export enum PinVerdict {
  /** The pin is the top certificate one of the issuer's hosts presents: trust it. */
  ACCEPTED = 'ACCEPTED',
  /** Not a SHA-1 fingerprint in any accepted form. */
  MALFORMED = 'MALFORMED',
  /**
   * The fingerprint of the root CA that anchors the chain. Alibaba Cloud checks the top
   * certificate of the chain the server sends (the last one `openssl s_client -showcerts`
   * prints), so a root pin would never match what RAM compares.
   */
  ROOT_CA = 'ROOT_CA',
  /**
   * No host presents it (a certificate rotated away still listed in the lock counts as not
   * presented): the issuer URL may be under attack, or the pin is stale.
   */
  NOT_OBSERVED = 'NOT_OBSERVED',
}

/** Outcome of {@link checkPin}. */
export type PinCheck =
  | { readonly verdict: PinVerdict.ACCEPTED; readonly fingerprint: Sha1Fingerprint }
  | { readonly verdict: PinVerdict.ROOT_CA | PinVerdict.NOT_OBSERVED; readonly fingerprint: Sha1Fingerprint; readonly observed: readonly string[] }
  | { readonly verdict: PinVerdict.MALFORMED };

/**
 * The one pin policy: a fingerprint the user pins must be the top certificate one of the
 * issuer's hosts presents as last observed (what RAM compares). A root-CA fingerprint is refused
 * with its own verdict; a fingerprint the lock still lists from before a rotation but no host
 * presents any more is not observed.
 *
 * @param pin - the value as the user wrote it (any form {@link parseFingerprint} accepts)
 * @param facts - what the lookup recorded for the issuer
 */
export function checkPin(pin: unknown, facts: Pick<IssuerFacts, 'hosts'>): PinCheck {
  const fingerprint = parseFingerprint(pin);
  if (fingerprint === undefined) return { verdict: PinVerdict.MALFORMED };
  const trusted = new Set(normalised(facts.hosts.map((h) => h.presentedTop.sha1)));
  if (trusted.has(fingerprint)) return { verdict: PinVerdict.ACCEPTED, fingerprint };
  const observed = [...trusted].sort();
  const roots = new Set(normalised(facts.hosts.map((h) => h.root.sha1)));
  return { verdict: roots.has(fingerprint) ? PinVerdict.ROOT_CA : PinVerdict.NOT_OBSERVED, fingerprint, observed };
}

function normalised(values: readonly string[]): Sha1Fingerprint[] {
  return values.flatMap((v) => parseFingerprint(v) ?? []);
}
