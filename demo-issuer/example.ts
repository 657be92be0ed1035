/**
 * The demo issuer as an example environment expects it: at https://localhost:8443/demo with the
 * committed fixtures (the material `lookups.lock.json` was recorded from), serving the example M2M
 * server's audience, scope catalog and clients. The example is passed in (by `commands/`, from
 * `config/`): the demo issuer does not import the project's config.
 *
 * The config holds no secrets (a client's secret never enters config), so the demo gives every
 * example client a fixed, public demo secret: `<name>-demo-secret`. They are printed by
 * `serve.ts` and only ever accepted by this loopback demo.
 */
import { type DemoClient, type DemoIssuer, type DemoIssuerOptions, startDemoIssuer } from './demo-issuer';
import { DEMO_FIXED_ISSUER, DEMO_FIXED_PORT, loadDemoFixtures } from './fixtures';
import type { ChainShape } from './pki';

/**
 * What the demo needs to know about an example environment: the shape of the project's
 * `EnvironmentConfig` it reads (an `EnvironmentConfig` can be passed as it is).
 */
export interface DemoExample {
  /** Environment name, for messages. */
  readonly name: string;
  /** The M2M server the environment trusts. */
  readonly m2mServer: { readonly issuer: string; readonly audience: string; readonly scopes: readonly string[] };
  /** Its clients, with the scopes they are granted and how they authenticate at the token endpoint. */
  readonly clients: readonly {
    readonly name: string;
    readonly clientId: string;
    readonly grantedScopes: readonly string[];
    readonly clientAuth?: { readonly method?: 'client_secret_basic' | 'client_secret_post' };
  }[];
}

/** A client of the example with the demo secret it authenticates with. */
export interface ExampleDemoClient extends DemoClient {
  /** The client's name in the config (`reporting`, `provisioning`). */
  readonly name: string;
  /** Scopes the config grants it. */
  readonly grantedScopes: readonly string[];
}

/** The public demo secret of an example client (loopback demo only). */
export function exampleDemoSecret(name: string): string {
  return `${name}-demo-secret`;
}

/** The example's clients with their demo secrets, in config order. */
export function exampleDemoClients(env: DemoExample): ExampleDemoClient[] {
  return env.clients.map((c) => ({
    name: c.name, clientId: c.clientId, clientSecret: exampleDemoSecret(c.name), grantedScopes: c.grantedScopes,
    ...(c.clientAuth ? { tokenEndpointAuthMethod: c.clientAuth.method ?? 'client_secret_post' } : {}),
  }));
}

/** Options of {@link exampleDemoIssuerOptions}. */
export interface ExampleDemoIssuerOverrides {
  /**
   * Port. Anything but 8443 serves another issuer URL than the one the lock recorded.
   * @default DEMO_FIXED_PORT (8443)
   */
  readonly port?: number;
  /**
   * Chain the server sends.
   * @default ChainShape.LEAF_AND_INTERMEDIATE
   */
  readonly chainShape?: ChainShape;
}

/**
 * Options that make {@link startDemoIssuer} serve the example: the committed fixtures, the
 * example's audience, scopes and clients.
 *
 * @throws when the example environment no longer trusts the demo issuer (its `m2mServer.issuer`
 *   is not https://localhost:8443/demo)
 */
export function exampleDemoIssuerOptions(env: DemoExample, overrides: ExampleDemoIssuerOverrides = {}): DemoIssuerOptions {
  if (env.m2mServer.issuer !== DEMO_FIXED_ISSUER) {
    throw new Error(`environment ${env.name} trusts ${env.m2mServer.issuer}, not the demo issuer ${DEMO_FIXED_ISSUER}: nothing to demo`);
  }
  const fixtures = loadDemoFixtures();
  return {
    port: overrides.port ?? DEMO_FIXED_PORT,
    pki: fixtures.certificates,
    signingKeys: fixtures.signingKeys,
    ...(overrides.chainShape ? { chainShape: overrides.chainShape } : {}),
    audience: env.m2mServer.audience,
    scopes: env.m2mServer.scopes,
    clients: exampleDemoClients(env),
  };
}

/**
 * Starts the example's demo issuer (what `npm run demo-issuer` serves).
 *
 * @throws with a message naming the port when it is in use (e.g. `npm run demo-issuer` is
 *   already running)
 */
export async function startExampleDemoIssuer(env: DemoExample, overrides: ExampleDemoIssuerOverrides = {}): Promise<DemoIssuer> {
  const options = exampleDemoIssuerOptions(env, overrides);
  try {
    return await startDemoIssuer(options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`port ${options.port} is in use: the example demo issuer must listen on it (its URL is recorded in lookups.lock.json). Stop whatever holds it (e.g. a running \`npm run demo-issuer\`) and retry.`);
    }
    throw error;
  }
}
