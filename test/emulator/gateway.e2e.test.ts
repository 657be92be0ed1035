/**
 * The gateway emulator end to end: a real oidc-provider over HTTPS (demo issuer), a lock recorded
 * from it, an app built with the project's constructs and synthesized, real client_credentials
 * tokens sent through the emulator.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { escapeTemplate, unescapeTemplate } from '../../core/plugin-data';
import { DemoSigningAlgorithm, generateSigningKey } from '../../demo-issuer/signing-keys';
import { type EmulatorRequest, type EmulatorResponse, GatewayEmulator, effectivePlugins } from '../../emulator';
import { SEED_CLIENT_ID } from '../util';
import {
  ADMIN_READ_SCOPE, AUDIENCE, type EmulatorFixture, KID, PROVISIONING_CLIENT_ID, READ_SCOPE, TOKEN_TTL_SECONDS, WRITE_SCOPE, claimsOf, startEmulatorFixture,
  startSameKeyIssuer,
} from './support';

let fixture: EmulatorFixture;
let gateway: GatewayEmulator;

beforeAll(async () => {
  fixture = await startEmulatorFixture();
  gateway = GatewayEmulator.fromStack(fixture.synth);
});
afterAll(async () => {
  await fixture?.close();
});

/** Where a test puts the token. */
type TokenPlace = 'id_token' | 'bearer';

function call(path: string, options: { token?: string; place?: TokenPlace; stage?: string; method?: string; headers?: Record<string, string>; on?: GatewayEmulator } = {}): Promise<EmulatorResponse> {
  const headers: Record<string, string> = { ...options.headers };
  const query: Record<string, string> = {};
  if (options.token !== undefined) {
    if ((options.place ?? 'id_token') === 'bearer') headers.Authorization = `Bearer ${options.token}`;
    else query.id_token = options.token;
  }
  const request: EmulatorRequest = { stage: options.stage ?? 'TEST', method: options.method ?? 'GET', path, query, headers };
  return (options.on ?? gateway).handle(request);
}

describe('loading the synthesized stack', () => {
  test('finds every API and the plugins bound per API and group-wide, without warnings', () => {
    // GIVEN the synthesized stack (beforeAll)
    const { model } = gateway;
    const byName = (name: string) => model.apis.find((a) => a.name === name)!;
    const bound = (name: string, stage: string) => effectivePlugins(model, byName(name), stage).map((p) => `${p.plugin.pluginType}/${p.binding.scope}`).sort();

    // THEN
    expect(model.warnings).toEqual([]);
    expect(model.apis.map((a) => `${a.method} ${a.path} ${a.stages.join('+')} (${a.groupName})`).sort()).toEqual([
      'GET /hello TEST+RELEASE (m2m_emulator)',
      'GET /legacy RELEASE (m2m_emulator)',
      'GET /partner/admin TEST (m2m_partners)',
      'GET /partner/ping TEST (m2m_partners)',
      'GET /report TEST (m2m_emulator)',
      'GET /status TEST+RELEASE (m2m_public)',
      'GET /users/[id] TEST (m2m_emulator)',
      'PUT /users/[id] TEST (m2m_emulator)',
    ]);
    expect(bound('hello', 'RELEASE')).toEqual(['accessControl/api', 'jwtAuth/api']);
    expect(bound('legacy', 'TEST')).toEqual(['accessControl/group', 'jwtAuth/group']);
    expect(bound('partner_ping', 'TEST')).toEqual(['accessControl/group', 'jwtAuth/group']);
    expect(bound('partner_admin', 'TEST')).toEqual(['accessControl/api', 'jwtAuth/group']);
    expect(bound('status', 'TEST')).toEqual(['trafficControl/api']);
  });

  test('reads the JWK recorded in the lock from the live demo issuer', () => {
    // GIVEN
    const jwt = [...gateway.model.plugins.values()].find((p) => p.name.includes('QueryProtection_Jwt'))!;

    // THEN
    expect(jwt.script.type).toBe('jwtAuth');
    if (jwt.script.type !== 'jwtAuth') return;
    expect(jwt.script.config).toMatchObject({ parameter: 'id_token', parameterLocation: 'query', bypassEmptyToken: false, preventJtiReplay: true });
    expect(jwt.script.config.jwk).toMatchObject({ kid: KID, kty: 'RSA', alg: 'RS256', n: fixture.lock.issuers[fixture.demo.issuer].keys[0].jwk.n });
  });
});

