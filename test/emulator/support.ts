/**
 * End-to-end fixture for the gateway emulator tests: a real demo issuer (oidc-provider over
 * HTTPS, fresh PKI and RS256 key), a lock recorded from it by `prepareLookups`, an app built
 * with the project's constructs, synthesized, and real client_credentials tokens.
 *
 * The demo issuer has ONE client and mints ONE scope, `api` (its resource server's scope;
 * requested scopes it does not know are dropped), with a fixed 300 s lifetime. So:
 * - its client is given the seed client's id and is the allowed "reporting" client;
 * - "a client not in the allowed list" is an API that allows only the other (provisioning) client;
 * - "a token lacking the required scope" is an API requiring `user:read:one`, which the demo never
 *   mints; the ALLOW paths require `api`.
 */
import { writeFileSync } from 'node:fs';
import { Aspects, TerraformStack, Testing } from 'cdktf';
import { decodeJwt } from 'jose';
import { Agent, request } from 'undici';
import {
  AccessControlPlugin, AccessParameter, Api, ApiGroup, Backend, Condition, HttpMethod, IssuerLookup, JwtAuthPlugin,
  M2mAuthorizationServer, M2mProtectedApis, RuleAction, SecurityChecks, Stage, Suppressions, ThrottlingUnit, TokenLocation,
  TrafficControlPlugin,
} from '../../constructs';
import { AlicloudProvider } from '../../.gen/providers/alicloud/provider';
import { type DemoIssuer, startDemoIssuer } from '../../demo-issuer/demo-issuer';
import { generateDemoPki } from '../../demo-issuer/pki';
import { DemoSigningAlgorithm, type PrivateSigningJwk, generateSigningKey } from '../../demo-issuer/signing-keys';
import type { LockFile } from '../../lookups/lock-types';
import { SILENT_LOGGER, prepareLookups } from '../../lookups/prepare';
import { tempDir, writeCaBundle } from '../support/pki';
import { SEED_CLIENT_ID } from '../util';

/** The only scope the demo issuer mints (its resource server's `scope`). */
export const DEMO_SCOPE = 'api';
/** Id of the allowed-list client that the demo issuer does not serve. */
export const PROVISIONING_CLIENT_ID = 'app_provisioning_demo';
/** Audience of the demo issuer's tokens and of the M2M server. */
export const AUDIENCE = 'https://emulator.example.test/api';
/** kid of the key the lock records. */
export const KID = 'emulator-rs256';

/** A running demo issuer, its recorded lock and the synthesized stack. */
export interface EmulatorFixture {
  readonly demo: DemoIssuer;
  readonly lock: LockFile;
  /** The signing key the lock recorded (to restore after a rotation). */
  readonly signingKey: PrivateSigningJwk;
  /** The parsed `cdk.tf.json`. */
  readonly synth: Record<string, any>;
  /** Path of a temp file holding {@link synth}. */
  readonly stackFile: string;
  /**
   * A fresh access token from the demo issuer's token endpoint (client_credentials,
   * client_secret_basic), asking for `scope` (default `api`; `null` asks for none).
   */
  token(options?: { readonly scope?: string | null }): Promise<string>;
  /** Stops the issuer and removes the temp files. */
  close(): Promise<void>;
}

/**
 * Starts the demo issuer (fresh PKI and key, random port), records its lock, builds and
 * synthesizes the app below.
 *
 * Group `m2m_emulator` (per-API bindings):
 * - `hello` GET /hello, TEST + RELEASE — query token `id_token`, scope `api`, clients reporting + provisioning;
 * - `read_user` GET /users/[id], TEST — query token, scope `user:read:one`, client reporting;
 * - `update_user` PUT /users/[id], TEST — query token, scope `api`, client provisioning only;
 * - `legacy` GET /legacy, RELEASE only — query token;
 * - `report` GET /report, TEST — bearer token, scope `api`, client reporting;
 * - `status` GET /status, TEST + RELEASE — jwtAuth (bypassEmptyToken) + accessControl bound on
 *   RELEASE only, trafficControl (2/minute) on TEST only: TEST is an open API (APIGW-AUTH1 suppressed).
 *
 * Group `m2m_partners` (group-wide bindings on TEST, bearer, no jti replay protection):
 * - `partner_ping` GET /partner/ping — group jwtAuth + group accessControl (client reporting, plus
 *   custom rules on `Header:X-Debug` and `Query:tenant`);
 * - `partner_admin` GET /partner/admin — group jwtAuth + its own accessControl (client provisioning only).
 */
