/**
 * `npm run verify` against a "deployed" environment, with every network hop real and nothing of
 * verify's replaced: a fresh demo issuer over HTTPS as the M2M server (its token endpoint taken
 * from the lock recorded from it), the synthesized gateway stack served over HTTPS as the group's
 * second-level domain (`localhost:<port>`, from a `cdktf output --outputs-file` file), the STS
 * emulator as `--sts-endpoint`, secrets in the environment variables the config names.
 *
 * The environment publishes on TEST and RELEASE with bearer tokens, so both the `X-Ca-Stage`
 * header and the RELEASE default are exercised, and the clients authenticate with
 * client_secret_post (reporting) and client_secret_basic (provisioning). It also configures the
 * cloud-native APIG global JWT rule (subject: reporting); the synthesized `apig-dev` stack is served
 * by the APIG emulator, given as `--apig-url`.
 */
import { writeFileSync } from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type EnvironmentConfig, validateEnvironments } from '../../config';
import { type DemoIssuer, startDemoIssuer } from '../../demo-issuer/demo-issuer';
import { ChainShape, generateDemoPki, serverChainPem } from '../../demo-issuer/pki';
import {
  ApigEmulator, type EmulatorServer, GatewayEmulator, StsEmulator, type StsEmulatorServer, issuerFactsFromLock, startApigEmulatorServer, startStsEmulatorServer,
} from '../../emulator';
import { SILENT_LOGGER, prepareLookups } from '../../lookups/prepare';
import { buildApp } from '../../stacks/app';
import { type VerifyReport, runVerifyCli } from '../../verify';
import { FIXTURE_DEV } from '../fixtures/environments';
import { tempDir, writeCaBundle } from '../support/pki';

const tmp = tempDir('verify-deployed-');
const SECRETS = { M2M_REPORTING: 'reporting-s3cret-value', M2M_PROVISIONING: 'provisioning-s3cret-value' };
let demo: DemoIssuer;
let gateway: https.Server;
let sts: StsEmulatorServer;
let apig: EmulatorServer;
let env: EnvironmentConfig;
const files = { lock: '', ca: '', outdir: '', outputs: '', gatewayOutputs: '', federationTf: '' };

