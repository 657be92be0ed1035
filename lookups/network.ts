/**
 * Everything a lookup needs that a lock-complete synth does not: the HTTP client (undici), JWKS
 * import (jose), TLS handshakes and the trust store. `prepare.ts` loads this module only when an
 * issuer has to be looked up, so a synth from a complete lock loads none of it and opens no
 * socket. The app build bundles it separately (`scripts/app.cjs`).
 */
export { DEFAULT_FETCH_LIMITS, createLookupAgent } from './http-json';
export { lookupIssuer } from './lookup-issuer';
export { loadTrustStore } from './trust';