export async function startEmulatorFixture(): Promise<EmulatorFixture> {
  const tmp = tempDir('emulator-test-');
  const signingKey = generateSigningKey({ kid: KID, alg: DemoSigningAlgorithm.RS256 });
  const clientSecret = 'emulator-client-secret';
  const demo = await startDemoIssuer({
    pki: generateDemoPki({ label: 'emulator' }),
    signingKeys: [signingKey],
    client: { clientId: SEED_CLIENT_ID, clientSecret },
    audience: AUDIENCE,
  });
  const agent = new Agent({ connect: { ca: demo.caPem } });
  try {
    const { lock } = await prepareLookups({
      issuers: [{ issuer: demo.issuer }],
      lockPath: tmp.file('lookups.lock.json'),
      caBundlePath: writeCaBundle(tmp.file('ca.pem'), demo.caPem),
      ci: false,
      logger: SILENT_LOGGER,
    });
    const synth = JSON.parse(Testing.synth(buildStack(lock, demo.issuer), true)) as Record<string, any>;
    const stackFile = tmp.file('cdk.tf.json');
    writeFileSync(stackFile, JSON.stringify(synth, null, 2));
    return {
      demo,
      lock,
      signingKey,
      synth,
      stackFile,
      token: (options = {}) => fetchToken(demo, clientSecret, agent, options.scope === undefined ? DEMO_SCOPE : options.scope),
      close: async () => {
        await agent.close();
        await demo.close();
        tmp.cleanup();
      },
    };
  } catch (error) {
    await agent.close();
    await demo.close();
    tmp.cleanup();
    throw error;
  }
}

