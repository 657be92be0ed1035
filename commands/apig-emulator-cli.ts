/**
 * The cloud-native APIG side of `npm run emulator`: a stack with `alicloud_apig_policy`
 * resources and no classic API Gateway APIs is served by the {@link ApigEmulator}.
 */
import { ApigEmulator, hasApigPolicies } from '../emulator/apig';
import { startApigEmulatorServer } from '../emulator/apig-server';
import type { CommandOutput } from '../core/command-line';
import type { EmulatorCliResult } from './emulator-cli';

/** What the CLI passes on. */
export interface ApigCliOptions {
  readonly port: number;
  readonly host?: string;
  readonly gateway?: string;
  readonly environment?: string;
}

/**
 * Serves the parsed stack of `file` through the APIG emulator when it is an APIG stack.
 * @param json - the parsed `cdk.tf.json` (read once by the emulator CLI)
 * @returns the CLI result, or `undefined` when the stack is not an APIG stack (the classic or OCI emulator serves it)
 */
export async function serveApigStack(file: string, json: unknown, options: ApigCliOptions, output: CommandOutput): Promise<EmulatorCliResult | undefined> {
  const stack = json as { resource?: Record<string, unknown> };
  if (!hasApigPolicies(stack) || stack.resource?.alicloud_api_gateway_api !== undefined) return undefined;
  const emulator = ApigEmulator.fromStack(stack);
  for (const skipped of emulator.model.notEmulated) output.writeError(`warning: policy not emulated: ${skipped}\n`);
  const server = await startApigEmulatorServer(emulator, options);
  output.write([
    `cloud-native APIG emulator: ${server.url} (Host header = request domain; X-Apig-Gateway / X-Apig-Environment pick the gateway)`,
    `stack:            ${file}`,
    'gateways / environments:',
    ...emulator.model.targets.map((t) => `  ${t.gateway} / ${t.environment}`),
    'Ctrl-C to stop.',
    '',
  ].join('\n'));
  return { server };
}
