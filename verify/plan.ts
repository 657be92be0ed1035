/**
 * What `npm run verify` checks, derived from an environment's config (the intent) and its
 * synthesized stacks (what is deployed: routes, stages, token location, output names):
 *
 * - per client: a token from the M2M server carrying exactly its configured scopes;
 * - per protected API, per stage it is published to: each client the config allows and that is
 *   granted every required scope → success (2xx); every other client → 403; no token → 401;
 * - per RAM role: each client whose id is an allowed subject → temporary credentials; every other
 *   client → refused with `AuthenticationFail.NoPermission`.
 *
 * - per cloud-native APIG environment (`apig` in config, seed 001): a request needing the global
 *   JWT authentication, with the token of the configured `subjectClient` (or of any client when
 *   none is set) → authenticated (neither 401 nor 403); every other client and no token → 401.
 *
 * - per OCI deployment route (`oci` in config, seed 002), with tokens of the OCI identity domain's
 *   clients: each client accepted by the deployment and holding one of the route's scopes → 2xx;
 *   a client holding none → 403; a client outside `allowedClients` → 401 (a verify-claim
 *   mismatch is a failed authentication); no token → 401. Deployments with `requiredClaims` get
 *   the no-token row only (whether a client's token carries the claim is not in the config).
 *
 * Extension point: a {@link RouteSource} turns one gateway kind's synthesized stack into route
 * checks: API Gateway (classic), APIG and OCI API Gateway have one.
 */
import * as path from 'node:path';
import type { EnvironmentConfig, M2mClientConfig, OciClientConfig } from '../config';
import { effectivePlugins, loadApigStack, loadOciDeployments, loadStack, loadFederationStack } from '../emulator';
import { parseReference } from '../core/expressions';
import { readStackFile } from '../core/stack-file';

/** A client as verify uses it. */
export type VerifyClient = M2mClientConfig;

/** Where the token travels on a route. */
export interface TokenPlacement {
  /** `query` parameter or `header`. */
  readonly location: 'query' | 'header';
  /** Parameter or header name. */
  readonly parameter: string;
  /**
   * Text before the token.
   * @default - `Bearer ` for the `Authorization` header, none otherwise
   */
  readonly prefix?: string;
}

/** What a call is expected to get: 2xx, 403, 401, or past authentication (neither 401 nor 403). */
export type CallExpectation = 'success' | 'forbidden' | 'unauthorized' | 'authenticated';

/** One protected route on one stage. */
export interface RouteCheck {
  /** The gateway kind, e.g. `apigateway`. */
  readonly gateway: string;
  /** API name. */
  readonly api: string;
  /** HTTP method. */
  readonly method: string;
  /** Concrete request path (path parameters filled in). */
  readonly path: string;
  /** Stage; `RELEASE` is called without `X-Ca-Stage`. */
  readonly stage: string;
  /** `https` unless the API only speaks HTTP. */
  readonly scheme: 'https' | 'http';
  /** Output (in {@link stack}) holding the host to call, e.g. the group's second-level domain. */
  readonly hostOutput?: string;
  /** The verify option giving the base URL when no output holds it, e.g. `--apig-url`. */
  readonly hostOption?: string;
  /** Stack holding {@link hostOutput}. */
  readonly stack: string;
  /** Where the token goes. */
  readonly token: TokenPlacement;
  /**
   * Whose clients the expectations name: the M2M server's (`clients`) or the OCI identity domain's (`oci.clients`).
   * @default 'm2m'
   */
  readonly identity?: 'm2m' | 'oci';
  /** Per client name (and `null` for no token), the expected outcome. */
  readonly expectations: readonly { readonly client: string | null; readonly expect: CallExpectation; readonly why: string }[];
}

/** One role to exchange tokens for. */
export interface RoleCheck {
  /** Role name. */
  readonly role: string;
  /** Output holding the role ARN. */
  readonly roleArnOutput?: string;
  /** Per client name, whether credentials are expected. */
  readonly expectations: readonly { readonly client: string; readonly expect: 'credentials' | 'refused'; readonly why: string }[];
}