function buildStack(lock: LockFile, issuer: string): TerraformStack {
  const app = Testing.app();
  IssuerLookup.attach(app, lock);
  const stack = new TerraformStack(app, 'gateway');
  new AlicloudProvider(stack, 'alicloud', { region: 'cn-hangzhou' });
  Aspects.of(stack).add(new SecurityChecks({ production: false }));

  const server = new M2mAuthorizationServer(stack, 'Idaas', {
    issuer,
    audience: AUDIENCE,
    scopes: [DEMO_SCOPE, 'user:read:one', 'user:read:one-admin', 'user:write:one'],
  });
  const reporting = server.addClient('Reporting', { clientId: SEED_CLIENT_ID, grantedScopes: [DEMO_SCOPE, 'user:read:one'] });
  const provisioning = server.addClient('Provisioning', { clientId: PROVISIONING_CLIENT_ID, grantedScopes: [DEMO_SCOPE, 'user:read:one', 'user:write:one'] });
  const backend = new Backend(stack, 'Backend', { address: 'https://backend.example.com', backendName: 'emulator_backend' });

  const group = new ApiGroup(stack, 'Group', { groupName: 'm2m_emulator' });
  const api = (id: string, path: string, stages: Stage[], method = HttpMethod.GET): Api =>
    new Api(stack, id, { group, backend, apiName: id, path, method, stages, backendPath: `/v1${path.replace(/\[|\]/g, '')}` });
  const hello = api('hello', '/hello', [Stage.TEST, Stage.RELEASE]);
  const readUser = api('read_user', '/users/[id]', [Stage.TEST]);
  const updateUser = api('update_user', '/users/[id]', [Stage.TEST], HttpMethod.PUT);
  const legacy = api('legacy', '/legacy', [Stage.RELEASE]);
  const report = api('report', '/report', [Stage.TEST]);
  const status = api('status', '/status', [Stage.TEST, Stage.RELEASE]);

  new M2mProtectedApis(stack, 'QueryProtection', {
    server,
    tokenLocation: TokenLocation.query('id_token'),
    apis: [
      { api: hello, requiredScopes: [DEMO_SCOPE], allowedClients: [reporting, provisioning] },
      { api: readUser, requiredScopes: ['user:read:one'], allowedClients: [reporting] },
      { api: updateUser, requiredScopes: [DEMO_SCOPE], allowedClients: [provisioning] },
      { api: legacy, requiredScopes: [DEMO_SCOPE], allowedClients: [reporting] },
    ],
  });
  new M2mProtectedApis(stack, 'BearerProtection', {
    server,
    tokenLocation: TokenLocation.authorizationBearer(),
    apis: [{ api: report, requiredScopes: [DEMO_SCOPE], allowedClients: [reporting] }],
  });

  new JwtAuthPlugin(stack, 'StatusJwt', { server, bypassEmptyToken: { reason: 'Emulator fixture: shows that the access control still denies' } })
    .bindToApi(status, [Stage.RELEASE]);
  new AccessControlPlugin(stack, 'StatusAcl', { m2m: { server, allowedClients: [reporting], requiredScopes: [DEMO_SCOPE] } })
    .bindToApi(status, [Stage.RELEASE]);
  new TrafficControlPlugin(stack, 'StatusThrottle', { apiLimit: 2, unit: ThrottlingUnit.MINUTE }).bindToApi(status, [Stage.TEST]);
  Suppressions.add(status, [{ id: 'APIGW-AUTH1', reason: 'Emulator fixture: TEST is left unbound on purpose', appliesTo: ['stage:TEST'] }]);

  const partners = new ApiGroup(stack, 'Partners', { groupName: 'm2m_partners' });
  new Api(stack, 'partner_ping', { group: partners, backend, apiName: 'partner_ping', path: '/partner/ping', stages: [Stage.TEST] });
  const partnerAdmin = new Api(stack, 'partner_admin', { group: partners, backend, apiName: 'partner_admin', path: '/partner/admin', stages: [Stage.TEST] });
  new JwtAuthPlugin(stack, 'PartnerJwt', { server, preventJtiReplay: false }).bindToGroup(partners, [Stage.TEST]);
  const debug = AccessParameter.header('debug', 'X-Debug');
  const tenant = AccessParameter.query('tenant', 'tenant');
  new AccessControlPlugin(stack, 'PartnerAcl', {
    m2m: { server, allowedClients: [reporting], requiredScopes: [DEMO_SCOPE] },
    rules: [
      {
        name: 'noDebug',
        condition: Condition.equals(debug, 'on'),
        ifTrue: RuleAction.DENY,
        denyResponse: {
          statusCode: 400,
          errorMessage: 'Debug is off for ${clientId}',
          headers: { 'X-Denied-By': 'noDebug' },
          body: '{"error":"debug_disabled","client":"${clientId}"}',
        },
      },
      { name: 'blockedTenant', condition: Condition.equals(tenant, 'blocked'), ifTrue: RuleAction.DENY, denyResponse: { errorMessage: 'Tenant ${tenant} is blocked' } },
    ],
  }).bindToGroup(partners, [Stage.TEST]);
  new AccessControlPlugin(stack, 'PartnerAdminAcl', { m2m: { server, allowedClients: [provisioning], requiredScopes: [DEMO_SCOPE] } })
    .bindToApi(partnerAdmin, [Stage.TEST]);
  return stack;
}

async function fetchToken(demo: DemoIssuer, clientSecret: string, agent: Agent, scope: string | null): Promise<string> {
  const basic = Buffer.from(`${encodeURIComponent(demo.client.clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
  const response = await request(demo.tokenEndpoint, {
    method: 'POST',
    dispatcher: agent,
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...(scope === null ? {} : { scope }) }).toString(),
  });
  const body = (await response.body.json()) as { access_token?: string };
  if (response.statusCode !== 200 || !body.access_token) throw new Error(`token request failed (${response.statusCode}): ${JSON.stringify(body)}`);
  return body.access_token;
}

/** The claims of a token (not verified: for assertions only). */
export function claimsOf(token: string): Record<string, unknown> {
  return decodeJwt(token) as Record<string, unknown>;
}
