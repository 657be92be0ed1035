/**
 * The `oci-<env>` stack composed from an environment's `oci` section (the tests' own fixture
 * environment and lock, not the example config).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import type { TerraformStack } from 'cdktf';
import { describe, expect, test } from 'vitest';
import { issuerRequests } from '../../commands/issuers';
import { type EnvironmentConfig, type OciConfig, validateEnvironments } from '../../config';
import { buildApp } from '../../stacks/app';
import { validateApp } from '../../validation';
import { FIXTURE_DEV } from '../fixtures/environments';
import { TEST_AUDIENCE, TEST_ISSUER, annotations, testLock } from '../util';

const OCI: OciConfig = {
  region: 'eu-frankfurt-1',
  compartmentId: 'ocid1.compartment.oc1..aaaaaaaafixturecompartment',
  identityDomain: { url: 'https://idcs-fixture.identity.oraclecloud.com', issuer: TEST_ISSUER, audience: TEST_AUDIENCE, scopes: ['user:read:one', 'user:write:one'] },
  gateway: { subnetId: 'ocid1.subnet.oc1.eu-frankfurt-1.aaaaaaaafixturesubnet' },
  clients: [
    { name: 'reporting', clientId: 'app_reporting_fixture', grantedScopes: ['user:read:one'] },
    { name: 'batch', grantedScopes: ['user:read:one', 'user:write:one'] },
  ],
  deployments: [
    {
      name: 'users', pathPrefix: '/users-api', allowedClients: ['reporting', 'batch'],
      routes: [
        { path: '/hello', backendUrl: 'https://users.example.internal/hello', anyOfScopes: ['user:read:one'] },
        { path: '/users', methods: ['PUT'], backendUrl: 'https://users.example.internal/users', anyOfScopes: ['user:write:one'] },
      ],
    },
    { name: 'profile', pathPrefix: '/profile', requiredClaims: [{ name: 'APIGWMichael4', anyOfValues: ['Api1Access'] }], routes: [{ path: '/me', backendUrl: 'https://users.example.internal/me' }] },
  ],
};
const ENV: EnvironmentConfig = { ...FIXTURE_DEV, oci: OCI };

function build(environments: readonly EnvironmentConfig[]) {
  const root = mkdtempSync(join(tmpdir(), 'oci-stack-test-'));
  return buildApp({ outdir: join(root, 'cdktf.out'), localStateDir: join(root, 'state'), environments, lock: testLock() });
}

describe('OciStack', () => {
  test('is synthesized as oci-<env> beside the Alibaba stacks, schema-valid and free of security findings', () => {
    // WHEN
    const app = build([ENV]);
    // THEN
    expect(app.node.children.map((c) => c.node.id).sort()).toEqual(['federation-dev', 'gateway-dev', 'oci-dev']);
    expect(validateApp(app).flatMap((s) => s.findings)).toEqual([]);
    const stack = app.node.findChild('oci-dev') as TerraformStack;
    Testing.synth(stack, true);
    const found = annotations(stack);
    expect(found.errors).toEqual([]);
    expect(found.warnings).toEqual([]);
  });

  test('maps the config: resource server, created and referenced clients, gateway, both use cases, outputs without secrets', () => {
    // WHEN
    const synth = JSON.parse(Testing.synth(build([ENV]).node.findChild('oci-dev') as TerraformStack, true)) as Record<string, any>;
    // THEN
    const apps = Object.values(synth.resource.oci_identity_domains_app) as Record<string, any>[];
    expect(apps).toHaveLength(2);
    expect(apps.find((a) => a.is_oauth_resource)).toMatchObject({ audience: TEST_AUDIENCE, idcs_endpoint: 'https://idcs-fixture.identity.oraclecloud.com' });
    expect(apps.find((a) => a.is_oauth_client)).toMatchObject({ allowed_grants: ['client_credentials'], display_name: 'batch (dev)' });
    expect(Object.values(synth.resource.oci_apigateway_gateway)).toHaveLength(1);
    const deployments = Object.values(synth.resource.oci_apigateway_deployment) as Record<string, any>[];
    expect(deployments.map((d) => d.path_prefix)).toEqual(['/profile', '/users-api']);
    const users = deployments[1].specification.request_policies.authentication.validation_policy.additional_validation_policy;
    expect(users.verify_claims[0].key).toBe('client_id');
    expect(users.verify_claims[0].values[0]).toBe('app_reporting_fixture');
    expect(users.verify_claims[0].values[1]).toMatch(/^\$\{oci_identity_domains_app\..+\.name\}$/);
    const profile = deployments[0].specification.request_policies.authentication.validation_policy.additional_validation_policy;
    expect(profile.verify_claims).toEqual([{ key: 'APIGWMichael4', values: ['Api1Access'], is_required: true }]);
    expect(Object.keys(synth.output).sort()).toEqual(['client_app_id_batch', 'endpoint_profile', 'endpoint_users']);
    expect(JSON.stringify(synth)).not.toMatch(/client_secret/);
    expect(synth.terraform.backend.local.path).toMatch(/oci-dev\.tfstate$/);
  });

  test('imports the gateway when the config gives gatewayId', () => {
    // WHEN
    const env = { ...ENV, oci: { ...OCI, gateway: { gatewayId: 'ocid1.apigateway.oc1.eu-frankfurt-1.aaaaaaaafixturegateway' } } };
    const synth = JSON.parse(Testing.synth(build([env]).node.findChild('oci-dev') as TerraformStack, true)) as Record<string, any>;
    // THEN
    expect(synth.resource.oci_apigateway_gateway).toBeUndefined();
    for (const d of Object.values(synth.resource.oci_apigateway_deployment) as Record<string, any>[]) {
      expect(d.gateway_id).toBe('ocid1.apigateway.oc1.eu-frankfurt-1.aaaaaaaafixturegateway');
    }
  });

  test('no oci section, no OCI stack; the OCI issuer is requested from the lookups', () => {
    expect(build([FIXTURE_DEV]).node.children.map((c) => c.node.id)).not.toContain('oci-dev');
    const other = { ...ENV, oci: { ...OCI, identityDomain: { ...OCI.identityDomain, issuer: 'https://idcs-fixture.identity.oraclecloud.com' } } };
    expect(issuerRequests([other]).map((r) => r.issuer).sort()).toEqual([TEST_ISSUER, 'https://idcs-fixture.identity.oraclecloud.com'].sort());
  });
});

describe('oci config validation', () => {
  const invalid = (oci: unknown) => () => validateEnvironments([{ ...FIXTURE_DEV, oci: oci as OciConfig }]);

  test('accepts the fixture', () => {
    expect(() => validateEnvironments([ENV])).not.toThrow();
  });

  test('names the environment and field of each problem', () => {
    expect(invalid({ ...OCI, region: 'frankfurt' })).toThrow(/environment 'dev', field 'oci\.region': must be an OCI region identifier/);
    expect(invalid({ ...OCI, compartmentId: 'x' })).toThrow(/field 'oci\.compartmentId': must be the OCID of a compartment or tenancy/);
    expect(invalid({ ...OCI, extra: 1 })).toThrow(/field 'oci\.extra': is not a known field.*Known fields: region, compartmentId/);
    expect(invalid({ ...OCI, gateway: { subnetId: OCI.gateway.subnetId, subnetID: 'x' } })).toThrow(/field 'oci\.gateway\.subnetID': is not a known field.*Did you mean 'subnetId'/);
    expect(invalid({ ...OCI, identityDomain: { ...OCI.identityDomain, url: 'http://idcs.example.com' } })).toThrow(/field 'oci\.identityDomain\.url': must be an https URL/);
    expect(invalid({ ...OCI, identityDomain: { ...OCI.identityDomain, issuer: 'https://x/?q' } })).toThrow(/field 'oci\.identityDomain\.issuer'/);
    expect(invalid({ ...OCI, identityDomain: { ...OCI.identityDomain, audience: '' } })).toThrow(/field 'oci\.identityDomain\.audience': is missing/);
    expect(invalid({ ...OCI, identityDomain: { ...OCI.identityDomain, scopes: [] } })).toThrow(/field 'oci\.identityDomain\.scopes'/);
    expect(invalid({ ...OCI, gateway: {} })).toThrow(/field 'oci\.gateway': must give either gatewayId .* or subnetId/);
    expect(invalid({ ...OCI, gateway: { subnetId: OCI.compartmentId } })).toThrow(/field 'oci\.gateway\.subnetId': must be the OCID of a subnet/);
    expect(invalid({ ...OCI, gateway: { subnetId: OCI.gateway.subnetId, endpointType: 'INTERNAL' } })).toThrow(/field 'oci\.gateway\.endpointType'/);
    expect(invalid({ ...OCI, clients: [{ name: 'a', grantedScopes: ['admin'] }] })).toThrow(/field 'oci\.clients\[0\]\.grantedScopes\[0\]': is not a scope/);
    expect(invalid({ ...OCI, clients: [{ name: 'a', clientId: 'a b', grantedScopes: ['user:read:one'] }] })).toThrow(/field 'oci\.clients\[0\]\.clientId'/);
    expect(invalid({ ...OCI, clients: [...OCI.clients, OCI.clients[0]] })).toThrow(/field 'oci\.clients\[2\]\.name': is used twice/);
    expect(invalid({ ...OCI, deployments: [] })).toThrow(/field 'oci\.deployments': must list at least one deployment/);
  });

  test('checks deployments and routes', () => {
    const [users, profile] = OCI.deployments;
    const route = users.routes[0];
    expect(invalid({ ...OCI, deployments: [{ ...users, pathPrefix: 'x' }] })).toThrow(/field 'oci\.deployments\[0\]\.pathPrefix': must start with "\/"/);
    expect(invalid({ ...OCI, deployments: [users, { ...profile, pathPrefix: users.pathPrefix }] })).toThrow(/field 'oci\.deployments\[1\]\.pathPrefix': is used by two deployments/);
    expect(invalid({ ...OCI, deployments: [{ ...users, allowedClients: ['nobody'] }] })).toThrow(/field 'oci\.deployments\[0\]\.allowedClients\[0\]': is not a configured OCI client/);
    expect(invalid({ ...OCI, deployments: [{ ...users, allowedClients: [] }] })).toThrow(/field 'oci\.deployments\[0\]\.allowedClients': must not be empty/);
    expect(invalid({ ...OCI, deployments: [{ ...profile, requiredClaims: [{ name: 'APIGWMichael4', anyOfValues: [] }] }] })).toThrow(/requiredClaims\[0\]\.anyOfValues/);
    expect(invalid({ ...OCI, deployments: [{ ...users, routes: [] }] })).toThrow(/field 'oci\.deployments\[0\]\.routes': must list at least one route/);
    expect(invalid({ ...OCI, deployments: [{ ...users, routes: [{ ...route, path: 'hello' }] }] })).toThrow(/routes\[0\]\.path': must start with/);
    expect(invalid({ ...OCI, deployments: [{ ...users, routes: [{ ...route, methods: ['FETCH'] }] }] })).toThrow(/routes\[0\]\.methods\[0\]': must be an HTTP method or ANY/);
    expect(invalid({ ...OCI, deployments: [{ ...users, routes: [{ ...route, backendUrl: 'http://users' }] }] })).toThrow(/routes\[0\]\.backendUrl': must be an https URL/);
    expect(invalid({ ...OCI, deployments: [{ ...users, routes: [{ ...route, anyOfScopes: undefined }] }] })).toThrow(/routes\[0\]\.anyOfScopes': is required unless the deployment has requiredClaims/);
    expect(invalid({ ...OCI, deployments: [{ ...users, routes: [{ ...route, anyOfScopes: ['admin'] }] }] })).toThrow(/routes\[0\]\.anyOfScopes\[0\]': is not a scope/);
    expect(invalid({ ...OCI, deployments: [{ ...users, routes: [{ ...route, anyOfScopes: [] }] }] })).toThrow(/routes\[0\]\.anyOfScopes': must not be empty/);
  });
});