/** Everything verify checks for one environment. */
export interface VerifyPlan {
  /** The environment. */
  readonly env: EnvironmentConfig;
  /** Synthesized stack names, e.g. `gateway-dev`. */
  readonly stacks: { readonly gateway: string; readonly federation: string };
  /** Stack name of each gateway kind with routes, e.g. `{ apigateway: 'gateway-dev', apig: 'apig-dev' }`. */
  readonly routeStacks: Readonly<Record<string, string>>;
  /** Every stack the plan read, parsed, by stack name (each file is read once, here). */
  readonly synthesized: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Clients in config order. */
  readonly clients: readonly VerifyClient[];
  /** OCI identity domain clients in config order (none without `oci`). */
  readonly ociClients: readonly OciClientConfig[];
  /** Routes to call. */
  readonly routes: readonly RouteCheck[];
  /** Output holding the OIDC provider ARN. */
  readonly providerArnOutput?: string;
  /** Roles to assume. */
  readonly roles: readonly RoleCheck[];
  /** Problems found while planning (each becomes a failed row). */
  readonly problems: readonly string[];
}

/** Turns a synthesized stack of one gateway kind into route checks (the extension point, e.g. for OCI). */
export interface RouteSource {
  /** Gateway kind, e.g. `apigateway`. */
  readonly gateway: string;
  /** The stack of `env` holding this kind's routes; `undefined` when the environment has none. */
  stackName(env: EnvironmentConfig): string | undefined;
  /** Route checks, or problems naming what is missing. */
  routes(env: EnvironmentConfig, stack: string, synthesized: unknown): { routes: RouteCheck[]; problems: string[] };
}

/**
 * Plans the checks of `env` from the stacks synthesized into `outdir` (`cdktf.out`).
 * @throws StackFileError when a stack was not synthesized
 */
export function planVerification(env: EnvironmentConfig, outdir: string, sources: readonly RouteSource[] = ROUTE_SOURCES): VerifyPlan {
  const stacks = { gateway: `gateway-${env.name}`, federation: `federation-${env.name}` };
  const synthesized: Record<string, Record<string, unknown>> = {};
  const read = (name: string) => (synthesized[name] ??= readStackFile(stackFile(outdir, name), 'Run `npm run synth` first (or pass --outdir).'));
  const federation = read(stacks.federation);
  read(stacks.gateway);
  const problems: string[] = [];
  const routes: RouteCheck[] = [];
  const routeStacks: Record<string, string> = {};
  for (const source of sources) {
    const name = source.stackName(env);
    if (name === undefined) continue;
    routeStacks[source.gateway] = name;
    const found = source.routes(env, name, read(name));
    routes.push(...found.routes);
    problems.push(...found.problems);
  }

  const fedModel = loadFederationStack(federation, env.accountId);
  const arnOutputs = outputsByReference(federation, 'arn');
  const provider = fedModel.providers[0];
  const providerArnOutput = provider ? arnOutputs.get(provider.address) : undefined;
  if (!provider) problems.push(`${stacks.federation} defines no OIDC provider`);
  else if (!providerArnOutput) problems.push(`${stacks.federation} has no output with the ARN of ${provider.address}`);
  const roles: RoleCheck[] = env.federation.roles.map((role) => {
    const resource = fedModel.roles.find((r) => r.name === role.name);
    if (!resource) problems.push(`${stacks.federation} defines no RAM role ${role.name}`);
    const roleArnOutput = resource ? arnOutputs.get(resource.address) : undefined;
    if (resource && !roleArnOutput) problems.push(`${stacks.federation} has no output with the ARN of role ${role.name}`);
    return {
      role: role.name,
      roleArnOutput,
      expectations: env.clients.map((c) => (role.subjects.includes(c.clientId)
        ? { client: c.name, expect: 'credentials' as const, why: `${c.clientId} is an allowed subject` }
        : { client: c.name, expect: 'refused' as const, why: `${c.clientId} is not an allowed subject` })),
    };
  });
  return { env, stacks, routeStacks, synthesized, clients: env.clients, ociClients: env.oci?.clients ?? [], routes, providerArnOutput, roles, problems };
}

