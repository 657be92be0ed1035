/**
 * `npx tsx commands/emulator.ts --stack <cdk.tf.json> [--stage TEST] [--port 8080] [--host 127.0.0.1] [--group <name>]`
 *
 * Serves a synthesized stack through the gateway emulator.
 */
import { readFileSync } from 'node:fs';
import { serveApigStack } from './apig-emulator-cli';
import { GatewayEmulator } from '../emulator/gateway';
import { OciGatewayEmulator } from '../emulator/oci-gateway';
import { hasOciDeployments } from '../emulator/oci-stack';
import { type EmulatorServer, type RequestEmulator, startEmulatorServer } from '../emulator/server';
import { DEFAULT_REQUEST_STAGE, STAGE_NAMES } from '../core/stages';
import { readStackFile } from '../core/stack-file';
import { type CommandOutput, PROCESS_OUTPUT, parseCommandLine, usageError } from '../core/command-line';

/** Help text of the CLI. */
export const EMULATOR_HELP = `Usage: npx tsx commands/emulator.ts --stack <cdk.tf.json> [options]

Serves a synthesized stack through a local API Gateway emulator that enforces its jwtAuth,
accessControl and trafficControl plugins (no backend is called). Each response has the
emulated status, an x-emulator-decision header (ALLOW or DENY) and a JSON body with the reason.
A cloud-native APIG stack (alicloud_apig_policy, e.g. cdktf.out/stacks/apig-dev/cdk.tf.json) is
served with its JWTAuth policies instead: the Host header is the request domain.

Options:
  --stack <file>   Synthesized stack, e.g. cdktf.out/stacks/gateway-dev/cdk.tf.json (required).
  --stage <stage>  Stage for requests without an X-Ca-Stage header: TEST, PRE or RELEASE.
                   Default: RELEASE.
  --port <port>    Port to listen on (0 picks a free one). Default: 8080.
  --host <addr>    Address to listen on. Default: 127.0.0.1.
  --group <name>   API group to route in when several groups have the same route.
  --ca-bundle <pem>  Extra trusted CA certificates for fetching an OCI deployment's JWKS
                   (e.g. demo-issuer/.run/ca.pem). Default: the system trust store.
  --gateway <id>   Cloud-native APIG stacks (alicloud_apig_policy): gateway for requests without
                   an X-Apig-Gateway header. Default: the stack's only gateway.
  --environment <id>  APIG environment for requests without X-Apig-Environment. Default: the
                   gateway's only environment.
  --help           Show this help.

A stack with OCI API Gateway deployments (oci_apigateway_deployment, e.g. oci-dev) is served
by the OCI emulator: routes by path prefix and path, token authentication with the remote
JWKS, per-route scopes (--stage and --group do not apply).

Example:
  curl -i "http://127.0.0.1:8080/hello?id_token=$TOKEN" -H 'X-Ca-Stage: TEST'

Exit status: 0 on --help, 1 when the stack cannot be loaded, 2 on a usage error.
`;

/** Result of {@link runEmulatorCli}: an exit code, or a running server. */
export type EmulatorCliResult = { readonly code: number; readonly server?: undefined } | { readonly code?: undefined; readonly server: EmulatorServer };

/**
 * Runs the emulator CLI.
 * @param argv - arguments after the script name
 */
export async function runEmulatorCli(argv: readonly string[], output: CommandOutput = PROCESS_OUTPUT): Promise<EmulatorCliResult> {
  const line = parseCommandLine(argv, {
    stack: { type: 'string' },
    stage: { type: 'string', default: DEFAULT_REQUEST_STAGE },
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    group: { type: 'string' },
    gateway: { type: 'string' },
    environment: { type: 'string' },
    'ca-bundle': { type: 'string' },
  }, EMULATOR_HELP, false, output);
  if (line.exitCode !== undefined) return { code: line.exitCode };
  const { values } = line;
  const usage = (message: string): EmulatorCliResult => ({ code: usageError(message, EMULATOR_HELP, output).exitCode });
  if (!values.stack) return usage('--stack is required');
  const stage = (values.stage ?? DEFAULT_REQUEST_STAGE).toUpperCase();
  if (!(STAGE_NAMES as readonly string[]).includes(stage)) return usage(`--stage must be TEST, PRE or RELEASE, got ${values.stage}`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return usage(`--port must be a port number, got ${values.port}`);

  let json: Record<string, unknown>;
  try {
    json = readStackFile(values.stack, 'Run `npm run synth` first, or pass the stack file with --stack.');
  } catch (error) {
    output.writeError(`${(error as Error).message}\n`);
    return { code: 1 };
  }
  const apig = await serveApigStack(values.stack, json, { port, host: values.host, gateway: values.gateway, environment: values.environment }, output);
  if (apig) return apig;
  let emulator: RequestEmulator;
  let apis: string[];
  try {
    const oci = loadOciEmulator(json, values['ca-bundle']);
    if (oci) {
      emulator = oci;
      apis = oci.deployments.flatMap((d) => d.routes.map((r) => `  ${r.methods.join(',').padEnd(6)} ${d.pathPrefix.replace(/\/+$/, '')}${r.path}  (${d.name}; ${r.authorization?.type ?? 'AUTHENTICATION_ONLY'})`));
    } else {
      const gateway = GatewayEmulator.fromStack(json);
      for (const warning of gateway.model.warnings) output.writeError(`warning: ${warning}\n`);
      emulator = gateway;
      apis = gateway.model.apis.map((a) => `  ${a.method.padEnd(6)} ${a.path}  (${a.name}; ${a.stages.join(', ') || 'not published'})`);
    }
  } catch (error) {
    output.writeError(`${(error as Error).message}\n`);
    return { code: 1 };
  }
  const server = await startEmulatorServer(emulator, { port, host: values.host, defaultStage: stage, group: values.group });
  output.write([
    `gateway emulator: ${server.url} (default stage ${stage}; X-Ca-Stage overrides)`,
    `stack:            ${values.stack}`,
    'APIs:',
    ...apis,
    'Ctrl-C to stop.',
    '',
  ].join('\n'));
  return { server };
}

/** The OCI emulator when the parsed stack holds OCI deployments, else `undefined`. */
function loadOciEmulator(json: unknown, caBundle: string | undefined): OciGatewayEmulator | undefined {
  if (!hasOciDeployments(json)) return undefined;
  let caPem: string | undefined;
  if (caBundle !== undefined) {
    try {
      caPem = readFileSync(caBundle, 'utf8');
    } catch (error) {
      throw new Error(`cannot read --ca-bundle ${caBundle}: ${(error as Error).message}`);
    }
  }
  return OciGatewayEmulator.fromStack(json, { caPem });
}
