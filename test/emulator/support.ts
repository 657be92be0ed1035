/**
 * End-to-end fixture for the gateway emulator tests: a real demo issuer (oidc-provider over
 * HTTPS, fresh PKI and RS256 key), a lock recorded from it by `prepareLookups`, an app built
 * with the project's constructs, synthesized, and real client_credentials tokens.
 *
 * The demo issuer plays an IDaaS M2M server with the stack's catalog (`user:read:one`,
 * `user:read:one-admin`, `user:write:one`) and both clients of the stack with their grants
 * ({@link CLIENT_GRANTS}); tokens ask for scopes IDaaS-style (`<audience>|<scope>`):
 * - the default token is the seed client's `user:read:one` token (the ALLOW paths);
 * - "a client not in the allowed list" is an API that allows only the provisioning client;
 * - "a token lacking the required scope" is the seed token on an API requiring
 *   `user:read:one-admin`, and a `user:read:one-admin` token on one requiring `user:read:one`.
 */
import { writeFileSync } from 'node:fs';
import { TerraformStack, Testing } from 'cdktf';
import { decodeJwt } from 'jose';
import {
  AccessControlPlugin, AccessParameter, Api, ApiGroup, Backend, Condition, HttpMethod, IssuerLookup, JwtAuthPlugin,
  M2mAuthorizationServer, M2mProtectedApis, RuleAction, SecurityChecks, Stage, Suppressions, ThrottlingUnit, TokenLocation,
  TrafficControlPlugin,
} from '../../constructs';
import { AlicloudProvider } from '../../.gen/providers/alicloud/provider';
import { type DemoIssuer, startDemoIssuer } from '../../demo-issuer/demo-issuer';
import { generateDemoPki } from '../../demo-issuer/pki';
import { DemoSigningAlgorithm, type PrivateSigningJwk, generateSigningKey } from '../../demo-issuer/signing-keys';
import type { LockFile } from '../../core/issuer-facts';
import { recordDemoIssuerLock } from '../support/demo-lock';
import { tempDir } from '../support/pki';
import { SEED_CLIENT_ID } from '../util';

/** The scope the seed's `hello` requires, and the default token's. */
export const READ_SCOPE = 'user:read:one';
/** A look-alike of {@link READ_SCOPE} that must never satisfy it (nor the other way round). */
export const ADMIN_READ_SCOPE = 'user:read:one-admin';
/** The scope only the provisioning client is granted. */
export const WRITE_SCOPE = 'user:write:one';
/** The M2M server's scope catalog, in the issuer and in the stack. */
export const SCOPES = [READ_SCOPE, ADMIN_READ_SCOPE, WRITE_SCOPE] as const;
/** Id of the second (provisioning) client. */
export const PROVISIONING_CLIENT_ID = 'app_provisioning_demo';
/** Grants of both clients, in the issuer and in the stack. */
export const CLIENT_GRANTS: Readonly<Record<string, readonly string[]>> = {
  [SEED_CLIENT_ID]: [READ_SCOPE, ADMIN_READ_SCOPE],
  [PROVISIONING_CLIENT_ID]: [READ_SCOPE, WRITE_SCOPE],
};
/** Audience of the demo issuer's tokens and of the M2M server. */
export const AUDIENCE = 'https://emulator.example.test/api';
/** Lifetime of the demo issuer's tokens (not its 300 s default, to show the option is honoured). */
export const TOKEN_TTL_SECONDS = 600;
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
   * client_secret_basic) for `clientId` (default: the seed client), asking for `scope` as sent
   * (default `<audience>|user:read:one`; `null` asks for none). Throws unless the issuer answers 200.
   */
  token(options?: { readonly scope?: string | null; readonly clientId?: string }): Promise<string>;
  /** Stops the issuer and removes the temp files. */
  close(): Promise<void>;
}