describe('ALLOW', () => {
  test('allows the seed client calling hello with its real token in id_token', async () => {
    // GIVEN
    const token = await fixture.token();
    expect(claimsOf(token)).toMatchObject({ client_id: SEED_CLIENT_ID, aud: AUDIENCE, scope: READ_SCOPE });

    // WHEN
    const res = await call('/hello', { token });

    // THEN
    expect(res).toMatchObject({ status: 200, decision: 'ALLOW', api: 'hello', stage: 'TEST' });
    expect(res.reason).toContain('jwtAuth: token verified');
    expect(res.reason).toContain('accessControl: rule allowM2m allowed');
    expect(JSON.parse(res.body)).toMatchObject({ api: 'hello', backend: { path: '/v1/hello', method: 'GET' } });
  });

  test('allows hello on RELEASE too: the plugins are bound on every stage it is published to', async () => {
    // WHEN
    const res = await call('/hello', { token: await fixture.token(), stage: 'RELEASE' });

    // THEN
    expect(res).toMatchObject({ status: 200, decision: 'ALLOW' });
  });

  test('allows a bearer token on an API whose JWT plugin reads the Authorization header', async () => {
    // WHEN
    const res = await call('/report', { token: await fixture.token(), place: 'bearer' });

    // THEN
    expect(res).toMatchObject({ status: 200, decision: 'ALLOW', api: 'report' });
  });

  test('allows an API protected only by group-wide bindings', async () => {
    // WHEN
    const res = await call('/partner/ping', { token: await fixture.token(), place: 'bearer' });

    // THEN
    expect(res).toMatchObject({ status: 200, decision: 'ALLOW', api: 'partner_ping' });
    expect(res.plugins).toEqual([expect.stringMatching(/^jwtAuth .*\(group binding\)$/), expect.stringMatching(/^accessControl .*\(group binding\)$/)]);
  });

  test('allows the same token twice where preventJtiReplay is off (group JWT plugin)', async () => {
    // GIVEN
    const token = await fixture.token();

    // WHEN
    const first = await call('/partner/ping', { token, place: 'bearer' });
    const second = await call('/partner/ping', { token, place: 'bearer' });

    // THEN
    expect([first.decision, second.decision]).toEqual(['ALLOW', 'ALLOW']);
  });

  test('uses the X-Ca-Stage header, and RELEASE without one, like the gateway', async () => {
    // WHEN
    const viaHeader = await gateway.handle({ method: 'GET', path: '/legacy', query: { id_token: await fixture.token() }, headers: { 'X-Ca-Stage': 'TEST' } });
    const byDefault = await gateway.handle({ method: 'GET', path: `/legacy?id_token=${await fixture.token()}` });

    // THEN
    expect(viaHeader).toMatchObject({ status: 404, stage: 'TEST' });
    expect(byDefault).toMatchObject({ status: 200, decision: 'ALLOW', stage: 'RELEASE', api: 'legacy' });
  });
});

