import type { EnvironmentConfig, M2mClientConfig, M2mServerConfig } from './environment';
import type { OciConfig } from './oci';

// Every value below is typed (`: EnvironmentConfig`, `satisfies ...`), so a misspelled key is a
// type error in the editor and in `npm test`, and `validateEnvironments` rejects it at run time too.

/**
 * Issuer of the example environments: the loopback demo issuer the project can start
 * (`npm run demo-issuer`), a real OIDC server (oidc-provider) over HTTPS. Its discovery, JWKS
 * and TLS fingerprints are recorded in `lookups.lock.json`, so the example synthesizes offline.
 * Point `m2mServer` at your IDaaS M2M server to use this for real (see README).
 */
export const DEMO_ISSUER = 'https://localhost:8443/demo';

/** Audience identifier of the example M2M server. */
const DEMO_AUDIENCE = 'https://localhost:8443/demo-api';

/** The example's M2M server: the seed's `user:read:one` scope plus a write scope. */
const demoServer = {
  issuer: DEMO_ISSUER,
  audience: DEMO_AUDIENCE,
  scopes: ['user:read:one', 'user:write:one'],
} satisfies M2mServerConfig;

/**
 * The seed's client (granted `user:read:one`, authenticating with client_secret_post as the seed
 * does) and a second, read/write client (client_secret_basic). `npm run verify` reads their
 * secrets from the named environment variables.
 */
const demoClients = [
  {
    name: 'reporting', clientId: 'app_m7hfgn66xkyyxlhpkiw5kjenhy', grantedScopes: ['user:read:one'],
    clientAuth: { secretEnv: 'M2M_REPORTING_CLIENT_SECRET', method: 'client_secret_post' },
  },
  {
    name: 'provisioning', clientId: 'app_provisioning_demo', grantedScopes: ['user:read:one', 'user:write:one'],
    clientAuth: { secretEnv: 'M2M_PROVISIONING_CLIENT_SECRET', method: 'client_secret_basic' },
  },
] satisfies M2mClientConfig[];

/**
 * The example's OCI side (seed 002), trusting the same demo issuer (its facts are in the lock).
 * Point `identityDomain` at your OCI IAM identity domain to use it for real: `url` the domain
 * URL, `issuer` the `iss` of its tokens, `audience` and `scopes` of the resource server.
 */
const demoOci: OciConfig = {
  region: 'eu-frankfurt-1',
  compartmentId: 'ocid1.compartment.oc1..aaaaaaaaexampledevcompartment',
  identityDomain: {
    url: 'https://idcs-0123456789abcdef0123456789abcdef.identity.oraclecloud.com',
    issuer: DEMO_ISSUER,
    audience: DEMO_AUDIENCE,
    scopes: demoServer.scopes,
  },
  gateway: { subnetId: 'ocid1.subnet.oc1.eu-frankfurt-1.aaaaaaaaexampledevsubnet', endpointType: 'PUBLIC' },
  clients: [
    // clients of the demo issuer, referenced by id (technical users, use case 1)
    { name: 'reporting', clientId: 'app_m7hfgn66xkyyxlhpkiw5kjenhy', grantedScopes: ['user:read:one'] },
    { name: 'provisioning', clientId: 'app_provisioning_demo', grantedScopes: ['user:read:one', 'user:write:one'] },
    // created in the identity domain (client credentials only); fetch its secret after deploy
    { name: 'batch', grantedScopes: ['user:read:one'] },
  ],
  deployments: [
    {
      name: 'users',
      pathPrefix: '/users-api',
      allowedClients: ['reporting', 'provisioning'],
      routes: [
        { path: '/hello', backendUrl: 'https://users.dev.example.internal/users/one', anyOfScopes: ['user:read:one'] },
        { path: '/users', methods: ['PUT'], backendUrl: 'https://users.dev.example.internal/users', anyOfScopes: ['user:write:one'] },
      ],
    },
    {
      // use case 2: an end user's token with the custom claim APIGWMichael4 = Api1Access (exact)
      name: 'profile',
      pathPrefix: '/profile',
      requiredClaims: [{ name: 'APIGWMichael4', anyOfValues: ['Api1Access'] }],
      routes: [{ path: '/me', backendUrl: 'https://users.dev.example.internal/me' }],
    },
  ],
};

