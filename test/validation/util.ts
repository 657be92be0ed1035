import { App, TerraformStack, Testing } from 'cdktf';
import type { Construct } from 'constructs';
import { ApigatewayDeployment } from '../../.gen/providers/oci/apigateway-deployment';
import { OciProvider } from '../../.gen/providers/oci/provider';
import { ApiGatewayApi, type ApiGatewayApiConfig } from '../../.gen/providers/alicloud/api-gateway-api';
import { ApiGatewayPlugin } from '../../.gen/providers/alicloud/api-gateway-plugin';
import { ApiGatewayPluginAttachment } from '../../.gen/providers/alicloud/api-gateway-plugin-attachment';
import { DataAlicloudRamPolicyDocument, type DataAlicloudRamPolicyDocumentConfig } from '../../.gen/providers/alicloud/data-alicloud-ram-policy-document';
import { ImsOidcProvider, type ImsOidcProviderConfig } from '../../.gen/providers/alicloud/ims-oidc-provider';
import { AlicloudProvider } from '../../.gen/providers/alicloud/provider';
import { RamRole } from '../../.gen/providers/alicloud/ram-role';
import type { Finding } from '../../validation';

/** A stack with both providers configured, in a fresh test App. */
export function providerStack(id = 'test', app: App = Testing.app()): { stack: TerraformStack; alicloud: AlicloudProvider; oci: OciProvider } {
  const stack = new TerraformStack(app, id);
  const alicloud = new AlicloudProvider(stack, 'alicloud', { region: 'cn-hangzhou' });
  const oci = new OciProvider(stack, 'oci', { region: 'eu-frankfurt-1' });
  return { stack, alicloud, oci };
}

/** A valid RAM role. */
export function ramRole(scope: Construct, id = 'CiRole'): RamRole {
  return new RamRole(scope, id, {
    roleName: 'ci-deployer',
    maxSessionDuration: 3600,
    assumeRolePolicyDocument: JSON.stringify({ Version: '1', Statement: [] }),
    tags: { env: 'test' },
  });
}

/** A valid API Gateway API with an HTTP backend (one `request_config` block, max 1); `props` replace defaults. */
export function gatewayApi(scope: Construct, id = 'Api', props: Partial<ApiGatewayApiConfig> = {}): ApiGatewayApi {
  return new ApiGatewayApi(scope, id, {
    name: 'orders',
    groupId: 'group-1',
    description: 'Orders API',
    authType: 'APP',
    serviceType: 'HTTP',
    requestConfig: { method: 'GET', mode: 'MAPPING', path: '/orders', protocol: 'HTTP' },
    httpServiceConfig: { address: 'https://backend.example.com', method: 'GET', path: '/orders', timeout: 10 },
    stageNames: ['RELEASE'],
    ...props,
  });
}

/** A valid JWT plugin. */
export function jwtPlugin(scope: Construct, id = 'JwtPlugin'): ApiGatewayPlugin {
  return new ApiGatewayPlugin(scope, id, { pluginName: 'jwt_orders', pluginType: 'jwtAuth', pluginData: '{}' });
}

/** A valid plugin attachment on the `RELEASE` stage. */
export function pluginAttachment(scope: Construct, id = 'JwtAttachment'): ApiGatewayPluginAttachment {
  return new ApiGatewayPluginAttachment(scope, id, { apiId: 'api-1', groupId: 'group-1', pluginId: 'plugin-1', stageName: 'RELEASE' });
}

/** A valid RAM OIDC provider; `props` replace defaults. */
export function oidcProvider(scope: Construct, id = 'OidcProvider', props: Partial<ImsOidcProviderConfig> = {}): ImsOidcProvider {
  return new ImsOidcProvider(scope, id, {
    issuerUrl: 'https://issuer.example.com',
    oidcProviderName: 'ci',
    fingerprints: ['4a7c1f0e2b9d3c5e6f708192a3b4c5d6e7f80912'],
    clientIds: ['ci-client'],
    issuanceLimitTime: 12,
    ...props,
  });
}

/** A valid RAM policy document data source; `props` replace defaults. */
export function policyDocument(scope: Construct, id = 'TrustPolicy', props: Partial<DataAlicloudRamPolicyDocumentConfig> = {}): DataAlicloudRamPolicyDocument {
  return new DataAlicloudRamPolicyDocument(scope, id, {
    statement: [{ action: ['sts:AssumeRole'], effect: 'Allow', principal: [{ entity: 'Federated', identifiers: ['acs:ram::1:oidc-provider/ci'] }] }],
    ...props,
  });
}

/** A valid OCI API Gateway deployment with JWT authentication. */
export function ociDeployment(scope: Construct, id = 'Deployment'): ApigatewayDeployment {
  return new ApigatewayDeployment(scope, id, {
    compartmentId: 'ocid1.compartment.oc1..x',
    gatewayId: 'ocid1.apigateway.oc1..x',
    pathPrefix: '/v1',
    specification: {
      requestPolicies: {
        authentication: {
          type: 'JWT_AUTHENTICATION',
          tokenHeader: 'Authorization',
          issuers: ['https://issuer.example.com'],
          audiences: ['orders'],
          publicKeys: { type: 'REMOTE_JWKS', uri: 'https://issuer.example.com/jwks' },
        },
      },
      routes: [{ path: '/orders', methods: ['GET'], backend: { type: 'HTTP_BACKEND', url: 'https://backend.example.com' } }],
    },
  });
}

/** `code path` of each finding, for compact assertions. */
export function summary(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.code} ${f.address}${f.path ? ` ${f.path}` : ''}`);
}
