/**
 * The cloud-native APIG side of `npm run emulator`: a stack with `alicloud_apig_policy`
 * resources and no classic API Gateway APIs is served by the {@link ApigEmulator}.
 */
import { readFileSync } from 'node:fs';
import { ApigEmulator, hasApigPolicies } from '../emulator/apig';
import { startApigEmulatorServer } from '../emulator/apig-server';
import type { EmulatorCliOutput, EmulatorCliResult } from './emulator-cli';

/** What the CLI passes on. */
export interface ApigCliOptions {
  readonly port: number;
  readonly host?: string;
  readonly gateway?: string;
  readonly environment?: string;
}

/**
 * Serves `file` through the APIG emulator when it is an APIG stack.
 * @returns the CLI result, or `undefined` when the file is not a readable APIG stack (the classic emulator serves or reports it)
 */
export async function serveApigStack(file: string, options: ApigCliOptions, output: EmulatorCliOutput): Promise<EmulatorCliResult | undefined> {
  let stack: { resource?: Record<string, unknown> };
  try {
    stack = JSON.parse(readFileSync(file, 'utf8')) as { resource?: Record<string, unknown> };
  } catch {
    return undefined; // the classic loader reports an unreadable stack
  }
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
