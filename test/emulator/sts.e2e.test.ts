/**
 * The STS emulator end to end: a real demo issuer (oidc-provider over HTTPS, fresh PKI and key),
 * a lock recorded from it by `prepareLookups`, a federation stack built with the project's
 * constructs and synthesized, the emulator served over HTTP, and real client_credentials tokens
 * exchanged with real RPC requests (form-encoded, and through the official STS SDK).
 *
 * Stack:
 * - provider `m2m-sts-test` (the demo issuer, its audience, 1 h issuance limit);
 * - role `reporting-exact` trusting the seed client only (StringEquals on oidc:sub), max 3600 s;
 * - role `batch-wildcard` trusting `app_batch_*` (StringLike, the reasoned opt-in);
 * - provider `m2m-sts-other-aud` for the same issuer with another client ID, and role `other-aud`.
 */
import { Aspects, TerraformStack, Testing } from 'cdktf';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import Sts, { AssumeRoleWithOIDCRequest } from '@alicloud/sts20150401';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { AlicloudProvider } from '../../.gen/providers/alicloud/provider';
import { IssuerLookup, M2mAuthorizationServer, OidcProvider, OidcRole, SecurityChecks } from '../../constructs';
import { type DemoIssuer, startDemoIssuer } from '../../demo-issuer/demo-issuer';
import { generateDemoPki } from '../../demo-issuer/pki';
import { DemoSigningAlgorithm, generateSigningKey } from '../../demo-issuer/signing-keys';
import { StsEmulator, type StsEmulatorServer, issuerFactsFromLock, startStsEmulatorServer } from '../../emulator';
import type { LockFile } from '../../core/issuer-facts';
import { recordDemoIssuerLock } from '../support/demo-lock';
import { tempDir } from '../support/pki';
import { SEED_CLIENT_ID } from '../util';

const ACCOUNT = '1234567890123456';
const AUDIENCE = 'https://sts-test.example.test/api';
const BATCH_CLIENT = 'app_batch_nightly';
const PROVISIONING = 'app_provisioning_demo';
const TTL = 3 * 3600;
const tmp = tempDir('sts-e2e-');
let demo: DemoIssuer;
let otherIssuer: DemoIssuer;
let server: StsEmulatorServer;
let offsetSeconds = 0;
const PROVIDER_ARN = `acs:ram::${ACCOUNT}:oidc-provider/m2m-sts-test`;
const roleArn = (name: string) => `acs:ram::${ACCOUNT}:role/${name}`;

beforeAll(async () => {
  const clients = [SEED_CLIENT_ID, PROVISIONING, BATCH_CLIENT].map((clientId) => ({ clientId, clientSecret: `${clientId}-secret` }));
  demo = await startDemoIssuer({
    pki: generateDemoPki({ label: 'sts' }), signingKeys: [generateSigningKey({ kid: 'sts-rs256', alg: DemoSigningAlgorithm.RS256 })],
    audience: AUDIENCE, scopes: ['user:read:one'], clients, accessTokenTtlSeconds: TTL,
  });
  otherIssuer = await startDemoIssuer({ audience: AUDIENCE, scopes: ['user:read:one'], clients });
  const lock = await recordDemoIssuerLock(tmp, demo);
  const synth = JSON.parse(Testing.synth(federationStack(lock, demo.issuer), true)) as unknown;
  const emulator = StsEmulator.fromStack(synth, {
    accountId: ACCOUNT,
    issuers: issuerFactsFromLock(lock),
    now: () => new Date(Date.now() + offsetSeconds * 1000),
  });
  server = await startStsEmulatorServer(emulator);
});
afterAll(async () => {
  await server?.close();
  await demo?.close();
  await otherIssuer?.close();
  tmp.cleanup();
});

function federationStack(lock: LockFile, issuer: string): TerraformStack {
  const app = Testing.app();
  IssuerLookup.attach(app, lock);
  const stack = new TerraformStack(app, 'federation');
  new AlicloudProvider(stack, 'alicloud', { region: 'cn-hangzhou' });
  Aspects.of(stack).add(new SecurityChecks({ production: false }));
  const m2m = new M2mAuthorizationServer(stack, 'Idaas', { issuer, audience: AUDIENCE, scopes: ['user:read:one'] });
  const provider = OidcProvider.forM2mServer(stack, 'Provider', m2m, { oidcProviderName: 'm2m-sts-test', issuanceLimitHours: 1 });
  new OidcRole(stack, 'Exact', { provider, roleName: 'reporting-exact', allowedSubjects: [SEED_CLIENT_ID] });
  new OidcRole(stack, 'Wildcard', {
    provider, roleName: 'batch-wildcard',
    subjectPatterns: { patterns: ['app_batch_*'], reason: 'Batch jobs get one client per night (TICKET-42)' },
  });
  const otherAudience = new M2mAuthorizationServer(stack, 'OtherAudience', { issuer, audience: 'https://another-api.example.test', scopes: ['user:read:one'] });
  const otherProvider = OidcProvider.forM2mServer(stack, 'OtherProvider', otherAudience, { oidcProviderName: 'm2m-sts-other-aud' });
  new OidcRole(stack, 'OtherAud', { provider: otherProvider, roleName: 'other-aud', allowedSubjects: [SEED_CLIENT_ID] });
  return stack;
}

