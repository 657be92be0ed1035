/**
 * Regenerates `demo-issuer/fixtures/`: `npx tsx demo-issuer/generate-fixtures.ts`.
 *
 * Every fingerprint and key thumbprint of the demo issuer changes: re-record the example lock
 * afterwards. See `fixtures.ts` for why the demo's private keys are committed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEMO_FIXTURES_DIR, DEMO_FIXTURE_FILES } from './fixtures';
import { generateDemoPki } from './pki';
import { DemoSigningAlgorithm, generateSigningKey } from './signing-keys';

const YEAR_MS = 365 * 86_400_000;

function main(): void {
  const now = Date.now();
  const pki = generateDemoPki({
    label: 'fixture',
    caValidityDays: 30 * 365,
    leaf: { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], notAfter: new Date(now + 20 * YEAR_MS) },
  });
  const signingKey = generateSigningKey({ kid: 'demo-fixture-rs256', alg: DemoSigningAlgorithm.RS256 });
  mkdirSync(DEMO_FIXTURES_DIR, { recursive: true });
  const write = (name: string, text: string) => writeFileSync(path.join(DEMO_FIXTURES_DIR, name), text);
  write(DEMO_FIXTURE_FILES.rootCert, pki.root.certPem);
  write(DEMO_FIXTURE_FILES.intermediateCert, pki.intermediate.certPem);
  write(DEMO_FIXTURE_FILES.leafCert, pki.leaf.certPem);
  write(DEMO_FIXTURE_FILES.leafKey, pki.leaf.keyPem);
  write(DEMO_FIXTURE_FILES.signingKey, `${JSON.stringify(signingKey, Object.keys(signingKey).sort(), 2)}\n`);
  // The CA private keys are deliberately dropped here: see fixtures.ts.
  process.stdout.write(`wrote ${DEMO_FIXTURES_DIR}\n`);
}

main();
