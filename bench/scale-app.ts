/**
 * The scale scenario of the benchmark: `n` protected APIs in one API group, each published on
 * TEST, PRE and RELEASE, with the JWT and access-control plugins bound on every stage, built with
 * the project's constructs and the SecurityChecks aspect attached (as `stacks/app.ts` does).
 *
 * Rule sets vary realistically: APIs belong to three resource families (users, orders, reports);
 * reads require `<family>:read`, writes `<family>:write`, and each rule set allows exactly the
 * clients granted that scope. So M2mProtectedApis defines at most 6 access-control plugins
 * (3 rules and 3 parameters each: within the 16 that take effect even on shared instances),
 * shared by all APIs of the same rule set. The group is on a DEDICATED instance: 1,000 APIs and
 * 6,000 plugin bindings in one group is a dedicated-instance deployment, not a shared one.
 *
 * Resources: 1 group + 1 backend + 1 JWT plugin + 6 access-control plugins + n APIs
 * + 6n plugin attachments = 7n + 9 (fewer ACL plugins below n = 6).
 */
import { App, TerraformStack } from 'cdktf';
import { AlicloudProvider } from '../.gen/providers/alicloud/provider';
import { DEMO_ISSUER } from '../config/environments';
import {
  Api, ApiGroup, Backend, HttpMethod, InstanceType, IssuerLookup, M2mAuthorizationServer, M2mProtectedApis, SecurityChecks, Stage,
} from '../constructs';
import type { M2mClient, ProtectedApi } from '../constructs';
import type { LockFile } from '../core/issuer-facts';

/** Region of the scale stack's provider (the baseline uses the same). */
export const SCALE_REGION = 'cn-hangzhou';

const FAMILIES = ['users', 'orders', 'reports'] as const;
const READ_METHODS = [HttpMethod.GET];
const WRITE_METHODS = [HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE];

/** Name of the stack for size `n`. */
export function scaleStackName(n: number): string {
  return `scale-${n}`;
}

/**
 * Builds the scale app into `outdir` (an App factory for `synthAndValidate`).
 * @param lock the committed lookups lock (the demo issuer's facts): no network.
 */
export function buildScaleApp(outdir: string, n: number, lock: LockFile): App {
  const app = new App({ outdir });
  IssuerLookup.attach(app, lock);
  const stack = new TerraformStack(app, scaleStackName(n));
  new AlicloudProvider(stack, 'alicloud', { region: SCALE_REGION });
  SecurityChecks.attach(stack, { production: true });

  const scopes = FAMILIES.flatMap((f) => [`${f}:read`, `${f}:write`]);
  const server = new M2mAuthorizationServer(stack, 'M2mServer', {
    issuer: DEMO_ISSUER,
    audience: 'https://localhost:8443/demo-api',
    scopes,
  });
  // Four clients with overlapping grants, as a real tenant would have.
  const clients: M2mClient[] = [
    server.addClient('Client-reporting', { clientId: 'app_reporting_bench', grantedScopes: FAMILIES.map((f) => `${f}:read`) }),
    server.addClient('Client-provisioning', { clientId: 'app_provisioning_bench', grantedScopes: ['users:read', 'users:write'] }),
    server.addClient('Client-billing', { clientId: 'app_billing_bench', grantedScopes: ['orders:read', 'orders:write', 'reports:read'] }),
    server.addClient('Client-admin', { clientId: 'app_admin_bench', grantedScopes: scopes }),
  ];

  const group = new ApiGroup(stack, 'Group', {
    groupName: `m2m_scale_${n}`,
    description: `Benchmark group with ${n} protected APIs`,
    instanceId: 'apigateway-cn-hangzhou-bench00001',
    instanceType: InstanceType.DEDICATED,
  });
  const backend = new Backend(stack, 'Backend', { backendName: 'bench_backend', address: 'https://svc.bench.example.internal' });
  const stages = [Stage.TEST, Stage.PRE, Stage.RELEASE];

  const protectedApis: ProtectedApi[] = [];
  for (let i = 0; i < n; i++) {
    const family = FAMILIES[i % FAMILIES.length];
    // Every fourth API of a family is a read, the others are writes (POST, PUT, DELETE).
    const slot = Math.floor(i / FAMILIES.length);
    const write = slot % 4 !== 0;
    const method = write ? WRITE_METHODS[slot % WRITE_METHODS.length] : READ_METHODS[0];
    const path = `/v1/${family}/op${i}`;
    const api = new Api(stack, `Api-${i}`, {
      group,
      backend,
      apiName: `bench_${family}_${i}`,
      path,
      method,
      backendPath: path,
      stages,
    });
    const scope = `${family}:${write ? 'write' : 'read'}`;
    protectedApis.push({ api, requiredScopes: [scope], allowedClients: clients.filter((c) => c.isGranted(scope)) });
  }
  new M2mProtectedApis(stack, 'Protection', { server, apis: protectedApis });
  return app;
}