/** Route checks for API Gateway (classic) stacks. */
export const API_GATEWAY_ROUTES: RouteSource = {
  gateway: 'apigateway',
  stackName: (env) => `gateway-${env.name}`,
  routes(env, stack, synthesized) {
    const model = loadStack(synthesized);
    const domains = outputsByReference(synthesized, 'sub_domain');
    const problems: string[] = [];
    const routes: RouteCheck[] = [];
    for (const config of env.gateway.apis) {
      const api = model.apis.find((a) => a.name === config.name);
      if (!api) {
        problems.push(`${stack} has no API named ${config.name}`);
        continue;
      }
      const hostOutput = api.groupKey ? domains.get(api.groupKey) : undefined;
      if (!hostOutput) problems.push(`${stack} has no output with the second-level domain of the group of API ${api.name}`);
      for (const stage of api.stages) {
        const jwt = effectivePlugins(model, api, stage).find((b) => b.plugin.script.type === 'jwtAuth');
        const token: TokenPlacement = jwt && jwt.plugin.script.type === 'jwtAuth'
          ? { location: jwt.plugin.script.config.parameterLocation, parameter: jwt.plugin.script.config.parameter }
          : { location: 'header', parameter: 'Authorization' };
        routes.push({
          gateway: 'apigateway',
          api: api.name,
          method: api.method === 'ANY' ? 'GET' : api.method,
          path: api.path.replace(/\[[^\]]+\]/g, 'verify'),
          stage,
          scheme: api.protocol.includes('HTTPS') ? 'https' : 'http',
          hostOutput,
          stack,
          token,
          expectations: [
            ...env.clients.map((c) => callExpectation(c, config.allowedClients, config.requiredScopes)),
            { client: null, expect: 'unauthorized' as const, why: 'no token' },
          ],
        });
      }
    }
    return { routes, problems };
  },
};

/**
 * Route checks for the cloud-native APIG global JWT authentication (`apig-<env>`). The gateway
 * is imported, so its address comes from `--apig-url` (deployed) or the APIG emulator (local).
 * The request goes to a path the rule protects: `/` in whitelist mode (everything but the
 * listed conditions), the first listed path in blacklist mode.
 */
export const APIG_ROUTES: RouteSource = {
  gateway: 'apig',
  stackName: (env) => (env.apig ? `apig-${env.name}` : undefined),
  routes(env, stack, synthesized) {
    const apig = env.apig;
    if (!apig) return { routes: [], problems: [] };
    const model = loadApigStack(synthesized);
    if (model.policies.length === 0) return { routes: [], problems: [`${stack} defines no JWTAuth policy`] };
    const blacklist = apig.mode === 'blacklist';
    const pathOf = (p: string) => p.replace(/\*+/g, 'verify');
    const subject = apig.subjectClient;
    const source = apig.tokenSource;
    return {
      problems: [],
      routes: [{
        gateway: 'apig',
        api: `APIG ${apig.policyName}`,
        method: 'GET',
        path: blacklist && apig.rules?.length ? pathOf(apig.rules[0].path) : '/',
        stage: `${apig.gatewayId}/${apig.environmentId}`,
        scheme: 'https',
        hostOption: 'apig-url',
        stack,
        token: source === undefined
          ? { location: 'header', parameter: 'Authorization', prefix: 'Bearer ' }
          : { location: source.in, parameter: source.name, prefix: source.prefix ?? '' },
        expectations: [
          ...env.clients.map((c) => (subject === undefined || subject === c.name
            ? { client: c.name, expect: 'authenticated' as const, why: subject === undefined ? 'a client of the issuer' : 'the configured subject' }
            : { client: c.name, expect: 'unauthorized' as const, why: `sub is not ${subject}` })),
          { client: null, expect: 'unauthorized' as const, why: 'no token' },
        ],
      }],
    };
  },
};

/**
 * Route checks for OCI API Gateway deployments (`oci-<env>`). Each configured route is looked up
 * in the synthesized deployment with the same path prefix (missing → a problem); the token goes
 * where the deployment's authentication policy reads it. The gateway's address comes from
 * `--oci-url` (deployed) or the OCI emulator (local).
 */
