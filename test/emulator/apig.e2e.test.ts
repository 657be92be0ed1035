/**
 * The cloud-native APIG emulator end to end: a real demo issuer (oidc-provider over HTTPS, fresh
 * PKI, an RS256 and an ES256 key), a lock recorded from it, a stack built with the APIG
 * constructs and synthesized, real client_credentials tokens sent through the emulator, in code
 * and over HTTP.
 *
 * Gateway `gw-whitelist` / `env-whitelist`: global JWT auth, whitelist mode (`/health` on any
 * host and `/public/**` on api.example.com skip it), `sub` pinned to the seed client.
 * Gateway `gw-blacklist` / `env-blacklist`: blacklist mode protecting `/admin/**` on
 * api.example.com and `/orders` on any host, token in `X-Token` without prefix, passthrough on.
 * Gateway `gw-disabled` / `env-disabled`: a disabled rule.
 */
import { request as httpRequest } from 'node:http';
import { writeFileSync } from 'node:fs';
import { Aspects, TerraformStack, Testing } from 'cdktf';
import { type JWK, SignJWT, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  APIG_ANY_DOMAIN, ApigAuthorization, ApigGateway, ApigJwtAuthentication, ApigTokenSource, IssuerLookup, M2mAuthorizationServer, SecurityChecks,
  Suppressions,
} from '../../constructs';
import { AlicloudProvider } from '../../.gen/providers/alicloud/provider';
import { type DemoIssuer, startDemoIssuer } from '../../demo-issuer/demo-issuer';
import { generateDemoPki } from '../../demo-issuer/pki';
import { DemoSigningAlgorithm, type PrivateSigningJwk, generateSigningKey } from '../../demo-issuer/signing-keys';
import { runEmulatorCli } from '../../commands/emulator-cli';
import { ApigEmulator, type ApigEmulatorRequest, type ApigEmulatorResponse, type EmulatorServer } from '../../emulator';
import type { LockFile } from '../../core/issuer-facts';
import { SILENT_LOGGER, prepareLookups } from '../../lookups/prepare';
import { tempDir, writeCaBundle } from '../support/pki';
import { SEED_CLIENT_ID } from '../util';

const AUDIENCE = 'https://apig.example.test/api';
const SCOPE = 'user:read:one';
const OTHER_CLIENT = 'app_provisioning_demo';
const TTL_SECONDS = 600;

let trusted: DemoIssuer;
let impostor: DemoIssuer;
let rsKey: PrivateSigningJwk;
let esKey: PrivateSigningJwk;
let lock: LockFile;
let synth: Record<string, any>;
let stackFile: string;
let apig: ApigEmulator;
const tmp = tempDir('apig-emulator-');

beforeAll(async () => {
  const pki = generateDemoPki({ label: 'apig' });
  rsKey = generateSigningKey({ kid: 'apig-rs256', alg: DemoSigningAlgorithm.RS256 });
  esKey = generateSigningKey({ kid: 'apig-es256', alg: DemoSigningAlgorithm.ES256 });
  const clients = [SEED_CLIENT_ID, OTHER_CLIENT].map((clientId) => ({ clientId, clientSecret: `${clientId}-secret`, grantedScopes: [SCOPE] }));
  const common = { pki, audience: AUDIENCE, scopes: [SCOPE], clients, accessTokenTtlSeconds: TTL_SECONDS };
  trusted = await startDemoIssuer({ ...common, signingKeys: [rsKey, esKey] });
  // Another issuer signing with the very same keys: only `iss` tells its tokens apart.
  impostor = await startDemoIssuer({ ...common, path: '/impostor', signingKeys: [rsKey, esKey] });
  ({ lock } = await prepareLookups({
    issuers: [{ issuer: trusted.issuer }],
    lockPath: tmp.file('lookups.lock.json'),
    caBundlePath: writeCaBundle(tmp.file('ca.pem'), trusted.caPem),
    ci: false,
    logger: SILENT_LOGGER,
  }));
  synth = JSON.parse(Testing.synth(buildStack(), true)) as Record<string, any>;
  stackFile = tmp.file('cdk.tf.json');
  writeFileSync(stackFile, JSON.stringify(synth, null, 2));
  apig = ApigEmulator.fromStack(synth);
}, 60_000);

afterAll(async () => {
  await trusted?.close();
  await impostor?.close();
  tmp.cleanup();
});

