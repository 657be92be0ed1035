/**
 * The whole example end to end, as the README walks through it: the example's demo issuer
 * (`npm run demo-issuer`: the committed fixtures at https://localhost:8443/demo, the example's
 * audience, scopes and clients), the example's dev environment synthesized from
 * `config/environments.ts` with the COMMITTED `lookups.lock.json`, the emulator serving
 * `gateway-dev/cdk.tf.json` over HTTP, and real tokens.
 *
 * The issuer URL (port included) is recorded in the lock, so the demo must listen on 8443:
 * when that port is taken (e.g. by a running `npm run demo-issuer`) the suite fails and says so.
 */
import { copyFileSync } from 'node:fs';
import * as path from 'node:path';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEV, validateEnvironments } from '../../config';
import type { DemoIssuer } from '../../demo-issuer/demo-issuer';
import { exampleDemoClients, startExampleDemoIssuer } from '../../demo-issuer/example';
import { DEMO_FIXED_ISSUER } from '../../demo-issuer/fixtures';
import { ApigEmulator, type EmulatorServer, GatewayEmulator, OciGatewayEmulator, startEmulatorServer } from '../../emulator';
import { IssuerChangeKind } from '../../lookups/changes';
import { LOCK_FILE_NAME, readLockFile } from '../../lookups/lock-file';
import { SILENT_LOGGER, prepareLookups } from '../../lookups/prepare';
import { buildApp } from '../../stacks/app';
import { tempDir, writeCaBundle } from '../support/pki';
import { SEED_CLIENT_ID } from '../util';
import { claimsOf } from './support';

const ROOT = path.resolve(__dirname, '../..');
const COMMITTED_LOCK = path.join(ROOT, LOCK_FILE_NAME);
const tmp = tempDir('example-e2e-');
const [reporting, provisioning] = exampleDemoClients(DEV);
let demo: DemoIssuer | undefined;
let emulator: EmulatorServer | undefined;
let ociEmulator: OciGatewayEmulator | undefined;
let ociServer: EmulatorServer | undefined;

beforeAll(async () => {
  demo = await startExampleDemoIssuer(DEV);
  validateEnvironments([DEV]);
  const lock = readLockFile(COMMITTED_LOCK);
  if (!lock) throw new Error(`${COMMITTED_LOCK} is missing`);
  const outdir = tmp.file('cdktf.out');
  buildApp({ outdir, environments: [DEV], lock }).synth();
  const stackFile = path.join(outdir, 'stacks', 'gateway-dev', 'cdk.tf.json');
  emulator = await startEmulatorServer(GatewayEmulator.fromFile(stackFile), { defaultStage: 'TEST' });
  ociEmulator = OciGatewayEmulator.fromFile(path.join(outdir, 'stacks', 'oci-dev', 'cdk.tf.json'), { caPem: demo.caPem });
  ociServer = await startEmulatorServer(ociEmulator);
});
afterAll(async () => {
  await ociServer?.close();
  await ociEmulator?.close();
  await emulator?.close();
  await demo?.close();
  tmp.cleanup();
});

async function token(client: { clientId: string }, scope: string): Promise<string> {
  const { status, body, accessToken } = await demo!.requestToken({ clientId: client.clientId, scope });
  if (!accessToken) throw new Error(`token request failed (${status}): ${JSON.stringify(body)}`);
  return accessToken;
}

async function send(method: string, route: string, accessToken: string) {
  const res = await fetch(`${emulator!.url}${route}?id_token=${encodeURIComponent(accessToken)}`, { method });
  return { status: res.status, decision: res.headers.get('x-emulator-decision'), error: res.headers.get('x-ca-error-message'), body: (await res.json()) as Record<string, unknown> };
}

