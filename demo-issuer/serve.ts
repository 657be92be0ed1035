/**
 * Starts the demo issuer for humans: `npx tsx demo-issuer/serve.ts [--port 8443] [--ca-out <file>]`.
 *
 * Serves the committed fixtures (see `fixtures.ts`) at https://localhost:8443/demo and writes
 * the demo root CA to a file to pass as `--ca-bundle`, e.g. to record the example lock:
 *
 *   npm run lookups -- --issuer https://localhost:8443/demo --ca-bundle demo-issuer/.run/ca.pem
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { startDemoIssuer } from './demo-issuer';
import { DEMO_FIXED_PORT, loadDemoFixtures } from './fixtures';
import { ChainShape } from './pki';

/** Where the CA bundle is written unless `--ca-out` says otherwise. */
export const DEFAULT_CA_OUT = path.join(__dirname, '.run', 'ca.pem');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: String(DEMO_FIXED_PORT) },
      'ca-out': { type: 'string', default: DEFAULT_CA_OUT },
      chain: { type: 'string', default: ChainShape.LEAF_AND_INTERMEDIATE },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`Usage: npx tsx demo-issuer/serve.ts [--port ${DEMO_FIXED_PORT}] [--ca-out <file>] [--chain ${Object.values(ChainShape).join('|')}]\n`);
    return;
  }
  const chainShape = Object.values(ChainShape).find((s) => s === values.chain);
  if (!chainShape) throw new Error(`--chain must be one of ${Object.values(ChainShape).join(', ')}, got ${values.chain}`);
  const fixtures = loadDemoFixtures();
  const demo = await startDemoIssuer({
    port: Number(values.port),
    pki: fixtures.certificates,
    signingKeys: fixtures.signingKeys,
    chainShape,
  });
  mkdirSync(path.dirname(values['ca-out']), { recursive: true });
  writeFileSync(values['ca-out'], demo.caPem);
  process.stdout.write(
    [
      `demo issuer:   ${demo.issuer}`,
      `CA bundle:     ${values['ca-out']}`,
      `token:         curl --cacert ${values['ca-out']} -u ${demo.client.clientId}:${demo.client.clientSecret} -d grant_type=client_credentials ${demo.tokenEndpoint}`,
      `record a lock: npm run lookups -- --issuer ${demo.issuer} --ca-bundle ${values['ca-out']}`,
      'Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  const stop = () => void demo.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