function buildStack(): TerraformStack {
  const app = Testing.app();
  IssuerLookup.attach(app, lock);
  const stack = new TerraformStack(app, 'apig');
  new AlicloudProvider(stack, 'alicloud', { region: 'cn-hangzhou' });
  Aspects.of(stack).add(new SecurityChecks());
  const server = new M2mAuthorizationServer(stack, 'Idaas', { issuer: trusted.issuer, audience: AUDIENCE, scopes: [SCOPE] });
  const gateway = (id: string, name: string) => ApigGateway.fromGatewayAttributes(stack, id, { gatewayId: `gw-${name}`, environmentId: `env-${name}` });
  new ApigJwtAuthentication(stack, 'Whitelist', {
    gateway: gateway('WhitelistGateway', 'whitelist'),
    server,
    policyName: 'm2m-whitelist',
    subject: SEED_CLIENT_ID,
    authorization: ApigAuthorization.whitelist([{ domain: APIG_ANY_DOMAIN, path: '/health' }, { domain: 'api.example.com', path: '/public/**' }]),
  });
  const blacklist = new ApigJwtAuthentication(stack, 'Blacklist', {
    gateway: gateway('BlacklistGateway', 'blacklist'),
    server,
    policyName: 'm2m-blacklist',
    tokenSource: ApigTokenSource.header('X-Token'),
    passThroughToken: true,
    authorization: ApigAuthorization.blacklist([{ domain: 'api.example.com', path: '/admin/**' }, { domain: APIG_ANY_DOMAIN, path: '/orders' }]),
  });
  Suppressions.add(blacklist, [{ id: 'APIG-JWT2', reason: 'Emulator fixture: shows blacklist semantics' }]);
  const disabled = new ApigJwtAuthentication(stack, 'Disabled', { gateway: gateway('DisabledGateway', 'disabled'), server, policyName: 'm2m-disabled', enabled: false });
  Suppressions.add(disabled, [{ id: 'APIG-JWT5', reason: 'Emulator fixture: shows a disabled rule' }]);
  return stack;
}

async function token(options: { issuer?: DemoIssuer; clientId?: string } = {}): Promise<string> {
  const issuer = options.issuer ?? trusted;
  const { status, body, accessToken } = await issuer.requestToken({ clientId: options.clientId ?? SEED_CLIENT_ID, scope: issuer.requestScope([SCOPE]) });
  if (!accessToken) throw new Error(`token request failed (${status}): ${JSON.stringify(body)}`);
  return accessToken;
}

function call(path: string, options: { gateway?: string; host?: string; headers?: Record<string, string>; on?: ApigEmulator } = {}): Promise<ApigEmulatorResponse> {
  const name = options.gateway ?? 'whitelist';
  const request: ApigEmulatorRequest = { gateway: `gw-${name}`, environment: `env-${name}`, host: options.host ?? 'api.example.com', method: 'GET', path, headers: options.headers };
  return (options.on ?? apig).handle(request);
}

const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

describe('loading the synthesized APIG stack', () => {
  test('finds every JWTAuth policy per gateway and environment, with every key of the recorded JWKS', () => {
    // THEN
    expect(apig.model.targets.map((t) => `${t.gateway}/${t.environment}`).sort()).toEqual(['gw-blacklist/env-blacklist', 'gw-disabled/env-disabled', 'gw-whitelist/env-whitelist']);
    expect(apig.model.notEmulated).toEqual([]);
    const whitelist = apig.model.policies.find((p) => p.name === 'm2m-whitelist')!;
    expect(typeof whitelist.config !== 'string' && whitelist.config.jwks).toEqual({ keys: lock.issuers[trusted.issuer].keys.map((k) => expect.objectContaining({ kid: k.kid, alg: k.alg })) });
    expect(lock.issuers[trusted.issuer].keys.map((k) => k.kid)).toEqual(['apig-rs256', 'apig-es256']);
  });
});