describe('DENY 401 (jwtAuth)', () => {
  test('denies a request without a token', async () => {
    // WHEN
    const res = await call('/hello');

    // THEN
    expect(res).toMatchObject({ status: 401, decision: 'DENY', reason: 'jwtAuth: no token in query parameter "id_token"' });
    expect(res.headers['x-ca-error-message']).toBe(res.reason);
  });

  test('denies a garbage token', async () => {
    // WHEN
    const res = await call('/hello', { token: 'not-a-jwt' });

    // THEN
    expect(res).toMatchObject({ status: 401, decision: 'DENY' });
    expect(res.reason).toContain('not a JWS');
  });

  test('denies a real token sent where the plugin does not read it (bearer header instead of id_token)', async () => {
    // WHEN
    const res = await call('/hello', { token: await fixture.token(), place: 'bearer' });

    // THEN
    expect(res).toMatchObject({ status: 401, decision: 'DENY', reason: 'jwtAuth: no token in query parameter "id_token"' });
  });

  test('denies a real token whose payload was altered (client_id swapped, signature kept)', async () => {
    // GIVEN
    const [header, payload, signature] = (await fixture.token()).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, client_id: 'app_provisioning_demo' })).toString('base64url');

    // WHEN
    const res = await call('/users/42', { token: `${header}.${forged}.${signature}`, method: 'PUT' });

    // THEN
    expect(res).toMatchObject({ status: 401, decision: 'DENY' });
    expect(res.reason).toContain('signature verification failed');
  });

  test('denies a token signed after the issuer rotated to a new key (new kid)', async () => {
    // GIVEN the issuer signs with a key the synthesized plugin does not know
    fixture.demo.setSigningKeys([generateSigningKey({ kid: 'rotated', alg: DemoSigningAlgorithm.RS256 })]);
    let token: string;
    try {
      token = await fixture.token();
    } finally {
      fixture.demo.setSigningKeys([fixture.signingKey]);
    }

    // WHEN
    const res = await call('/hello', { token });

    // THEN
    expect(res).toMatchObject({ status: 401, decision: 'DENY', reason: `jwtAuth: token kid "rotated" does not match the configured key "${KID}"` });
  });

  test('denies a token signed by a different key under the same kid', async () => {
    // GIVEN
    fixture.demo.setSigningKeys([generateSigningKey({ kid: KID, alg: DemoSigningAlgorithm.RS256 })]);
    let token: string;
    try {
      token = await fixture.token();
    } finally {
      fixture.demo.setSigningKeys([fixture.signingKey]);
    }

    // WHEN
    const res = await call('/hello', { token });

    // THEN
    expect(res).toMatchObject({ status: 401, decision: 'DENY' });
    expect(res.reason).toContain('signature verification failed');
  });

  test('denies a token once it has expired (emulator clock moved past exp), not before', async () => {
    // GIVEN an emulator whose clock the test controls, and two real tokens (replay protection is on)
    let now = new Date();
    const clocked = GatewayEmulator.fromStack(fixture.synth, { now: () => now });
    const [early, late] = [await fixture.token(), await fixture.token()];

    // WHEN
    now = new Date(((claimsOf(early).exp as number) - 1) * 1000);
    const justBefore = await call('/hello', { token: early, on: clocked });
    now = new Date((claimsOf(late).exp as number) * 1000);
    const atExpiry = await call('/hello', { token: late, on: clocked });

    // THEN
    expect(justBefore).toMatchObject({ status: 200, decision: 'ALLOW' });
    expect(atExpiry).toMatchObject({ status: 401, decision: 'DENY' });
    expect(atExpiry.reason).toMatch(/^jwtAuth: the token expired at /);
  });

  test('denies the replay of an accepted token with 401 when preventJtiReplay is on', async () => {
    // GIVEN
    const token = await fixture.token();
    const first = await call('/hello', { token });

    // WHEN
    const replay = await call('/hello', { token });

    // THEN
    expect(first.decision).toBe('ALLOW');
    expect(replay).toMatchObject({ status: 401, decision: 'DENY', reason: `jwtAuth: jti ${JSON.stringify(claimsOf(token).jti)} was already used (preventJtiReplay)` });
  });
});