/**
 * Starts the demo issuer (fresh PKI and key, random port), records its lock, builds and
 * synthesizes the app below.
 *
 * Group `m2m_emulator` (per-API bindings):
 * - `hello` GET /hello, TEST + RELEASE — query token `id_token`, scope `user:read:one`, clients reporting + provisioning;
 * - `read_user` GET /users/[id], TEST — query token, scope `user:read:one-admin`, client reporting;
 * - `update_user` PUT /users/[id], TEST — query token, scope `user:write:one`, client provisioning only;
 * - `legacy` GET /legacy, RELEASE only — query token, scope `user:read:one`;
 * - `report` GET /report, TEST — bearer token, scope `user:read:one`, client reporting;
 * The protections bind the deny-first baseline on TEST and RELEASE of this group (group-level
 * jwtAuth + deny-all accessControl), which the per-API bindings override.
 *
 * Group `m2m_public`:
 * - `status` GET /status, TEST + RELEASE — jwtAuth (bypassEmptyToken) + accessControl bound on
 *   RELEASE only, trafficControl (2/minute) on TEST only: TEST is an open API (APIGW-AUTH1 suppressed).
 *
 * Group `m2m_partners` (group-wide bindings on TEST, bearer, no jti replay protection):
 * - `partner_ping` GET /partner/ping — group jwtAuth + group accessControl (client reporting, plus
 *   custom rules on `Header:X-Debug` and `Query:tenant`);
 * - `partner_admin` GET /partner/admin — group jwtAuth + its own accessControl (client provisioning only).
 */
/** The demo issuer settings of the fixture: the stack's audience, catalog and clients, signing with `signingKey`. */
function issuerSettings(signingKey: PrivateSigningJwk) {
  return {
    signingKeys: [signingKey],
    audience: AUDIENCE,
    scopes: SCOPES,
    clients: Object.entries(CLIENT_GRANTS).map(([clientId, grantedScopes]) => ({ clientId, clientSecret: `${clientId}-secret`, grantedScopes })),
    accessTokenTtlSeconds: TOKEN_TTL_SECONDS,
  };
}