describe('whitelist mode (gw-whitelist)', () => {
  test('lets a whitelisted path through without a token, on any host', async () => {
    for (const host of ['api.example.com', 'other.example.com:8443']) {
      const res = await call('/health', { host });
      expect(res).toMatchObject({ status: 200, decision: 'ALLOW' });
      expect(res.reason).toMatch(/whitelisted by \*\/health, no token needed/);
    }
    expect(await call('/public/docs/index.html')).toMatchObject({ status: 200, decision: 'ALLOW' });
  });

  test('answers 401 on a protected path without a token', async () => {
    // WHEN
    const res = await call('/orders');
    // THEN
    expect(res).toMatchObject({ status: 401, decision: 'DENY' });
    expect(res.reason).toMatch(/no token in header "Authorization"/);
  });

  test('protects what only looks whitelisted: another host, a longer path', async () => {
    expect(await call('/public/docs', { host: 'other.example.com' })).toMatchObject({ status: 401 });
    expect(await call('/health/admin')).toMatchObject({ status: 401 });
    expect(await call('/healthz')).toMatchObject({ status: 401 });
  });

  test('allows a valid token from the trusted issuer for the pinned subject (200)', async () => {
    // GIVEN
    const t = await token();
    // WHEN
    const res = await call('/orders', { headers: bearer(t) });
    // THEN
    expect(res).toMatchObject({ status: 200, decision: 'ALLOW' });
    expect(res.reason).toMatch(/m2m-whitelist: token verified/);
    expect(JSON.parse(res.body)).toMatchObject({ gateway: 'gw-whitelist', environment: 'env-whitelist', path: '/orders', tokenForwarded: false });
  });

  test('verifies with every key of the set, each with its own algorithm (rotation to the ES256 key)', async () => {
    // GIVEN the issuer now signs with its second key
    trusted.setSigningKeys([esKey, rsKey]);
    try {
      const t = await token();
      expect(JSON.parse(Buffer.from(t.split('.')[0], 'base64url').toString())).toMatchObject({ alg: 'ES256', kid: 'apig-es256' });
      // WHEN / THEN
      expect(await call('/orders', { headers: bearer(t) })).toMatchObject({ status: 200, decision: 'ALLOW' });
    } finally {
      trusted.setSigningKeys([rsKey, esKey]);
    }
  });

  test('answers 401 for a token of another issuer signed with the same key (wrong iss)', async () => {
    // GIVEN
    const t = await token({ issuer: impostor });
    // WHEN
    const res = await call('/orders', { headers: bearer(t) });
    // THEN
    expect(res).toMatchObject({ status: 401, decision: 'DENY' });
    expect(res.reason).toMatch(/claim iss rejected/);
  });

  test('answers 401 for a valid token of another client (wrong sub)', async () => {
    const res = await call('/orders', { headers: bearer(await token({ clientId: OTHER_CLIENT })) });
    expect(res).toMatchObject({ status: 401, decision: 'DENY' });
    expect(res.reason).toMatch(/claim sub rejected/);
  });

  test('answers 401 for an expired token', async () => {
    // GIVEN the same stack, with the emulator's clock past the token's exp
    const t = await token();
    const later = ApigEmulator.fromStack(synth, { now: () => new Date(Date.now() + (TTL_SECONDS + 60) * 1000) });
    // WHEN
    const res = await call('/orders', { headers: bearer(t), on: later });
    // THEN
    expect(res).toMatchObject({ status: 401, decision: 'DENY' });
    expect(res.reason).toMatch(/the token expired/);
  });

  test('answers 401 for a token that is not valid yet (nbf)', async () => {
    // GIVEN a token signed with the issuer's own key but nbf in an hour
    const now = Math.floor(Date.now() / 1000);
    const t = await new SignJWT({ client_id: SEED_CLIENT_ID })
      .setProtectedHeader({ alg: 'RS256', kid: rsKey.kid })
      .setIssuer(trusted.issuer).setSubject(SEED_CLIENT_ID).setIssuedAt(now).setNotBefore(now + 3600).setExpirationTime(now + 7200)
      .sign(await importJWK(rsKey as JWK, 'RS256'));
    // WHEN / THEN
    expect(await call('/orders', { headers: bearer(t) })).toMatchObject({ status: 401, reason: expect.stringMatching(/claim nbf rejected/) });
  });

  test('answers 401 for forged tokens: a tampered payload, and a token signed by another key under the same kid', async () => {
    // GIVEN
    const [header, payload, signature] = (await token({ clientId: OTHER_CLIENT })).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const tampered = [header, Buffer.from(JSON.stringify({ ...claims, sub: SEED_CLIENT_ID })).toString('base64url'), signature].join('.');
    const attacker = generateSigningKey({ kid: rsKey.kid, alg: DemoSigningAlgorithm.RS256 });
    const now = Math.floor(Date.now() / 1000);
    const resigned = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: rsKey.kid })
      .setIssuer(trusted.issuer).setSubject(SEED_CLIENT_ID).setIssuedAt(now).setExpirationTime(now + 600)
      .sign(await importJWK(attacker as JWK, 'RS256'));
    // WHEN / THEN
    for (const forged of [tampered, resigned]) {
      const res = await call('/orders', { headers: bearer(forged) });
      expect(res).toMatchObject({ status: 401, decision: 'DENY' });
      expect(res.reason).toMatch(/signature does not verify/);
    }
  });

  test('answers 401 when the token lacks the configured prefix or sits in another header', async () => {
    const t = await token();
    expect(await call('/orders', { headers: { Authorization: t } })).toMatchObject({ status: 401, reason: expect.stringMatching(/does not start with the prefix "Bearer "/) });
    expect(await call('/orders', { headers: { 'X-Token': t } })).toMatchObject({ status: 401 });
  });

  test('rejects an unsigned (alg none) token', async () => {
    const body = Buffer.from(JSON.stringify({ iss: trusted.issuer, sub: SEED_CLIENT_ID, exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${body}.`;
    expect(await call('/orders', { headers: bearer(none) })).toMatchObject({ status: 401, decision: 'DENY' });
  });
});

describe('blacklist mode (gw-blacklist)', () => {
  test('protects exactly the listed domain and path pairs', async () => {
    // GIVEN / WHEN / THEN: listed pairs need a token
    for (const [host, path] of [['api.example.com', '/admin/users'], ['api.example.com', '/admin/'], ['api.example.com', '/orders'], ['other.example.com', '/orders']]) {
      const res = await call(path, { gateway: 'blacklist', host });
      expect(res, `${host}${path}`).toMatchObject({ status: 401, decision: 'DENY' });
    }
    // everything else passes without one
    for (const [host, path] of [['other.example.com', '/admin/users'], ['api.example.com', '/orders/1'], ['api.example.com', '/public'], ['api.example.com', '/administrator']]) {
      const res = await call(path, { gateway: 'blacklist', host });
      expect(res, `${host}${path}`).toMatchObject({ status: 200, decision: 'ALLOW' });
      expect(res.reason).toMatch(/is not in the blacklist, no token needed/);
    }
  });

  test('allows a listed pair with a valid token in the configured header, passed through to the backend', async () => {
    const res = await call('/admin/users', { gateway: 'blacklist', headers: { 'X-Token': await token({ clientId: OTHER_CLIENT }) } });
    expect(res).toMatchObject({ status: 200, decision: 'ALLOW' });
    expect(JSON.parse(res.body)).toMatchObject({ tokenForwarded: true });
  });
});

describe('a disabled rule (gw-disabled)', () => {
  test('authenticates nothing, and says so', async () => {
    const res = await call('/orders', { gateway: 'disabled' });
    expect(res).toMatchObject({ status: 200, decision: 'ALLOW', reason: 'm2m-disabled: disabled, authenticates nothing' });
  });
});

describe('routing', () => {
  test('answers 404 for a gateway or environment without policies, and asks for one when several exist', async () => {
    expect(await apig.handle({ gateway: 'gw-unknown', environment: 'env-whitelist', host: 'a', method: 'GET', path: '/' })).toMatchObject({ status: 404, decision: 'DENY' });
    expect(await apig.handle({ host: 'a', method: 'GET', path: '/' })).toMatchObject({ status: 404, reason: expect.stringMatching(/pass the gateway and environment/) });
  });
});

describe('over HTTP (npm run emulator -- --stack <apig stack>)', () => {
  let server: EmulatorServer;
  const output: string[] = [];

  beforeAll(async () => {
    const result = await runEmulatorCli(['--stack', stackFile, '--port', '0', '--gateway', 'gw-whitelist', '--environment', 'env-whitelist'], {
      write: (t) => output.push(t), writeError: (t) => output.push(t),
    });
    if (!result.server) throw new Error(`emulator did not start: ${output.join('')}`);
    server = result.server;
  });
  afterAll(async () => {
    await server?.close();
  });

  function get(path: string, headers: Record<string, string>): Promise<{ status: number; decision?: string; body: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${server.url}${path}`, { headers }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => { text += c.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, decision: res.headers['x-emulator-decision'] as string, body: JSON.parse(text) as Record<string, unknown> }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  test('prints the gateways it serves', () => {
    expect(output.join('')).toMatch(/cloud-native APIG emulator: http:\/\/127\.0\.0\.1:\d+/);
    expect(output.join('')).toMatch(/gw-whitelist \/ env-whitelist/);
  });

  test('routes by Host and the X-Apig-* headers and answers with the decision', async () => {
    const t = await token();
    expect(await get('/health', { host: 'api.example.com' })).toMatchObject({ status: 200, decision: 'ALLOW' });
    expect(await get('/orders?x=1', { host: 'api.example.com' })).toMatchObject({ status: 401, decision: 'DENY' });
    expect(await get('/orders', { host: 'api.example.com', authorization: `Bearer ${t}` })).toMatchObject({ status: 200, decision: 'ALLOW', body: { gateway: 'gw-whitelist' } });
    expect(await get('/orders/1', { host: 'api.example.com', 'x-apig-gateway': 'gw-blacklist', 'x-apig-environment': 'env-blacklist' })).toMatchObject({ status: 200, decision: 'ALLOW' });
    expect(await get('/orders', { host: 'api.example.com', 'x-apig-gateway': 'gw-blacklist', 'x-apig-environment': 'env-blacklist' })).toMatchObject({ status: 401, decision: 'DENY' });
  });
});
