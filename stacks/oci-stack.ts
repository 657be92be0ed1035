import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import {
  M2mAuthorizationServer, OciApiGateway, OciGatewayEndpointType, OciHttpMethod, OciIdentityDomainConfidentialApp,
  OciIdentityDomainResourceServer, OciJwtApiDeployment,
} from '../constructs';
import type { IOciApiGateway, IOciClient } from '../constructs';
import type { EnvironmentConfig } from '../config/environment';
import type { OciConfig } from '../config/oci';
import { OciProvider } from '../.gen/providers/oci/provider';
import { configureStateBackend } from './state-backend';
import type { EnvironmentStackOptions } from './state-backend';

/**
 * The OCI side of an environment (seed 002): the identity domain's resource server and
 * confidential clients, the API Gateway (created or imported) and its token-protected
 * deployments.
 *
 * Composed only from config: no resource logic lives here. Outputs each deployment's endpoint and
 * each created client's app id (never a secret: see README for fetching it).
 */
export class OciStack extends TerraformStack {
  /** The resource server app. */
  public readonly resourceServer: OciIdentityDomainResourceServer;
  /** The gateway. */
  public readonly gateway: IOciApiGateway;
  /** The deployments, by configured name. */
  public readonly deployments: ReadonlyMap<string, OciJwtApiDeployment>;

  public constructor(scope: Construct, id: string, env: EnvironmentConfig & { readonly oci: OciConfig }, options: EnvironmentStackOptions = {}) {
    super(scope, id);
    const oci = env.oci;
    configureStateBackend(this, id, env.state, options.localStateDir);
    // Credentials come from the OCI CLI config / environment at plan time, never from config.
    new OciProvider(this, 'oci', { region: oci.region });
    const domain = oci.identityDomain;
    const server = new M2mAuthorizationServer(this, 'IdentityDomain', { issuer: domain.issuer, audience: domain.audience, scopes: domain.scopes });
    this.resourceServer = new OciIdentityDomainResourceServer(this, 'ResourceServer', {
      idcsEndpoint: domain.url,
      server,
      displayName: `${domain.audience} (${env.name})`,
      description: `Resource server of the m2m-guard ${env.name} environment`,
    });
    const clients = new Map<string, IOciClient>();
    for (const config of oci.clients) {
      if (config.clientId !== undefined) {
        clients.set(config.name, OciIdentityDomainConfidentialApp.fromClientId(this, `Client-${config.name}`, { clientId: config.clientId, grantedScopes: config.grantedScopes }));
        continue;
      }
      const app = new OciIdentityDomainConfidentialApp(this, `Client-${config.name}`, {
        resourceServer: this.resourceServer,
        grantedScopes: config.grantedScopes,
        displayName: `${config.name} (${env.name})`,
      });
      clients.set(config.name, app);
      new TerraformOutput(this, `client_app_id_${outputName(config.name)}`, {
        value: app.appId,
        description: `App id of client ${config.name}: oci identity-domains app get --endpoint <domain url> --app-id <this> shows its client id and secret`,
      });
    }
    this.gateway = oci.gateway.gatewayId !== undefined
      ? OciApiGateway.fromGatewayId(this, 'Gateway', oci.gateway.gatewayId)
      : new OciApiGateway(this, 'Gateway', {
        compartmentId: oci.compartmentId,
        subnetId: oci.gateway.subnetId as string,
        endpointType: (oci.gateway.endpointType ?? 'PRIVATE') as OciGatewayEndpointType,
        displayName: `m2m-guard-${env.name}`,
      });
    const deployments = new Map<string, OciJwtApiDeployment>();
    for (const config of oci.deployments) {
      const deployment = new OciJwtApiDeployment(this, `Deployment-${config.name}`, {
        gateway: this.gateway,
        compartmentId: oci.compartmentId,
        pathPrefix: config.pathPrefix,
        server,
        displayName: `${config.name}-${env.name}`,
        audiences: config.audiences,
        allowedClients: config.allowedClients?.map((name) => clients.get(name) as IOciClient),
        requiredClaims: config.requiredClaims,
        routes: config.routes.map((route) => ({
          path: route.path,
          methods: route.methods?.map((m) => m as OciHttpMethod),
          backendUrl: route.backendUrl,
          anyOfScopes: route.anyOfScopes,
        })),
      });
      deployments.set(config.name, deployment);
      new TerraformOutput(this, `endpoint_${outputName(config.name)}`, {
        value: deployment.deploymentEndpoint,
        description: `URL of deployment ${config.name}: call <this><route path> with Authorization: Bearer <token>`,
      });
    }
    this.deployments = deployments;
  }
}

function outputName(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}
