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
 *   ARNs standing in for the deployed outputs;
 * - when the environment configures OCI and its identity domain issuer is the demo issuer: a
 *   second demo issuer playing the identity domain (same issuer URL and keys, the domain's
 *   audience and scopes, and the config's `oci.clients`: an app the stack creates gets a local
 *   client id), and the OCI emulator serving `oci-<env>` with the lock's key sets in place of
 *   the JWKS URL the lock recorded (nothing listens there).
 */
import type { EnvironmentConfig, OciClientConfig, OciConfig } from '../config';
import { DEV } from '../config/environments';
import { type DemoExample, type DemoIssuer, DEMO_FIXED_ISSUER, DEMO_FIXED_PORT, exampleDemoIssuerOptions, startDemoIssuer } from '../demo-issuer';
import {
  ApigEmulator, type EmulatorServer, GatewayEmulator, OciGatewayEmulator, type StsEmulatorServer, StsEmulator, issuerFactsFromLock, keySetsFromLock,
  startApigEmulatorServer, startEmulatorServer, startStsEmulatorServer,
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
 * Why `--local` cannot check the OCI routes of `env` (its identity domain is not the demo
 * issuer, so no local server can sign tokens the lock's keys verify), or `undefined` when it can
 * or there are none.
 */
export function localOciProblem(env: EnvironmentConfig): string | undefined {
  if (!env.oci || env.oci.identityDomain.issuer === DEMO_FIXED_ISSUER) return undefined;
  return `--local checks oci-${env.name} only when its identity domain issuer is the demo issuer ${DEMO_FIXED_ISSUER} (it is ${env.oci.identityDomain.issuer}); verify the deployed OCI gateway with --oci-url`;
}

/** The local client id of an app the OCI stack creates in the identity domain (its real id exists only after deploy). */
function localAppId(client: OciClientConfig): string {
  return client.clientId ?? `local-app-${client.name}`;
}

/**
 * The identity domain as the local demo issuer plays it: the domain's audience and scopes and
 * the config's OCI clients with their grants (the stack grants created apps exactly those).
 */
function localIdentityDomain(env: EnvironmentConfig, oci: OciConfig): DemoExample {
  return {
    name: `${env.name} (OCI identity domain)`,
    m2mServer: { issuer: oci.identityDomain.issuer, audience: oci.identityDomain.audience, scopes: oci.identityDomain.scopes },
    clients: oci.clients.map((c) => ({
      name: c.name, clientId: localAppId(c), grantedScopes: c.grantedScopes, clientAuth: { method: c.clientAuth?.method ?? 'client_secret_post' },
    })),
  };
}

/** Resource servers whose audience is not an absolute URI (`anwendung1`) get it as the tokens' `aud` only: the demo's resource indicator must be a URI. */
function audienceOptions(audience: string): { audience?: string; accessTokenAudience?: string } {
  return URL.canParse(audience) ? {} : { audience: 'https://identity-domain.local.invalid', accessTokenAudience: audience };
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
    let oci: { server: EmulatorServer; domain: DemoIssuer } | undefined;
    if (plan.routeStacks.oci && env.oci) {
      const problem = localOciProblem(env);
      if (problem) throw new Error(problem);
      const domain = await startDemoIssuer({
        ...exampleDemoIssuerOptions(localIdentityDomain(env, env.oci)), ...audienceOptions(env.oci.identityDomain.audience), port: 0, issuerPort: DEMO_FIXED_PORT,
      });
      closers.push(() => domain.close());
      const emulator = OciGatewayEmulator.fromStack(plan.synthesized[plan.routeStacks.oci], { keySets: keySetsFromLock(lock) });
      closers.push(() => emulator.close());
      const server = await startEmulatorServer(emulator);
      closers.push(() => server.close());
      oci = { server, domain };
    }
    const ociSecrets = new Map(oci?.domain.clients.map((c) => [c.clientId, c.clientSecret]));
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
      ...(oci ? {
        oci: {
          tokenEndpoint: oci.domain.tokenEndpoint,
          clientId: localAppId,
          secret: (client: OciClientConfig) => {
            const secret = ociSecrets.get(localAppId(client));
            return secret ? { secret } : { problem: `the local identity domain has no client ${localAppId(client)}` };
          },
        },
      } : {}),
      baseUrl: (route) => {
        if (route.gateway === 'apig') return apig ? { url: apig.url } : { problem: 'no APIG stack' };
        if (route.gateway === 'oci') return oci ? { url: oci.server.url } : { problem: 'no OCI stack' };
        return { url: gateway.url };
      },
    };
    return { targets, close };
  } catch (error) {
    await close();
    throw error;
  }
}
