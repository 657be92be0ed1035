/**
 * Example: another team's cdktf app built on m2m-guard.
 *
 * It imports m2m-guard ONLY through its package name (`m2m-guard`, `m2m-guard/lookups`,
 * `m2m-guard/validation`, `m2m-guard/providers/alicloud`, `m2m-guard/providers/oci`), never
 * through a relative path into the library, exactly as an app that installed the package would.
 * See README.md for how to run it.
 *
 * The "orders" team protects its own API with its own IDaaS M2M server, lets one client assume a
 * RAM role with its token, exposes the same API through an OCI API Gateway deployment trusting
 * the same issuer, keeps exports in an OSS bucket of its own (an alicloud resource type outside
 * the library's schema snapshot: reported as not validated, never an error), attaches the
 * security checks, and synthesizes with schema validation. The issuer's synth-time facts come
 * from this app's own lock file (./lookups.lock.json).
 */
import * as path from 'node:path';
import { App, LocalBackend, TerraformOutput, TerraformResource, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import {
  Api, ApiGroup, Backend, HttpMethod, IssuerLookup, M2mAuthorizationServer, M2mProtectedApis, OciApiGateway, OciJwtApiDeployment,
  OidcProvider, OidcRole, SecurityChecks, Stage, TokenLocation, annotationsByLevel,
} from 'm2m-guard';
import { type LockFile, prepareLookups } from 'm2m-guard/lookups';
import { synthAndValidate } from 'm2m-guard/validation';
import { provider } from 'm2m-guard/providers/alicloud';
import { provider as oci } from 'm2m-guard/providers/oci';

/** The orders team's IDaaS M2M server (recorded in ./lookups.lock.json). */
export const ORDERS_ISSUER = 'https://idaas.orders.example.com/api/v2/iauths_system/oauth2';
const ORDERS_AUDIENCE = 'https://idaas.orders.example.com';

/** Properties of {@link OrdersStack}. */
export interface OrdersStackProps {
  /** Alibaba Cloud region. */
  readonly region: string;
  /** Production rules for the security checks. */
  readonly production: boolean;
}

/** The orders team's stack: one M2M-protected API, and a RAM role its fulfilment client assumes. */
export class OrdersStack extends TerraformStack {
  public constructor(scope: Construct, id: string, props: OrdersStackProps) {
    super(scope, id);
    new LocalBackend(this, { path: `terraform.${id}.tfstate` });
    new provider.AlicloudProvider(this, 'alicloud', { region: props.region });
    new oci.OciProvider(this, 'oci', { region: 'eu-frankfurt-1' });

    // The M2M server is a reference: its keys and TLS fingerprints come from the lock.
    const server = new M2mAuthorizationServer(this, 'Idaas', {
      issuer: ORDERS_ISSUER,
      audience: ORDERS_AUDIENCE,
      scopes: ['orders:read', 'orders:write'],
    });
    const fulfilment = server.addClient('Fulfilment', { clientId: 'app_orders_fulfilment', grantedScopes: ['orders:read'] });

    // Gateway: one API, JWT-verified, scope- and client-checked.
    const group = new ApiGroup(this, 'Group', { groupName: 'orders_api', description: 'Orders API (M2M only)' });
    const backend = new Backend(this, 'Backend', { backendName: 'orders_service', address: 'https://orders.internal.example.com' });
    const listOrders = new Api(this, 'ListOrders', {
      group,
      backend,
      apiName: 'list_orders',
      description: 'Lists orders.',
      path: '/orders',
      method: HttpMethod.GET,
      backendPath: '/v1/orders',
      stages: [Stage.TEST],
    });
    new M2mProtectedApis(this, 'Protection', {
      server,
      tokenLocation: TokenLocation.authorizationBearer(),
      apis: [{ api: listOrders, requiredScopes: ['orders:read'], allowedClients: [fulfilment] }],
    });

    // Federation: the fulfilment client exchanges its token for a RAM role (AssumeRoleWithOIDC).
    const idp = OidcProvider.forM2mServer(this, 'OidcProvider', server, { oidcProviderName: 'orders-idaas' });
    const role = new OidcRole(this, 'FulfilmentRole', {
      provider: idp,
      roleName: 'orders-fulfilment',
      description: 'Assumed by the orders fulfilment client with its M2M token.',
      allowedSubjects: [fulfilment.clientId],
      maxSessionDurationSeconds: 3600,
    });
    role.grantOssRead('orders-exports');

    // The team's own alicloud resource, of a type the library does not use (its bindings come
    // from the team's own `cdktf get`; a generic resource stands in for them here).
    const exports = new TerraformResource(this, 'Exports', {
      terraformResourceType: 'alicloud_oss_bucket',
      terraformGeneratorMetadata: { providerName: 'alicloud' },
    });
    exports.addOverride('bucket', 'orders-exports');

    // The same API on OCI API Gateway, trusting the same issuer (JWKS from the lock).
    new OciJwtApiDeployment(this, 'OciOrders', {
      gateway: OciApiGateway.fromGatewayId(this, 'OciGateway', 'ocid1.apigateway.oc1.eu-frankfurt-1.amaaaaaaexampleorders'),
      compartmentId: 'ocid1.compartment.oc1..aaaaaaaaexampleorders',
      pathPrefix: '/orders',
      server,
      routes: [{ path: '/list', backendUrl: 'https://orders.internal.example.com/v1/orders', anyOfScopes: ['orders:read'] }],
    });

    new TerraformOutput(this, 'oidc_provider_arn', { value: idp.oidcProviderArn });
    new TerraformOutput(this, 'fulfilment_role_arn', { value: role.roleArn });
  }
}

/** Builds the app for an output directory (the factory {@link synthAndValidate} needs). */
export function buildOrdersApp(outdir: string, lock: LockFile): App {
  const app = new App({ outdir });
  IssuerLookup.attach(app, lock);
  const stack = new OrdersStack(app, 'orders', { region: 'cn-beijing', production: false });
  SecurityChecks.attach(stack, { production: false });
  return app;
}

async function main(): Promise<void> {
  // Records the issuer on first run (network), then reads it from the lock (offline; CI=true never looks up).
  const { lock } = await prepareLookups({ issuers: [{ issuer: ORDERS_ISSUER }], lockPath: path.join(__dirname, 'lookups.lock.json') });
  // Never the repository's cdktf.out/: synthAndValidate replaces its outdir as a whole.
  const outdir = process.env.CDKTF_OUTDIR ?? path.join(__dirname, 'cdktf.out');
  let app: App | undefined;
  const summary = synthAndValidate((dir) => (app = buildOrdersApp(dir, lock)), { outdir });
  for (const s of summary.stacks) process.stdout.write(`${s.stack}: ${s.resources} resources, ${s.providers} provider(s)\n`);
  for (const n of summary.stacks.flatMap((s) => s.notValidated)) process.stdout.write(`info ${n.message}\n`);
  // Security errors fail the synth above; warnings are annotations on the constructs.
  for (const w of app ? annotationsByLevel(app).warnings : []) process.stdout.write(`warning [${w.path}] ${w.message}\n`);
  process.stdout.write(`ok ${summary.stacks.length} stack(s) synthesized and validated → ${summary.outdir}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`synth failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