describe('DENY 403 (accessControl)', () => {
  test('denies a client that is not in the API\'s allowed list', async () => {
    // WHEN update_user allows only the provisioning client
    const res = await call('/users/42', { token: await fixture.token(), method: 'PUT' });

    // THEN
    expect(res).toMatchObject({ status: 403, decision: 'DENY', api: 'update_user' });
    expect(res.headers['x-ca-error-message']).toBe(`No permission by client id: ${SEED_CLIENT_ID}`);
    expect(res.reason).toContain('rule checkClient denied');
  });

  test('denies a token lacking the required scope (user:read:one-admin; the token holds only user:read:one)', async () => {
    // WHEN
    const res = await call('/users/42', { token: await fixture.token() });

    // THEN
    expect(res).toMatchObject({ status: 403, decision: 'DENY', api: 'read_user' });
    expect(res.headers['x-ca-error-message']).toBe(`Missing scope ${ADMIN_READ_SCOPE} for client id: ${SEED_CLIENT_ID}`);
  });

  test('denies a token without a scope claim: the rules that cannot be evaluated are skipped and the final DENY decides', async () => {
    // GIVEN a real token without a scope claim: every rule reading $scope cannot be evaluated
    const token = await fixture.token({ scope: null });
    expect(claimsOf(token).scope).toBeUndefined();

    // WHEN
    const res = await call('/hello', { token });

    // THEN
    expect(res).toMatchObject({ status: 403, decision: 'DENY' });
    expect(res.reason).toContain('rule denyOtherwise denied');
    expect(res.reason).toContain('after skipping checkScope (no value for $scope), allowM2m (no value for $scope)');
  });

  test('denies when the gateway cannot evaluate the combined ALLOW at all (unsupported syntax): the rule set ends in DENY', async () => {
    // GIVEN the synthesized stack, with every rule of hello's rule set rewritten into syntax the emulator cannot evaluate
    const synth = structuredClone(fixture.synth);
    for (const plugin of Object.values<any>(synth.resource.alicloud_api_gateway_plugin)) {
      if (plugin.plugin_type !== 'accessControl' || !plugin.plugin_data.includes('allowM2m')) continue;
      const script = parse(unescapeTemplate(plugin.plugin_data));
      for (const rule of script.rules) if (rule.name !== 'denyOtherwise') rule.condition = "$clientId in ('x')";
      plugin.plugin_data = escapeTemplate(stringify(script));
    }
    const token = await fixture.token();

    // WHEN
    const res = await call('/hello', { token, on: GatewayEmulator.fromStack(synth) });

    // THEN a valid token is denied: nothing but the unconditional DENY could be evaluated
    expect(res).toMatchObject({ status: 403, decision: 'DENY' });
    expect(res.reason).toContain('rule denyOtherwise denied');
    expect(res.reason).toMatch(/after skipping checkIssuer \(unsupported syntax.*allowM2m \(unsupported syntax/);
  });

  test('denies a token from another issuer signed with the trusted key (iss is checked)', async () => {
    // GIVEN a second real issuer that signs with the same private key and kid as the trusted one
    const other = await startSameKeyIssuer(fixture);
    let token: string;
    try {
      token = await other.token();
    } finally {
      await other.close();
    }
    expect(claimsOf(token)).toMatchObject({ iss: other.issuer, aud: AUDIENCE, client_id: SEED_CLIENT_ID, scope: READ_SCOPE });

    // WHEN
    const res = await call('/hello', { token });

    // THEN the JWT plugin accepts the signature; the access control refuses the issuer
    expect(res.reason).toContain('jwtAuth: token verified');
    expect(res).toMatchObject({ status: 403, decision: 'DENY', headers: { 'x-ca-error-message': 'Token issuer is not accepted' } });
    expect(res.reason).toContain('rule checkIssuer denied');
  });

  test('denies with the per-API access control, which takes precedence over the group-wide one', async () => {
    // WHEN partner_admin has its own accessControl (provisioning only) next to the group's (reporting)
    const res = await call('/partner/admin', { token: await fixture.token(), place: 'bearer' });

    // THEN
    expect(res).toMatchObject({ status: 403, decision: 'DENY', api: 'partner_admin' });
    expect(res.plugins).toEqual([expect.stringMatching(/^jwtAuth .*\(group binding\)$/), expect.stringMatching(/^accessControl .*PartnerAdminAcl.*\(api binding\)$/)]);
  });

  test('denies with a custom rule on a header: status, interpolated message, headers and body', async () => {
    // WHEN
    const res = await call('/partner/ping', { token: await fixture.token(), place: 'bearer', headers: { 'X-Debug': 'on' } });

    // THEN
    expect(res).toMatchObject({ status: 400, decision: 'DENY' });
    expect(res.headers).toMatchObject({ 'X-Denied-By': 'noDebug', 'x-ca-error-message': `Debug is off for ${SEED_CLIENT_ID}` });
    expect(JSON.parse(res.body)).toEqual({ error: 'debug_disabled', client: SEED_CLIENT_ID });
  });

  test('denies with a custom rule on a query parameter', async () => {
    // WHEN
    const res = await gateway.handle({ stage: 'TEST', method: 'GET', path: '/partner/ping?tenant=blocked', headers: { authorization: `Bearer ${await fixture.token()}` } });

    // THEN
    expect(res).toMatchObject({ status: 403, decision: 'DENY' });
    expect(res.headers['x-ca-error-message']).toBe('Tenant blocked is blocked');
  });

  test('denies a request without a token when bypassEmptyToken lets it past the JWT plugin: Token parameters are absent', async () => {
    // WHEN status on RELEASE: jwtAuth with bypassEmptyToken + accessControl
    const res = await call('/status', { stage: 'RELEASE' });

    // THEN the access control fails closed on the first rule
    expect(res).toMatchObject({ status: 403, decision: 'DENY' });
    expect(res.reason).toContain('bypassEmptyToken');
    expect(res.reason).toContain('rule denyOtherwise denied');
  });
});

describe('deny-first baseline', () => {
  /** The synthesized stack as a half-finished apply leaves it: hello published, some of its API-level attachments not created yet. */
  function halfApplied(keep: (pluginType: string) => boolean): Record<string, any> {
    const synth = structuredClone(fixture.synth);
    const apiName = Object.entries<any>(synth.resource.alicloud_api_gateway_api).find(([, a]) => a.name === 'hello')![0];
    const plugins = synth.resource.alicloud_api_gateway_plugin;
    const attachments = synth.resource.alicloud_api_gateway_plugin_attachment;
    for (const [name, att] of Object.entries<any>(attachments)) {
      const pluginType = plugins[/plugin\.([^.]+)\.id/.exec(att.plugin_id)![1]].plugin_type;
      if (att.api_id.includes(`.${apiName}.`) && !keep(pluginType)) delete attachments[name];
    }
    return synth;
  }

  test('denies a valid token on a half-applied stack: API published, API-level attachments missing', async () => {
    // GIVEN
    const gatewayMidApply = GatewayEmulator.fromStack(halfApplied(() => false));

    // WHEN
    const res = await call('/hello', { token: await fixture.token(), on: gatewayMidApply });

    // THEN the group baseline applies: the token is verified, the deny-all access control denies
    expect(res).toMatchObject({ status: 403, decision: 'DENY', api: 'hello' });
    expect(res.plugins).toEqual([expect.stringMatching(/^jwtAuth .*\(group binding\)$/), expect.stringMatching(/^accessControl .*DenyFirstBaseline.*\(group binding\)$/)]);
    expect(res.headers['x-ca-error-message']).toContain('deny-first baseline');
  });

  test('denies while only the API-level JWT plugin is attached, and allows once the access control is attached too', async () => {
    // GIVEN
    const jwtOnly = GatewayEmulator.fromStack(halfApplied((type) => type === 'jwtAuth'));

    // WHEN
    const mid = await call('/hello', { token: await fixture.token(), on: jwtOnly });
    const done = await call('/hello', { token: await fixture.token() });

    // THEN
    expect(mid).toMatchObject({ status: 403, decision: 'DENY' });
    expect(mid.plugins).toEqual([expect.stringMatching(/^jwtAuth .*QueryProtection.*\(api binding\)$/), expect.stringMatching(/^accessControl .*DenyFirstBaseline.*\(group binding\)$/)]);
    expect(done).toMatchObject({ status: 200, decision: 'ALLOW' });
  });
});

describe('routes and stages', () => {
  test('denies with 404 an API that is not published on the stage', async () => {
    // WHEN legacy is published to RELEASE only
    const res = await call('/legacy', { token: await fixture.token() });

    // THEN
    expect(res).toMatchObject({ status: 404, decision: 'DENY', api: 'legacy', reason: 'API legacy is not published to TEST (published: RELEASE)' });
  });

  test('denies with 404 an unknown route and a known path with another method', async () => {
    // WHEN
    const unknown = await call('/nowhere');
    const wrongMethod = await call('/hello', { method: 'DELETE' });

    // THEN
    expect([unknown.status, wrongMethod.status]).toEqual([404, 404]);
  });

  test('allows anyone on a stage where an ANONYMOUS API has no jwtAuth or accessControl bound (what APIGW-AUTH1 flags)', async () => {
    // WHEN status is bound on RELEASE only (plus throttling on TEST)
    const res = await call('/status', { on: GatewayEmulator.fromStack(fixture.synth) });

    // THEN it is an open API on TEST
    expect(res).toMatchObject({ status: 200, decision: 'ALLOW' });
    expect(res.reason).toContain('open API: ANONYMOUS and no jwtAuth or accessControl plugin bound on TEST');
  });

  test('denies with 429 over the trafficControl threshold, and admits again in the next window', async () => {
    // GIVEN status on TEST: 2 requests per minute
    let now = new Date('2030-01-01T00:00:10Z');
    const clocked = GatewayEmulator.fromStack(fixture.synth, { now: () => now });

    // WHEN
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call('/status', { on: clocked })).status);
    now = new Date('2030-01-01T00:01:00Z');
    statuses.push((await call('/status', { on: clocked })).status);

    // THEN
    expect(statuses).toEqual([200, 200, 429, 200]);
  });
});

