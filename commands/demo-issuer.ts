/**
 * Starts the example's demo issuer for humans: `npm run demo-issuer [-- --port 8443] [--ca-out <file>]`.
 *
 * Serves the committed fixtures (see `fixtures.ts`) at https://localhost:8443/demo as the
 * example environments' M2M server (`config/environments.ts`: its audience, scopes and clients,
 * with the public demo secrets of `example.ts`), prints a ready `curl` for a token per client and
 * writes the demo root CA to a file to pass as `--ca-bundle`, e.g. to refresh the example lock:
 *
 *   npm run lookups -- --refresh --ca-bundle demo-issuer/.run/ca.pem
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseCommandLine, usageError } from '../core/command-line';
import { DEV } from '../config/environments';
import type { DemoIssuer } from '../demo-issuer/demo-issuer';
import { type ExampleDemoClient, exampleDemoClients, startExampleDemoIssuer } from '../demo-issuer/example';
import { DEMO_FIXED_PORT } from '../demo-issuer/fixtures';
import { ChainShape } from '../demo-issuer/pki';

/** The environment whose M2M server and clients the demo serves: the example's dev environment. */
const EXAMPLE_ENVIRONMENT = DEV;

/** Where the CA bundle is written unless `--ca-out` says otherwise. */
const DEFAULT_CA_OUT = path.join(__dirname, '..', 'demo-issuer', '.run', 'ca.pem');

/** A shell-quoted argument (single quotes). */
function sh(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The curl that fetches a token for `client`, asking for all its scopes in IDaaS syntax. */
function tokenCurl(demo: DemoIssuer, client: ExampleDemoClient, caFile: string): string {
  const auth = client.tokenEndpointAuthMethod === 'client_secret_post'
    ? `-d ${sh(`client_id=${client.clientId}`)} --data-urlencode ${sh(`client_secret=${client.clientSecret}`)}`
    : `-u ${sh(`${client.clientId}:${client.clientSecret}`)}`;
  return [
    'curl -s', `--cacert ${sh(caFile)}`, auth,
    '-d grant_type=client_credentials', `--data-urlencode ${sh(`scope=${demo.requestScope(client.grantedScopes)}`)}`, demo.tokenEndpoint,
  ].join(' ');
}

async function main(): Promise<void> {
  const usageLine = `Usage: npm run demo-issuer [-- --port ${DEMO_FIXED_PORT}] [--ca-out <file>] [--chain ${Object.values(ChainShape).join('|')}]\n`;
  const usage = (message: string): void => {
    process.exitCode = usageError(message, usageLine).exitCode;
  };
  const line = parseCommandLine(process.argv.slice(2), {
    port: { type: 'string', default: String(DEMO_FIXED_PORT) },
    'ca-out': { type: 'string', default: DEFAULT_CA_OUT },
    chain: { type: 'string', default: ChainShape.LEAF_AND_INTERMEDIATE },
  }, usageLine);
  if (line.exitCode !== undefined) {
    process.exitCode = line.exitCode;
    return;
  }
  const { values } = line;
  const chainShape = Object.values(ChainShape).find((s) => s === values.chain);
  if (!chainShape) {
    usage(`--chain must be one of ${Object.values(ChainShape).join(', ')}, got ${values.chain}`);
    return;
  }
  if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) {
    usage(`--port must be a port number, got ${values.port}`);
    return;
  }
  const demo = await startExampleDemoIssuer(EXAMPLE_ENVIRONMENT, { port: Number(values.port), chainShape });
  const caOut = path.relative(process.cwd(), path.resolve(values['ca-out'])) || values['ca-out'];
  mkdirSync(path.dirname(values['ca-out']), { recursive: true });
  writeFileSync(values['ca-out'], demo.caPem);
  const clients = exampleDemoClients(EXAMPLE_ENVIRONMENT);
  const idWidth = Math.max(...clients.map((c) => c.clientId.length));
  const secretWidth = Math.max(...clients.map((c) => c.clientSecret.length));
  process.stdout.write(
    [
      `demo issuer:   ${demo.issuer}   (config: ${EXAMPLE_ENVIRONMENT.name}; loopback demo, public keys and secrets)`,
      `CA bundle:     ${caOut}`,
      `audience:      ${demo.audience}`,
      `scopes:        ${demo.scopes.join(' ')}`,
      `token TTL:     ${demo.accessTokenTtlSeconds} s`,
      'clients (client_id, demo secret, granted scopes):',
      ...clients.map((c) => `  ${c.clientId.padEnd(idWidth)}  ${c.clientSecret.padEnd(secretWidth)}  ${c.grantedScopes.join(' ')}   (${c.name}, ${c.tokenEndpointAuthMethod ?? 'client_secret_basic'})`),
      `scope request: "${demo.requestScope(['<scope>'])}" per scope, or "${demo.requestScope()}" for every granted scope`,
      `token (${clients[0].name}):`,
      `  ${tokenCurl(demo, clients[0], caOut)}`,
      `  add | jq -r .access_token to keep the token only`,
      `check the lock: CI=true npm run lookups -- --refresh --ca-bundle ${caOut}`,
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