async function tokenOf(clientId: string, issuer: DemoIssuer = demo): Promise<string> {
  const res = await issuer.requestToken({ clientId });
  if (!res.accessToken) throw new Error(`token request failed (${res.status}): ${JSON.stringify(res.body)}`);
  return res.accessToken;
}

/** A form-encoded RPC call, as the API reference describes it. */
async function assume(params: Record<string, string>): Promise<{ status: number; body: Record<string, any> }> {
  const res = await request(`${server.url}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ Action: 'AssumeRoleWithOIDC', Version: '2015-04-01', Format: 'JSON', ...params }).toString(),
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, any> };
}

const exchange = async (clientId: string, role: string, extra: Record<string, string> = {}, token?: string) => assume({
  OIDCProviderArn: PROVIDER_ARN, RoleArn: roleArn(role), OIDCToken: token ?? await tokenOf(clientId), RoleSessionName: 'verify-test', ...extra,
});

describe('StsEmulator (AssumeRoleWithOIDC over a synthesized federation stack)', () => {
  test('gives the allowed subject well-formed temporary credentials that expire after DurationSeconds', async () => {
    // WHEN
    const before = Date.now();
    const res = await exchange(SEED_CLIENT_ID, 'reporting-exact', { DurationSeconds: '900' });

    // THEN
    expect(res.status).toBe(200);
    const { Credentials: creds, AssumedRoleUser: user, OIDCTokenInfo: info } = res.body;
    expect(creds.AccessKeyId).toMatch(/^STS\.[A-Za-z0-9_-]{16,}$/);
    expect(creds.AccessKeySecret).toMatch(/^[A-Za-z0-9_-]{30,}$/);
    expect(creds.SecurityToken.length).toBeGreaterThan(64);
    const expires = Date.parse(creds.Expiration);
    expect(creds.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(expires - before).toBeGreaterThan(895_000);
    expect(expires - before).toBeLessThanOrEqual(902_000);
    expect(user.Arn).toBe(`acs:ram::${ACCOUNT}:assumed-role/reporting-exact/verify-test`);
    expect(info).toMatchObject({ Subject: SEED_CLIENT_ID, Issuer: demo.issuer, ClientIds: AUDIENCE });
  });

  test('answers the official STS SDK (anonymous RPC call, parameters in the query string)', async () => {
    // GIVEN
    const url = new URL(server.url);
    const client = new Sts(new $OpenApiUtil.Config({ endpoint: url.host, protocol: 'http', regionId: 'cn-hangzhou' }));

    // WHEN
    const res = await client.assumeRoleWithOIDC(new AssumeRoleWithOIDCRequest({
      OIDCProviderArn: PROVIDER_ARN, roleArn: roleArn('reporting-exact'), OIDCToken: await tokenOf(SEED_CLIENT_ID), roleSessionName: 'sdk', durationSeconds: 1800,
    }));

    // THEN
    expect(res.body?.credentials?.accessKeyId).toMatch(/^STS\./);
    expect(res.body?.assumedRoleUser?.arn).toContain('reporting-exact/sdk');
  });

  test('refuses another client of the same issuer (AuthenticationFail.NoPermission, oidc:sub named)', async () => {
    // WHEN
    const res = await exchange(PROVISIONING, 'reporting-exact');

    // THEN
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ Code: 'AuthenticationFail.NoPermission', Message: 'There is no permission' });
    expect(res.body.Reason).toContain(`oidc:sub "${PROVISIONING}" does not satisfy StringEquals`);
    expect(res.body.Credentials).toBeUndefined();
  });

  test('refuses a token of another issuer (AuthenticationFail.OIDCToken.IssuerNotMatch)', async () => {
    // WHEN
    const res = await exchange(SEED_CLIENT_ID, 'reporting-exact', {}, await tokenOf(SEED_CLIENT_ID, otherIssuer));

    // THEN
    expect(res.status).toBe(401);
    expect(res.body.Code).toBe('AuthenticationFail.OIDCToken.IssuerNotMatch');
    expect(res.body.Reason).toContain(otherIssuer.issuer);
  });

  test('refuses an expired token (AuthenticationFail.OIDCToken.Expired)', async () => {
    // GIVEN a token, then the clock moves past its exp
    const token = await tokenOf(SEED_CLIENT_ID);
    offsetSeconds = TTL + 60;
    try {
      // WHEN
      const res = await exchange(SEED_CLIENT_ID, 'reporting-exact', {}, token);

      // THEN
      expect(res.body.Code).toBe('AuthenticationFail.OIDCToken.Expired');
      expect(res.body.Reason).toMatch(/exp .* is past/);
    } finally {
      offsetSeconds = 0;
    }
  });

  test('refuses a valid token issued longer ago than the provider\'s issuance limit (1 h)', async () => {
    // GIVEN a 3 h token, 2 h later: not expired, but older than the limit
    const token = await tokenOf(SEED_CLIENT_ID);
    offsetSeconds = 2 * 3600;
    try {
      // WHEN
      const res = await exchange(SEED_CLIENT_ID, 'reporting-exact', {}, token);

      // THEN
      expect(res.status).toBe(401);
      expect(res.body.Code).toBe('AuthenticationFail.OIDCToken.Expired');
      expect(res.body.Reason).toContain('issuance limit of 1 h');
    } finally {
      offsetSeconds = 0;
    }
  });

  test('refuses a DurationSeconds above the role maximum, and below 900', async () => {
    // WHEN
    const tooLong = await exchange(SEED_CLIENT_ID, 'reporting-exact', { DurationSeconds: '7200' });
    const tooShort = await exchange(SEED_CLIENT_ID, 'reporting-exact', { DurationSeconds: '899' });

    // THEN
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.Code).toBe('InvalidParameter.DurationSeconds');
    expect(tooLong.body.Reason).toContain('max_session_duration 3600');
    expect(tooShort.body.Code).toBe('InvalidParameter.DurationSeconds');
  });

  test('admits what a reasoned wildcard subject says (app_batch_*) and nothing else', async () => {
    // WHEN
    const batch = await exchange(BATCH_CLIENT, 'batch-wildcard');
    const seed = await exchange(SEED_CLIENT_ID, 'batch-wildcard');

    // THEN
    expect(batch.status).toBe(200);
    expect(batch.body.OIDCTokenInfo.Subject).toBe(BATCH_CLIENT);
    expect(seed.body.Code).toBe('AuthenticationFail.NoPermission');
    expect(seed.body.Reason).toContain('StringLike ["app_batch_*"]');
  });

  test('refuses a token whose aud is not among the provider\'s client IDs (AudienceNotMatch)', async () => {
    // WHEN
    const res = await exchange(SEED_CLIENT_ID, 'other-aud', { OIDCProviderArn: `acs:ram::${ACCOUNT}:oidc-provider/m2m-sts-other-aud` });

    // THEN
    expect(res.body).toMatchObject({ Code: 'AuthenticationFail.OIDCToken.AudienceNotMatch', Message: 'Invalid audience.' });
  });

  test('refuses a tampered token (InvalidSignature), a bad session name, an unknown role and provider', async () => {
    // GIVEN the seed's token with the payload of the provisioning client's
    const [header, , signature] = (await tokenOf(SEED_CLIENT_ID)).split('.');
    const payload = (await tokenOf(PROVISIONING)).split('.')[1];

    // WHEN
    const tampered = await exchange(SEED_CLIENT_ID, 'reporting-exact', {}, `${header}.${payload}.${signature}`);
    const badSession = await exchange(SEED_CLIENT_ID, 'reporting-exact', { RoleSessionName: 'has space' });
    const noRole = await exchange(SEED_CLIENT_ID, 'nobody');
    const noProvider = await exchange(SEED_CLIENT_ID, 'reporting-exact', { OIDCProviderArn: `acs:ram::${ACCOUNT}:oidc-provider/nope` });

    // THEN
    expect(tampered.body.Code).toBe('AuthenticationFail.OIDCToken.InvalidSignature');
    expect(badSession.body.Code).toBe('InvalidParameter.RoleSessionName');
    expect(noRole).toMatchObject({ status: 404, body: { Code: 'EntityNotExist.Role' } });
    expect(noProvider.body).toMatchObject({ Code: 'AuthenticationFail.NoPermission', Message: 'No such OIDC Provider registered.' });
  });

  test('resolves the stack outputs to the ARNs it answers to', () => {
    // GIVEN
    const emulator = StsEmulator.fromStack({
      resource: { alicloud_ims_oidc_provider: { P: { oidc_provider_name: 'p', issuer_url: 'https://i.example', client_ids: ['a'], fingerprints: ['ab'] } } },
      output: { oidc_provider_arn: { value: '${alicloud_ims_oidc_provider.P.arn}' } },
    }, { accountId: ACCOUNT, issuers: {} });

    // THEN
    expect(emulator.model.outputs).toEqual({ oidc_provider_arn: `acs:ram::${ACCOUNT}:oidc-provider/p` });
  });
});