export const OCI_ROUTES: RouteSource = {
  gateway: 'oci',
  stackName: (env) => (env.oci ? `oci-${env.name}` : undefined),
  routes(env, stack, synthesized) {
    const oci = env.oci;
    if (!oci) return { routes: [], problems: [] };
    const deployed = loadOciDeployments(synthesized);
    const problems: string[] = [];
    const routes: RouteCheck[] = [];
    for (const config of oci.deployments) {
      const deployment = deployed.find((d) => d.pathPrefix === config.pathPrefix);
      if (!deployment) {
        problems.push(`${stack} has no OCI deployment with path prefix ${config.pathPrefix} (${config.name})`);
        continue;
      }
      const policy = deployment.authentication.policy;
      if (!policy) {
        problems.push(`${stack} deployment ${config.name} has no readable token authentication: ${deployment.authentication.problem ?? 'none'}`);
        continue;
      }
      const token: TokenPlacement = policy.tokenQueryParam !== undefined
        ? { location: 'query', parameter: policy.tokenQueryParam }
        : { location: 'header', parameter: policy.tokenHeader ?? 'authorization', prefix: policy.tokenAuthScheme ? `${policy.tokenAuthScheme} ` : '' };
      const audienceAccepted = (config.audiences ?? [oci.identityDomain.audience]).includes(oci.identityDomain.audience);
      for (const route of config.routes) {
        const methods = route.methods ?? ['GET'];
        if (!deployment.routes.some((r) => r.path === route.path && methods.every((m) => r.methods.includes(m)))) {
          problems.push(`${stack} deployment ${config.name} has no route ${methods.join(',')} ${route.path}`);
          continue;
        }
        const clientRows = config.requiredClaims?.length ? [] : oci.clients.map((c) => ociExpectation(c, config.allowedClients, route.anyOfScopes ?? [], audienceAccepted));
        routes.push({
          gateway: 'oci',
          api: `OCI ${config.name}`,
          method: methods[0] === 'ANY' ? 'GET' : methods[0],
          path: `${config.pathPrefix.replace(/\/$/, '')}${route.path.replace(/\{[^}]+\}/g, 'verify')}`,
          stage: config.name,
          scheme: 'https',
          hostOption: 'oci-url',
          stack,
          token,
          identity: 'oci',
          expectations: [...clientRows, { client: null, expect: 'unauthorized' as const, why: 'no token' }],
        });
      }
    }
    return { routes, problems };
  },
};

/** The gateway kinds verify checks, in report order. */
export const ROUTE_SOURCES: readonly RouteSource[] = [API_GATEWAY_ROUTES, APIG_ROUTES, OCI_ROUTES];

function ociExpectation(client: OciClientConfig, allowed: readonly string[] | undefined, anyOf: readonly string[], audienceAccepted: boolean) {
  if (!audienceAccepted) return { client: client.name, expect: 'unauthorized' as const, why: 'the domain audience is not accepted' };
  if (allowed !== undefined && !allowed.includes(client.name)) return { client: client.name, expect: 'unauthorized' as const, why: 'not an allowed client' };
  if (!anyOf.some((s) => client.grantedScopes.includes(s))) return { client: client.name, expect: 'forbidden' as const, why: `holds none of ${anyOf.join(' ')}` };
  return { client: client.name, expect: 'success' as const, why: `holds one of ${anyOf.join(' ')}` };
}

function callExpectation(client: M2mClientConfig, allowed: readonly string[], required: readonly string[]) {
  const missing = required.filter((s) => !client.grantedScopes.includes(s));
  if (!allowed.includes(client.name)) return { client: client.name, expect: 'forbidden' as const, why: 'not an allowed client' };
  if (missing.length > 0) return { client: client.name, expect: 'forbidden' as const, why: `lacks ${missing.join(' ')}` };
  return { client: client.name, expect: 'success' as const, why: `allowed, holds ${required.join(' ')}` };
}

/** Output names by the resource address their value references (`${<address>.<attribute>}`). */
function outputsByReference(stack: unknown, attribute: string): Map<string, string> {
  const out = new Map<string, string>();
  const outputs = ((stack as { output?: Record<string, { value?: unknown }> }).output ?? {});
  for (const [name, output] of Object.entries(outputs)) {
    const ref = parseReference(output?.value);
    if (ref && ref.attribute === attribute && !out.has(ref.address)) out.set(ref.address, name);
  }
  return out;
}

function stackFile(outdir: string, stack: string): string {
  return path.join(outdir, 'stacks', stack, 'cdk.tf.json');
}
