/**
 * Synth-time lookups of OIDC issuers, recorded in `lookups.lock.json`.
 *
 * The app runs {@link prepareLookups} before constructing stacks; constructs then read
 * {@link IssuerFacts} only, synchronously and offline.
 */
export * from './changes';
export * from './ci-mode';
export * from './errors';
export * from './lock-file';
export * from './lock-integrity';
export * from '../core/issuer-facts';
export { MAX_FINGERPRINTS } from '../core/fingerprint';
export * from './prepare';