beforeAll(async () => {
  const [reporting, provisioning] = FIXTURE_DEV.clients;
  demo = await startDemoIssuer({
    pki: generateDemoPki({ label: 'verify-deployed' }),
    audience: 'https://verify.example.test/api',
    scopes: ['user:read:one', 'user:write:one'],
    clients: [
      { clientId: reporting.clientId, clientSecret: SECRETS.M2M_REPORTING, grantedScopes: reporting.grantedScopes, tokenEndpointAuthMethod: 'client_secret_post' },
      { clientId: provisioning.clientId, clientSecret: SECRETS.M2M_PROVISIONING, grantedScopes: provisioning.grantedScopes, tokenEndpointAuthMethod: 'client_secret_basic' },
    ],
  });
  env = {
    ...FIXTURE_DEV,
    stages: ['TEST', 'RELEASE'],
    m2mServer: { ...FIXTURE_DEV.m2mServer, issuer: demo.issuer, audience: demo.audience },
    clients: [
      { ...reporting, clientAuth: { secretEnv: 'M2M_REPORTING', method: 'client_secret_post' } },
      { ...provisioning, clientAuth: { secretEnv: 'M2M_PROVISIONING', method: 'client_secret_basic' } },
    ],
    gateway: { ...FIXTURE_DEV.gateway, tokenLocation: 'bearer' },
    apig: { gatewayId: 'gw-verify0000000000000001', environmentId: 'env-verify000000000000001', policyName: 'm2m-jwt-verify', subjectClient: 'reporting' },
  };
  validateEnvironments([env]);
  files.ca = writeCaBundle(tmp.file('ca.pem'), demo.caPem);
  files.lock = tmp.file('lookups.lock.json');
  const { lock } = await prepareLookups({ issuers: [{ issuer: demo.issuer }], lockPath: files.lock, caBundlePath: files.ca, ci: false, logger: SILENT_LOGGER });
  files.outdir = tmp.file('cdktf.out');
  buildApp({ outdir: files.outdir, environments: [env], lock, localStateDir: tmp.file('state') }).synth();

  // the "deployed" gateway: the synthesized stack's plugins behind HTTPS, as the group's domain
  const emulator = GatewayEmulator.fromFile(path.join(files.outdir, 'stacks', 'gateway-dev', 'cdk.tf.json'));
  gateway = https.createServer({ key: demo.pki.leaf.keyPem, cert: serverChainPem(demo.pki, ChainShape.LEAF_AND_INTERMEDIATE) }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://gateway.invalid');
    void emulator.handle({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers }).then((r) => {
      res.writeHead(r.status, { ...r.headers });
      res.end(r.body);
    });
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  const stsEmulator = StsEmulator.fromFile(path.join(files.outdir, 'stacks', 'federation-dev', 'cdk.tf.json'), { accountId: env.accountId, issuers: issuerFactsFromLock(lock) });
  sts = await startStsEmulatorServer(stsEmulator);
  apig = await startApigEmulatorServer(ApigEmulator.fromFile(path.join(files.outdir, 'stacks', 'apig-dev', 'cdk.tf.json')));

  const domain = `localhost:${(gateway.address() as AddressInfo).port}`;
  files.outputs = tmp.file('outputs.json');
  writeFileSync(files.outputs, JSON.stringify({ 'gateway-dev': { group_sub_domain: domain }, 'federation-dev': stsEmulator.model.outputs }));
  files.gatewayOutputs = tmp.file('gateway-outputs.json');
  writeFileSync(files.gatewayOutputs, JSON.stringify({ 'gateway-dev': { group_sub_domain: domain } }));
  files.federationTf = tmp.file('federation-terraform-output.json');
  writeFileSync(files.federationTf, JSON.stringify(Object.fromEntries(Object.entries(stsEmulator.model.outputs).map(([k, v]) => [k, { sensitive: false, type: 'string', value: v }]))));
});
afterAll(async () => {
  await sts?.close();
  await apig?.close();
  await new Promise<void>((resolve) => (gateway ? gateway.close(() => resolve()) : resolve()));
  gateway?.closeAllConnections();
  await demo?.close();
  tmp.cleanup();
});

async function verify(extra: string[], environmentVariables: Record<string, string | undefined> = SECRETS, apigUrl: string | null = apig.url) {
  const out: string[] = [];
  const err: string[] = [];
  const argv = ['--env', 'dev', '--outdir', files.outdir, '--lock', files.lock, '--ca-bundle', files.ca, '--sts-endpoint', sts.url, '--json', ...(apigUrl ? ['--apig-url', apigUrl] : []), ...extra];
  const code = await runVerifyCli(argv, { environments: [env], environmentVariables, write: (t) => void out.push(t), writeError: (t) => void err.push(t) });
  const text = out.join('');
  return { code, err: err.join(''), text, report: text ? (JSON.parse(text) as VerifyReport) : undefined };
}

describe('npm run verify (deployed)', () => {
  test('passes: both auth methods, every API on TEST (X-Ca-Stage) and RELEASE, the STS exchange', async () => {
    // WHEN
    const res = await verify(['--outputs', files.outputs]);

    // THEN
    expect(res.err).toBe('');
    expect(res.report?.rows.filter((r) => !r.ok)).toEqual([]);
    expect(res.code).toBe(0);
    const whats = res.report?.rows.map((r) => r.what) ?? [];
    expect(whats).toContain('token for reporting (client_secret_post)');
    expect(whats).toContain('token for provisioning (client_secret_basic)');
    expect(whats).toContain('GET /hello [TEST] as reporting');
    expect(whats).toContain('GET /hello [RELEASE] as reporting');
    expect(whats).toContain('PUT /users [RELEASE] without token');
    expect(whats).toContain('AssumeRoleWithOIDC m2m-reporting-dev as provisioning');
    expect(whats).toContain('APIG GET / [gw-verify0000000000000001/env-verify000000000000001] as provisioning');
    expect(res.report?.rows).toHaveLength(2 + 2 * 2 * 3 + 3 + 2);
  });

  test('fails the APIG rows, naming --apig-url, when the gateway address is not given', async () => {
    // WHEN
    const res = await verify(['--outputs', files.outputs], SECRETS, null);

    // THEN
    expect(res.code).toBe(1);
    const failed = res.report?.rows.filter((r) => !r.ok) ?? [];
    expect(failed.map((r) => r.what)).toEqual([
      'APIG GET / [gw-verify0000000000000001/env-verify000000000000001] as reporting',
      'APIG GET / [gw-verify0000000000000001/env-verify000000000000001] as provisioning',
      'APIG GET / [gw-verify0000000000000001/env-verify000000000000001] without token',
    ]);
    expect(failed[0].got).toBe('pass --apig-url <url> (the address of APIG m2m-jwt-verify)');
  });

  test('never prints a secret or a token', async () => {
    // WHEN
    const res = await verify(['--outputs', files.outputs]);

    // THEN
    expect(res.text).not.toContain(SECRETS.M2M_REPORTING);
    expect(res.text).not.toContain(SECRETS.M2M_PROVISIONING);
    expect(res.text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });

  test('reads `terraform output -json` of one stack given as <stack>=<file>', async () => {
    // WHEN
    const res = await verify(['--outputs', files.gatewayOutputs, '--outputs', `federation-dev=${files.federationTf}`]);

    // THEN
    expect(res.code).toBe(0);
  });

  test('fails the rows of a client whose secret variable is unset or wrong, naming the variable, not the value', async () => {
    // WHEN
    const unset = await verify(['--outputs', files.outputs], { M2M_REPORTING: SECRETS.M2M_REPORTING });
    const wrong = await verify(['--outputs', files.outputs], { ...SECRETS, M2M_PROVISIONING: 'not-the-secret' });

    // THEN
    expect(unset.code).toBe(1);
    expect(unset.report?.rows.find((r) => r.what === 'token for provisioning (client_secret_basic)')?.got).toBe('environment variable M2M_PROVISIONING is not set');
    expect(unset.report?.rows.find((r) => r.what === 'token for reporting (client_secret_post)')?.ok).toBe(true);
    expect(wrong.code).toBe(1);
    expect(wrong.report?.rows.find((r) => r.what === 'token for provisioning (client_secret_basic)')?.got).toMatch(/^HTTP 401 invalid_client/);
    expect(wrong.text).not.toContain('not-the-secret');
  });

  test('fails the STS rows, naming the endpoint, when STS cannot be reached', async () => {
    // WHEN
    const res = await verify(['--outputs', files.outputs, '--sts-endpoint', 'http://127.0.0.1:1']);

    // THEN
    expect(res.code).toBe(1);
    const stsRows = res.report?.rows.filter((r) => r.what.startsWith('AssumeRoleWithOIDC')) ?? [];
    expect(stsRows.map((r) => r.ok)).toEqual([false, false]);
    expect(stsRows[0].got).toBe('cannot reach http://127.0.0.1:1 (ECONNREFUSED)');
    expect(res.text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });

  test('fails with exit 1 naming the fix when the outputs file lacks the environment\'s stacks', async () => {
    // GIVEN
    const other = tmp.file('other.json');
    writeFileSync(other, JSON.stringify({ 'gateway-prod': {} }));

    // WHEN
    const res = await verify(['--outputs', other]);

    // THEN
    expect(res.code).toBe(1);
    expect(res.err).toContain('holds none of the stacks gateway-dev, federation-dev');
    expect(res.err).toContain('npx cdktf output gateway-dev federation-dev --outputs-file');
  });
});
