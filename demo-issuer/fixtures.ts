/**
 * Committed, deterministic material of the demo issuer, so that a lock recorded from
 * `commands/demo-issuer.ts` (`npm run demo-issuer`) stays valid across restarts and machines.
 *
 * The private keys in `fixtures/` (TLS leaf key, token signing key) are committed on purpose:
 * the demo only ever listens on loopback and signs nothing of value, and a stable key is the
 * point (stable fingerprints and JWKS thumbprints). No CA private key is committed, so nobody
 * can mint further certificates under the demo root. Never add the demo root to a system
 * trust store. Regenerate with `npx tsx demo-issuer/generate-fixtures.ts` (this changes every
 * recorded fingerprint and key: re-record the example lock afterwards).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DemoServerCertificates } from './pki';
import type { PrivateSigningJwk } from './signing-keys';

/** Directory holding the committed demo material. */
export const DEMO_FIXTURES_DIR = path.join(__dirname, 'fixtures');

/** Port the human-facing demo issuer listens on. */
export const DEMO_FIXED_PORT = 8443;

/** Issuer URL of the human-facing demo issuer. */
export const DEMO_FIXED_ISSUER = `https://localhost:${DEMO_FIXED_PORT}/demo`;

/** File names inside {@link DEMO_FIXTURES_DIR}. */
export const DEMO_FIXTURE_FILES = {
  rootCert: 'root-ca.pem',
  intermediateCert: 'intermediate-ca.pem',
  leafCert: 'leaf.pem',
  leafKey: 'leaf.key.pem',
  signingKey: 'signing-key.jwk.json',
} as const;

/** The committed demo material. */
export interface DemoFixtures {
  /** TLS certificates (root and intermediate without keys) and the leaf key. */
  readonly certificates: DemoServerCertificates;
  /** Token signing key (private JWK). */
  readonly signingKeys: readonly PrivateSigningJwk[];
}

/**
 * Loads the committed demo material.
 *
 * @param dir - fixtures directory. @default DEMO_FIXTURES_DIR
 */
export function loadDemoFixtures(dir: string = DEMO_FIXTURES_DIR): DemoFixtures {
  const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');
  return {
    certificates: {
      root: { certPem: read(DEMO_FIXTURE_FILES.rootCert) },
      intermediate: { certPem: read(DEMO_FIXTURE_FILES.intermediateCert) },
      leaf: { certPem: read(DEMO_FIXTURE_FILES.leafCert), keyPem: read(DEMO_FIXTURE_FILES.leafKey) },
    },
    signingKeys: [JSON.parse(read(DEMO_FIXTURE_FILES.signingKey)) as PrivateSigningJwk],
  };
}