export async function startEmulatorFixture(): Promise<EmulatorFixture> {
  const tmp = tempDir('emulator-test-');
  const signingKey = generateSigningKey({ kid: KID, alg: DemoSigningAlgorithm.RS256 });
  const demo = await startDemoIssuer({ pki: generateDemoPki({ label: 'emulator' }), ...issuerSettings(signingKey) });
  try {
    const lock = await recordDemoIssuerLock(tmp, demo);
    const synth = JSON.parse(Testing.synth(buildStack(lock, demo.issuer), true)) as Record<string, any>;
    const stackFile = tmp.file('cdk.tf.json');
    writeFileSync(stackFile, JSON.stringify(synth, null, 2));
    return {
      demo,
      lock,
      signingKey,
      synth,
      stackFile,
      token: (options = {}) => fetchToken(demo, options.clientId ?? SEED_CLIENT_ID, options.scope === undefined ? demo.requestScope([READ_SCOPE]) : options.scope),
      close: async () => {
        await demo.close();
        tmp.cleanup();
      },
    };
  } catch (error) {
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
  SecurityChecks.attach(stack, { production: false });

  const server = new M2mAuthorizationServer(stack, 'Idaas', { issuer, audience: AUDIENCE, scopes: [...SCOPES] });
  const reporting = server.addClient('Reporting', { clientId: SEED_CLIENT_ID, grantedScopes: CLIENT_GRANTS[SEED_CLIENT_ID] });
  const provisioning = server.addClient('Provisioning', { clientId: PROVISIONING_CLIENT_ID, grantedScopes: CLIENT_GRANTS[PROVISIONING_CLIENT_ID] });
  const backend = new Backend(stack, 'Backend', { address: 'https://backend.example.com', backendName: 'emulator_backend' });

  const group = new ApiGroup(stack, 'Group', { groupName: 'm2m_emulator' });
  const api = (id: string, path: string, stages: Stage[], method = HttpMethod.GET): Api =>
    new Api(stack, id, { group, backend, apiName: id, path, method, stages, backendPath: `/v1${path.replace(/\[|\]/g, '')}` });
  const hello = api('hello', '/hello', [Stage.TEST, Stage.RELEASE]);
  const readUser = api('read_user', '/users/[id]', [Stage.TEST]);
  const updateUser = api('update_user', '/users/[id]', [Stage.TEST], HttpMethod.PUT);
  const legacy = api('legacy', '/legacy', [Stage.RELEASE]);
  const report = api('report', '/report', [Stage.TEST]);
  // In a group of its own: the deny-first baseline M2mProtectedApis binds on m2m_emulator would deny it on TEST.
  const publicGroup = new ApiGroup(stack, 'Public', { groupName: 'm2m_public' });
  const status = new Api(stack, 'status', { group: publicGroup, backend, apiName: 'status', path: '/status', stages: [Stage.TEST, Stage.RELEASE], backendPath: '/v1/status' });

  new M2mProtectedApis(stack, 'QueryProtection', {
    server,
    tokenLocation: TokenLocation.query('id_token'),
    apis: [
      { api: hello, requiredScopes: [READ_SCOPE], allowedClients: [reporting, provisioning] },
      { api: readUser, requiredScopes: [ADMIN_READ_SCOPE], allowedClients: [reporting] },
      { api: updateUser, requiredScopes: [WRITE_SCOPE], allowedClients: [provisioning] },
      { api: legacy, requiredScopes: [READ_SCOPE], allowedClients: [reporting] },
    ],
  });
  new M2mProtectedApis(stack, 'BearerProtection', {
    server,
    tokenLocation: TokenLocation.authorizationBearer(),
    apis: [{ api: report, requiredScopes: [READ_SCOPE], allowedClients: [reporting] }],
  });

  new JwtAuthPlugin(stack, 'StatusJwt', { server, bypassEmptyToken: { reason: 'Emulator fixture: shows that the access control still denies' } })
    .bindToApi(status, [Stage.RELEASE]);
  new AccessControlPlugin(stack, 'StatusAcl', { m2m: { server, allowedClients: [reporting], requiredScopes: [READ_SCOPE] } })
    .bindToApi(status, [Stage.RELEASE]);
  new TrafficControlPlugin(stack, 'StatusThrottle', { apiLimit: 2, unit: ThrottlingUnit.MINUTE }).bindToApi(status, [Stage.TEST]);
  Suppressions.add(status, [{ id: 'APIGW-AUTH1', reason: 'Emulator fixture: TEST is left unbound on purpose', appliesTo: ['stage:TEST'] }]);

  const partners = new ApiGroup(stack, 'Partners', { groupName: 'm2m_partners' });
  new Api(stack, 'partner_ping', { group: partners, backend, apiName: 'partner_ping', path: '/partner/ping', stages: [Stage.TEST] });
  const partnerAdmin = new Api(stack, 'partner_admin', { group: partners, backend, apiName: 'partner_admin', path: '/partner/admin', stages: [Stage.TEST] });
  new JwtAuthPlugin(stack, 'PartnerJwt', { server, allowJtiReplay: { reason: 'Emulator fixture: shows tokens reused where replay is allowed' } }).bindToGroup(partners, [Stage.TEST]);
  const debug = AccessParameter.header('debug', 'X-Debug');
  const tenant = AccessParameter.query('tenant', 'tenant');
  new AccessControlPlugin(stack, 'PartnerAcl', {
    m2m: { server, allowedClients: [reporting], requiredScopes: [READ_SCOPE] },
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
  new AccessControlPlugin(stack, 'PartnerAdminAcl', { m2m: { server, allowedClients: [provisioning], requiredScopes: [READ_SCOPE] } })
    .bindToApi(partnerAdmin, [Stage.TEST]);
  return stack;
}

/**
 * A second, real demo issuer that signs with the SAME private key (and kid) as the fixture's
 * issuer, with the same audience, catalog and clients, under another issuer URL: what a shared or
 * leaked signing key, or a second tenant reusing a key, looks like to the gateway.
 */
export async function startSameKeyIssuer(fixture: EmulatorFixture): Promise<{ readonly issuer: string; token(): Promise<string>; close(): Promise<void> }> {
  const other = await startDemoIssuer({ path: '/impostor', ...issuerSettings(fixture.signingKey) });
  return {
    issuer: other.issuer,
    token: () => fetchToken(other, SEED_CLIENT_ID, other.requestScope([READ_SCOPE])),
    close: () => other.close(),
  };
}

async function fetchToken(demo: DemoIssuer, clientId: string, scope: string | null): Promise<string> {
  const { status, body, accessToken } = await demo.requestToken({ clientId, scope });
  if (!accessToken) throw new Error(`token request failed (${status}): ${JSON.stringify(body)}`);
  return accessToken;
}

/** The claims of a token (not verified: for assertions only). */
export function claimsOf(token: string): Record<string, unknown> {
  return decodeJwt(token) as Record<string, unknown>;
}