describe('real scopes and clients (IDaaS scope requests to the demo issuer)', () => {
  test('allows the seed client calling hello with a real token granted user:read:one', async () => {
    // GIVEN a token asked for as IDaaS clients do: <audience>|<scope>
    const token = await fixture.token({ scope: `${AUDIENCE}|${READ_SCOPE}` });
    const claims = claimsOf(token);
    expect(claims).toEqual({
      iss: fixture.demo.issuer,
      sub: SEED_CLIENT_ID,
      client_id: SEED_CLIENT_ID,
      aud: AUDIENCE,
      scope: READ_SCOPE,
      jti: expect.any(String),
      iat: expect.any(Number),
      exp: (claims.iat as number) + TOKEN_TTL_SECONDS,
    });

    // WHEN
    const res = await call('/hello', { token });

    // THEN
    expect(res).toMatchObject({ status: 200, decision: 'ALLOW', api: 'hello' });
  });

  test('denies a real token granted only user:read:one-admin on an API requiring user:read:one', async () => {
    // GIVEN a look-alike scope that contains the required one as a prefix
    const token = await fixture.token({ scope: `${AUDIENCE}|${ADMIN_READ_SCOPE}` });
    expect(claimsOf(token).scope).toBe(ADMIN_READ_SCOPE);

    // WHEN hello requires user:read:one and allows this client
    const res = await call('/hello', { token });

    // THEN the whole-scope check denies it
    expect(res).toMatchObject({ status: 403, decision: 'DENY', api: 'hello' });
    expect(res.headers['x-ca-error-message']).toBe(`Missing scope ${READ_SCOPE} for client id: ${SEED_CLIENT_ID}`);
    expect(res.reason).toContain('rule checkScope denied');
  });

  test('allows the provisioning client on the API only it may call, with its own user:write:one token', async () => {
    // GIVEN
    const token = await fixture.token({ clientId: PROVISIONING_CLIENT_ID, scope: `${AUDIENCE}|${WRITE_SCOPE}` });
    expect(claimsOf(token)).toMatchObject({ client_id: PROVISIONING_CLIENT_ID, sub: PROVISIONING_CLIENT_ID, scope: WRITE_SCOPE });

    // WHEN
    const res = await call('/users/42', { token, method: 'PUT' });

    // THEN
    expect(res).toMatchObject({ status: 200, decision: 'ALLOW', api: 'update_user' });
  });

  test('allows a <audience>|.all token (every granted scope) on APIs requiring either granted scope', async () => {
    // GIVEN two tokens (replay protection is on), each holding all the seed client's scopes
    const [first, second] = [await fixture.token({ scope: `${AUDIENCE}|.all` }), await fixture.token({ scope: `${AUDIENCE}|.all` })];
    expect(claimsOf(first).scope).toBe(`${READ_SCOPE} ${ADMIN_READ_SCOPE}`);

    // WHEN
    const hello = await call('/hello', { token: first });
    const readUser = await call('/users/42', { token: second });

    // THEN
    expect([hello.decision, readUser.decision]).toEqual(['ALLOW', 'ALLOW']);
  });
});