/** Development: TEST stage only, local state. */
export const DEV: EnvironmentConfig = {
  name: 'dev',
  region: 'cn-hangzhou',
  accountId: '1234567890123456',
  production: false,
  stages: ['TEST'],
  m2mServer: demoServer,
  clients: demoClients,
  gateway: {
    groupName: 'm2m_demo_dev',
    description: 'M2M-protected demo APIs (dev)',
    backendName: 'user_service_dev',
    backendAddress: 'https://users.dev.example.internal',
    tokenLocation: 'query',
    apis: [
      {
        name: 'hello',
        description: 'The seed tutorial API: reads one user.',
        path: '/hello',
        method: 'GET',
        backendPath: '/users/one',
        requiredScopes: ['user:read:one'],
        allowedClients: ['reporting', 'provisioning'],
      },
      {
        name: 'update_user',
        description: 'Updates one user.',
        path: '/users',
        method: 'PUT',
        backendPath: '/users',
        requiredScopes: ['user:write:one'],
        allowedClients: ['provisioning'],
      },
    ],
  },
  federation: {
    providerName: 'm2m-demo-dev',
    roles: [
      {
        name: 'm2m-reporting-dev',
        description: 'Assumed by the reporting client with its M2M token (AK-free).',
        subjects: ['app_m7hfgn66xkyyxlhpkiw5kjenhy'],
        systemPolicies: ['AliyunOSSReadOnlyAccess'],
      },
    ],
  },
  state: {},
  oci: demoOci,
  apig: {
    gatewayId: 'gw-demodev0000000000000001',
    environmentId: 'env-demodev000000000000001',
    policyName: 'm2m-jwt-dev',
    subjectClient: 'reporting',
    rules: [{ domain: 'api.dev.example.com', path: '/health' }],
  },
};

/**
 * Production: same shape as dev, different config: TEST + RELEASE stages, bearer tokens,
 * throttling, jti replay protection (enforced), OSS remote state with TableStore locking.
 */
export const PROD: EnvironmentConfig = {
  ...DEV,
  name: 'prod',
  region: 'cn-shanghai',
  accountId: '6543210987654321',
  production: true,
  stages: ['TEST', 'RELEASE'],
  gateway: {
    ...DEV.gateway,
    groupName: 'm2m_demo_prod',
    description: 'M2M-protected demo APIs (prod)',
    backendName: 'user_service_prod',
    backendAddress: 'https://users.prod.example.internal',
    tokenLocation: 'bearer',
    throttle: { requestsPerMinute: 600 },
  },
  apig: {
    gatewayId: 'gw-demoprod000000000000001',
    environmentId: 'env-demoprod00000000000001',
    policyName: 'm2m-jwt-prod',
    rules: [{ domain: 'api.example.com', path: '/health' }],
  },
  federation: {
    providerName: 'm2m-demo-prod',
    issuanceLimitHours: 1,
    roles: [
      {
        ...DEV.federation.roles[0],
        name: 'm2m-reporting-prod',
        maxSessionDurationSeconds: 3600,
      },
    ],
  },
  state: {
    oss: {
      bucket: 'example-terraform-state-prod',
      region: 'cn-shanghai',
      prefix: 'm2m-guard',
      tablestoreEndpoint: 'https://tf-lock.cn-shanghai.ots.aliyuncs.com',
      tablestoreTable: 'terraform_state_lock',
    },
  },
  oci: {
    ...demoOci,
    compartmentId: 'ocid1.compartment.oc1..aaaaaaaaexampleprodcompartment',
    // production imports the gateway the network team owns
    gateway: { gatewayId: 'ocid1.apigateway.oc1.eu-frankfurt-1.aaaaaaaaexampleprodgateway' },
    deployments: demoOci.deployments.map((d) => ({
      ...d,
      routes: d.routes.map((r) => ({ ...r, backendUrl: r.backendUrl.replace('.dev.', '.prod.') })),
    })),
  },
};

/** The environments `main.ts` synthesizes. */
export const ENVIRONMENTS: readonly EnvironmentConfig[] = [DEV, PROD];
