/**
 * The local stack `npm run verify -- --local` checks against, started in-process on loopback:
 *
 * - the demo issuer serving the example's M2M server (its committed keys, audience, scopes and
 *   clients with their public demo secrets and auth methods), under the issuer URL the lock
 *   records (https://localhost:8443/demo) but listening on a free port, so a running
 *   `npm run demo-issuer` does not get in the way. It plays IDaaS: its grants are the example's,
 *   not the config under test, so a config that no longer matches them fails verify;
 * - the gateway emulator serving the synthesized `gateway-<env>` stack, and the APIG emulator
 *   serving `apig-<env>` when the environment configures APIG;
 * - the STS emulator serving the synthesized `federation-<env>` stack with the lock's JWKS, its
 *   ARNs standing in for the deployed outputs.
 */
import type { EnvironmentConfig } from '../config';
import { DEV } from '../config/environments';
import { type DemoExample, type DemoIssuer, DEMO_FIXED_ISSUER, DEMO_FIXED_PORT, exampleDemoIssuerOptions, startDemoIssuer } from '../demo-issuer';
import {
  ApigEmulator, type EmulatorServer, GatewayEmulator, type StsEmulatorServer, StsEmulator, issuerFactsFromLock, startApigEmulatorServer, startEmulatorServer,
  startStsEmulatorServer,
} from '../emulator';
import type { LockFile } from '../core/issuer-facts';
import type { VerifyPlan } from './plan';
import type { VerifyTargets } from './run';

/** What the demo issuer serves: the committed example (the world the lock was recorded from), whatever config is verified. */
const EXAMPLE_WORLD = DEV;

/** The running local stack and its targets. */
export interface LocalStack {
  /** Targets for {@link runVerification}. */
  readonly targets: VerifyTargets;
  /** Stops every server. */
  close(): Promise<void>;
}

/**
 * Starts the local stack for `plan`.
 * @param world - what the demo issuer serves (audience, scopes, clients and their grants)
 * @throws when the environment does not trust the demo issuer
 */
export async function startLocalStack(plan: VerifyPlan, lock: LockFile, world: DemoExample = EXAMPLE_WORLD): Promise<LocalStack> {
  const env: EnvironmentConfig = plan.env;
  if (env.m2mServer.issuer !== DEMO_FIXED_ISSUER) {
    throw new Error(`--local needs an environment that trusts the demo issuer ${DEMO_FIXED_ISSUER}; environment ${env.name} trusts ${env.m2mServer.issuer}. Verify it deployed instead (without --local).`);
  }
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c();
  };
  try {
    const demo: DemoIssuer = await startDemoIssuer({ ...exampleDemoIssuerOptions(world), port: 0, issuerPort: DEMO_FIXED_PORT });
    closers.push(() => demo.close());
    const gateway: EmulatorServer = await startEmulatorServer(GatewayEmulator.fromStack(plan.synthesized[plan.stacks.gateway]));
    closers.push(() => gateway.close());
    const sts = StsEmulator.fromStack(plan.synthesized[plan.stacks.federation], { accountId: env.accountId, issuers: issuerFactsFromLock(lock) });
    const stsServer: StsEmulatorServer = await startStsEmulatorServer(sts);
    closers.push(() => stsServer.close());
    let apig: EmulatorServer | undefined;
    if (plan.routeStacks.apig) {
      apig = await startApigEmulatorServer(ApigEmulator.fromStack(plan.synthesized[plan.routeStacks.apig]));
      closers.push(() => (apig as EmulatorServer).close());
    }
    const demoSecrets = new Map(demo.clients.map((c) => [c.clientId, c.clientSecret]));
    const targets: VerifyTargets = {
      mode: 'local',
      tokenEndpoint: demo.tokenEndpoint,
      caPem: demo.caPem,
      stsEndpoint: stsServer.url,
      output: (stack, name) => (stack === plan.stacks.federation ? sts.model.outputs[name] : undefined),
      secret: (client) => {
        const secret = demoSecrets.get(client.clientId);
        return secret ? { secret } : { problem: `the demo issuer has no client ${client.clientId} (its clients: ${[...demoSecrets.keys()].join(', ')})` };
      },
      baseUrl: (route) => (route.gateway === 'apig' ? (apig ? { url: apig.url } : { problem: 'no APIG stack' }) : { url: gateway.url }),
    };
    return { targets, close };
  } catch (error) {
    await close();
    throw error;
  }
}
