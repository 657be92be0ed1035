import type { TerraformStack } from 'cdktf';
import { parse } from 'yaml';
import { Api, ApiGroup, Backend, Stage, Suppressions } from '../../../constructs';
import type { ApiProps, M2mAuthorizationServer, M2mClient } from '../../../constructs';
import type { LockFile } from '../../../core/issuer-facts';
import { checkStack, SEED_CLIENT_ID, testServer, testStack } from '../../util';
import type { SynthesizedStack } from '../../util';

/** The seed's setup before any plugin: server + client, group, backend and the `hello` API. */
export interface SeedFixture {
  readonly stack: TerraformStack;
  readonly server: M2mAuthorizationServer;
  readonly client: M2mClient;
  readonly group: ApiGroup;
  readonly backend: Backend;
  readonly api: Api;
}

/** Options for {@link seedFixture}. */
export interface SeedFixtureOptions {
  readonly production?: boolean;
  readonly lock?: LockFile;
  readonly api?: Partial<ApiProps>;
  /**
   * The test renders a plugin on its own, so the fixture API is left without the full protection
   * on purpose: record that as an explicit APIGW-AUTH1 opt-out (with a reason) on the API, so the
   * API's own synth-time validation accepts it.
   */
  readonly isolated?: boolean;
}

/**
 * The seed's API: group, backend service, API `hello` (ANONYMOUS, mapping mode) published to
 * TEST and RELEASE, and the client `app_m7hf...` granted `user:read:one`.
 */
export function seedFixture(options: SeedFixtureOptions = {}): SeedFixture {
  const stack = testStack({ production: options.production, lock: options.lock });
  const server = testServer(stack);
  const client = server.addClient('SeedClient', { clientId: SEED_CLIENT_ID, grantedScopes: ['user:read:one'] });
  const group = new ApiGroup(stack, 'Group', { groupName: 'm2m_demo', description: 'M2M protected APIs' });
  const backend = new Backend(stack, 'Backend', { address: 'https://backend.example.com', backendName: 'hello_backend' });
  const api = new Api(stack, 'Hello', {
    group,
    backend,
    apiName: 'hello',
    path: '/hello',
    backendPath: '/v1/hello',
    stages: [Stage.TEST, Stage.RELEASE],
    ...options.api,
  });
  if (options.isolated) Suppressions.add(api, [{ id: 'APIGW-AUTH1', reason: 'Unit fixture: the plugin under test is rendered on its own' }]);
  return { stack, server, client, group, backend, api };
}

/** Every resource of a type in a synthesized stack, keyed by Terraform name. */
export function resourcesByName(synth: SynthesizedStack, type: string): Record<string, Record<string, any>> {
  return synth.resource?.[type] ?? {};
}

/** The only resource of a type (fails loudly when there are several). */
export function onlyResource(synth: SynthesizedStack, type: string): Record<string, any> {
  const all = Object.values(resourcesByName(synth, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

/** The plugin of a given `plugin_type` (fails loudly unless there is exactly one). */
export function pluginOfType(synth: SynthesizedStack, pluginType: string): Record<string, any> {
  const all = Object.values(resourcesByName(synth, 'alicloud_api_gateway_plugin')).filter((p) => p.plugin_type === pluginType);
  if (all.length !== 1) throw new Error(`expected exactly one ${pluginType} plugin, found ${all.length}`);
  return all[0];
}

/** The text the gateway receives: Terraform's `$${` / `%%{` escapes undone. */
export function gatewayText(pluginData: string): string {
  return pluginData.replace(/\$\$\{/g, () => '${').replace(/%%\{/g, () => '%{');
}

/** A plugin's script parsed as YAML (what the gateway reads). */
export function parseScript(plugin: Record<string, any>): any {
  return parse(gatewayText(plugin.plugin_data));
}

/** Terraform address of the only resource of a type, as used in `${...}` references. */
export function addressOf(synth: SynthesizedStack, type: string): string {
  const names = Object.keys(resourcesByName(synth, type));
  if (names.length !== 1) throw new Error(`expected exactly one ${type}, found ${names.length}`);
  return `${type}.${names[0]}`;
}

/** Messages of one security rule after the aspects ran, by level. */
export function findingsOf(stack: TerraformStack, id: string): { errors: string[]; warnings: string[]; infos: string[] } {
  const all = checkStack(stack);
  const mine = (list: string[]): string[] => list.filter((m) => m.startsWith(`${id}:`) || m.startsWith(`${id}[`));
  return { errors: mine(all.errors), warnings: mine(all.warnings), infos: mine(all.infos) };
}

/** `count` distinct client ids. */
export function clientIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `app_client_${String(i).padStart(3, '0')}`);
}