describe('the example (npm run demo-issuer + the dev environment + the emulator)', () => {
  test('serves the example M2M server of config/environments.ts at the issuer URL the lock records', () => {
    // THEN
    expect(demo!.issuer).toBe(DEV.m2mServer.issuer);
    expect(demo!.issuer).toBe(DEMO_FIXED_ISSUER);
    expect(demo!.audience).toBe(DEV.m2mServer.audience);
    expect(demo!.scopes).toEqual(DEV.m2mServer.scopes);
    expect(demo!.clients.map((c) => [c.clientId, c.grantedScopes])).toEqual(DEV.clients.map((c) => [c.clientId, c.grantedScopes]));
  });

  test('leaves the committed lock unchanged: a CI-mode refresh against the running demo finds no change', async () => {
    // GIVEN a copy of the committed lock (CI mode never writes, the copy is belt and braces)
    const lockPath = tmp.file('lookups.lock.json');
    copyFileSync(COMMITTED_LOCK, lockPath);

    // WHEN
    const result = await prepareLookups({
      issuers: [{ issuer: DEMO_FIXED_ISSUER }],
      lockPath,
      refresh: true,
      ci: true,
      caBundlePath: writeCaBundle(tmp.file('ca.pem'), demo!.caPem),
      logger: SILENT_LOGGER,
    });

    // THEN
    expect(result.changes.map((c) => c.kind)).toEqual([IssuerChangeKind.UNCHANGED]);
    expect(result.lock).toEqual(readLockFile(COMMITTED_LOCK));
    expect(result.lockWritten).toBe(false);
  });

  test('allows the seed client GET /hello?id_token=<its real user:read:one token> on TEST', async () => {
    // GIVEN
    const accessToken = await token(reporting, demo!.requestScope(['user:read:one']));
    expect(claimsOf(accessToken)).toMatchObject({ iss: DEMO_FIXED_ISSUER, aud: DEV.m2mServer.audience, client_id: SEED_CLIENT_ID, sub: SEED_CLIENT_ID, scope: 'user:read:one' });

    // WHEN
    const res = await send('GET', '/hello', accessToken);

    // THEN
    expect(res).toMatchObject({ status: 200, decision: 'ALLOW', body: { api: 'hello', stage: 'TEST' } });
  });

  test('denies the seed client PUT /users (needs user:write:one and the provisioning client) with 403', async () => {
    // GIVEN
    const accessToken = await token(reporting, demo!.requestScope());

    // WHEN
    const res = await send('PUT', '/users', accessToken);

    // THEN
    expect(res).toMatchObject({ status: 403, decision: 'DENY', error: `No permission by client id: ${SEED_CLIENT_ID}`, body: { api: 'update_user' } });
  });

  test('refuses the seed client a user:write:one token at the issuer (invalid_scope)', async () => {
    // WHEN
    const res = await demo!.requestToken({ clientId: reporting.clientId, scope: demo!.requestScope(['user:write:one']) });

    // THEN
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_scope' });
  });

  test('allows the provisioning client PUT /users with its own <audience>|.all token', async () => {
    // GIVEN
    const accessToken = await token(provisioning, demo!.requestScope());
    expect(claimsOf(accessToken)).toMatchObject({ client_id: provisioning.clientId, scope: provisioning.grantedScopes.join(' ') }); // every scope config grants it

    // WHEN
    const res = await send('PUT', '/users', accessToken);

    // THEN
    expect(res).toMatchObject({ status: 200, decision: 'ALLOW', body: { api: 'update_user' } });
  });
});

describe('the example\'s OCI side (oci-dev through the OCI emulator, same demo issuer)', () => {
  async function ociCall(method: string, route: string, accessToken?: string) {
    const res = await fetch(`${ociServer!.url}${route}`, { method, headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {} });
    return { status: res.status, decision: res.headers.get('x-emulator-decision'), body: (await res.json()) as Record<string, unknown> };
  }

  test('allows the seed client GET /users-api/hello with its user:read:one token in Authorization: Bearer', async () => {
    const res = await ociCall('GET', '/users-api/hello', await token(reporting, demo!.requestScope(['user:read:one'])));
    expect(res).toMatchObject({ status: 200, decision: 'ALLOW' });
  });

  test('denies the seed client PUT /users-api/users (user:write:one) with 403, and a call without a token with 401', async () => {
    expect(await ociCall('PUT', '/users-api/users', await token(reporting, demo!.requestScope()))).toMatchObject({ status: 403, decision: 'DENY' });
    expect(await ociCall('GET', '/users-api/hello')).toMatchObject({ status: 401, decision: 'DENY' });
  });

  test('allows the provisioning client PUT /users-api/users', async () => {
    expect(await ociCall('PUT', '/users-api/users', await token(provisioning, demo!.requestScope()))).toMatchObject({ status: 200, decision: 'ALLOW' });
  });
});

describe('the example\'s cloud-native APIG environment (apig-dev, seed 001)', () => {
  const apig = () => ApigEmulator.fromFile(path.join(tmp.file('cdktf.out'), 'stacks', 'apig-dev', 'cdk.tf.json'));
  const call = (route: string, headers: Record<string, string> = {}) => apig().handle({ host: 'api.dev.example.com', method: 'GET', path: route, headers });

  test('lets the whitelisted /health through without a token and answers 401 elsewhere without one', async () => {
    expect(await call('/health')).toMatchObject({ status: 200, decision: 'ALLOW' });
    expect(await call('/users/1')).toMatchObject({ status: 401, decision: 'DENY' });
  });

  test('allows the seed client (the pinned sub) with its real bearer token and refuses the provisioning client (wrong sub)', async () => {
    const seed = await token(reporting, `${DEV.m2mServer.audience}|user:read:one`);
    expect(await call('/users/1', { Authorization: `Bearer ${seed}` })).toMatchObject({ status: 200, decision: 'ALLOW' });
    const other = await token(provisioning, `${DEV.m2mServer.audience}|user:read:one`);
    expect(await call('/users/1', { Authorization: `Bearer ${other}` })).toMatchObject({ status: 401, reason: expect.stringMatching(/claim sub rejected/) });
  });
});
