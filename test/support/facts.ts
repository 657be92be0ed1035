/**
 * Hand-made lock entries for tests of the lock file format (no network involved).
 */
import type { CertificateFact, IssuerFacts } from '../../core/issuer-facts';

/** A syntactically valid certificate fact. */
export function certFact(sha1Digit: string, subject = 'CN=test'): CertificateFact {
  return { sha1: sha1Digit.repeat(40), subject, issuer: 'CN=Test Root', notAfter: '2030-01-01T00:00:00.000Z' };
}

/** A syntactically valid issuer entry. */
export function issuerFacts(issuer = 'https://idp.example.com', overrides: Partial<IssuerFacts> = {}): IssuerFacts {
  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    tokenEndpoint: `${issuer}/token`,
    hosts: [{ host: new URL(issuer).hostname, port: 443, presentedTop: certFact('a', 'CN=Intermediate'), root: certFact('b', 'CN=Test Root') }],
    fingerprints: ['a'.repeat(40)],
    keys: [{ kid: 'k1', kty: 'EC', alg: 'ES256', use: 'sig', thumbprint: 'SEi9d4cBshuN6b_P6QJwjxHR1T8z7LazAFlYcaYHfcg', jwk: { crv: 'P-256', kty: 'EC', x: 'xx', y: 'yy' } }],
    ...overrides,
  };
}
