/**
 * `npm run verify` checking the OCI API Gateway routes of a "deployed" `oci-<env>` stack, every hop
 * real: a demo issuer over HTTPS as the M2M server (classic gateway, STS), a second demo issuer
 * playing the OCI identity domain (its own token endpoint, clients and secrets; tokens with the
 * seed 002 claims and `aud` the resource server's audience), both recorded in the lock by
 * `prepareLookups`; the synthesized `oci-dev` stack served over HTTPS by the OCI emulator as the
 * gateway (`--oci-url`), the OCI secrets in the variables `oci.clients[].clientAuth.secretEnv` names.
 *
 * This is the deployed-mode stand-in; `--local` OCI rows are covered by local.e2e.test.ts.
 */
import { writeFileSync } from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type EnvironmentConfig, type OciConfig, validateEnvironments } from '../../config';
import { type DemoIssuer, startDemoIssuer } from '../../demo-issuer/demo-issuer';
import { ChainShape, generateDemoPki, serverChainPem } from '../../demo-issuer/pki';
import { DemoSigningAlgorithm, generateSigningKey } from '../../demo-issuer/signing-keys';
import { GatewayEmulator, OciGatewayEmulator, StsEmulator, type StsEmulatorServer, type RequestEmulator, issuerFactsFromLock, startStsEmulatorServer } from '../../emulator';
import { SILENT_LOGGER, prepareLookups } from '../../lookups/prepare';
import { buildApp } from '../../stacks/app';
import { type VerifyReport, runVerifyCli } from '../../verify';
import { FIXTURE_DEV } from '../fixtures/environments';
import { tempDir, writeCaBundle } from '../support/pki';

const tmp = tempDir('verify-oci-');
const AUDIENCE = 'anwendung1';
const READ = 'AnwendungReadA';
const WRITE = 'AnwendungWriteA';
const TECHNICAL_CLAIMS = { tok_type: 'AT', sub_type: 'client', client_name: 'ResourceServerUse' };
const SECRETS = {
  M2M_REPORTING: 'reporting-s3cret-value', M2M_PROVISIONING: 'provisioning-s3cret-value',
  OCI_READER_SECRET: 'oci-reader-s3cret-value', OCI_WRITER_SECRET: 'oci-writer-s3cret-value',
};
const pki = generateDemoPki({ label: 'verify-oci' });
let m2m: DemoIssuer;
let domain: DemoIssuer;
let sts: StsEmulatorServer;
let ociEmulator: OciGatewayEmulator;
const servers: https.Server[] = [];
let env: EnvironmentConfig;
let ociUrl = '';
const files = { lock: '', ca: '', outdir: '', outputs: '' };

/** Serves an emulator over HTTPS with the demo PKI's localhost certificate. */
async function serveHttps(emulator: RequestEmulator): Promise<string> {
  const server = https.createServer({ key: pki.leaf.keyPem, cert: serverChainPem(pki, ChainShape.LEAF_AND_INTERMEDIATE) }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://gateway.invalid');
    void emulator.handle({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers }).then((r) => {
      res.writeHead(r.status, { ...r.headers });
      res.end(r.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `localhost:${(server.address() as AddressInfo).port}`;
}

function ociConfig(issuer: string, readRouteScopes: readonly string[]): OciConfig {
  return {
    region: 'eu-frankfurt-1',
    compartmentId: 'ocid1.compartment.oc1..aaaaaaaaverifycompartment',
    identityDomain: { url: 'https://idcs-0123456789abcdef0123456789abcdef.identity.oraclecloud.com', issuer, audience: AUDIENCE, scopes: [READ, WRITE] },
    gateway: { gatewayId: 'ocid1.apigateway.oc1.eu-frankfurt-1.aaaaaaaaverifygateway' },
    clients: [
      { name: 'reader', clientId: 'technical-read', grantedScopes: [READ], clientAuth: { secretEnv: 'OCI_READER_SECRET' } },
      { name: 'writer', clientId: 'technical-write', grantedScopes: [WRITE], clientAuth: { secretEnv: 'OCI_WRITER_SECRET', method: 'client_secret_basic' } },
    ],
    deployments: [{
      name: 'anwendung', pathPrefix: '/test', allowedClients: ['reader', 'writer'],
      routes: [{ path: '/1', backendUrl: 'https://backend.example.com/1', anyOfScopes: readRouteScopes }],
    }],
  };
}

beforeAll(async () => {
  const [reporting, provisioning] = FIXTURE_DEV.clients;
  m2m = await startDemoIssuer({
    pki, audience: 'https://verify.example.test/api', scopes: ['user:read:one', 'user:write:one'],
    clients: [
      { clientId: reporting.clientId, clientSecret: SECRETS.M2M_REPORTING, grantedScopes: reporting.grantedScopes, tokenEndpointAuthMethod: 'client_secret_post' },
      { clientId: provisioning.clientId, clientSecret: SECRETS.M2M_PROVISIONING, grantedScopes: provisioning.grantedScopes, tokenEndpointAuthMethod: 'client_secret_basic' },
    ],
  });
  domain = await startDemoIssuer({
    pki, signingKeys: [generateSigningKey({ kid: 'oci-rs256', alg: DemoSigningAlgorithm.RS256 })],
    audience: `https://${AUDIENCE}.example.test`, accessTokenAudience: AUDIENCE, scopes: [READ, WRITE],
    clients: [
      { clientId: 'technical-read', clientSecret: SECRETS.OCI_READER_SECRET, grantedScopes: [READ], extraClaims: TECHNICAL_CLAIMS, tokenEndpointAuthMethod: 'client_secret_post' },
      { clientId: 'technical-write', clientSecret: SECRETS.OCI_WRITER_SECRET, grantedScopes: [WRITE], extraClaims: TECHNICAL_CLAIMS, tokenEndpointAuthMethod: 'client_secret_basic' },
    ],
  });
  env = {
    ...FIXTURE_DEV,
    m2mServer: { ...FIXTURE_DEV.m2mServer, issuer: m2m.issuer, audience: m2m.audience },
    clients: [
      { ...reporting, clientAuth: { secretEnv: 'M2M_REPORTING', method: 'client_secret_post' } },
      { ...provisioning, clientAuth: { secretEnv: 'M2M_PROVISIONING', method: 'client_secret_basic' } },
    ],
    oci: ociConfig(domain.issuer, [READ]),
  };
  validateEnvironments([env]);
  files.ca = writeCaBundle(tmp.file('ca.pem'), m2m.caPem);
  files.lock = tmp.file('lookups.lock.json');
  const { lock } = await prepareLookups({
    issuers: [{ issuer: m2m.issuer }, { issuer: domain.issuer }], lockPath: files.lock, caBundlePath: files.ca, ci: false, logger: SILENT_LOGGER,
  });
  files.outdir = tmp.file('cdktf.out');
  buildApp({ outdir: files.outdir, environments: [env], lock, localStateDir: tmp.file('state') }).synth();

  const stacks = (name: string) => path.join(files.outdir, 'stacks', name, 'cdk.tf.json');
  const gatewayHost = await serveHttps(GatewayEmulator.fromFile(stacks('gateway-dev')));
  ociEmulator = OciGatewayEmulator.fromFile(stacks('oci-dev'), { caPem: domain.caPem });
  ociUrl = `https://${await serveHttps(ociEmulator)}`;
  const stsEmulator = StsEmulator.fromFile(stacks('federation-dev'), { accountId: env.accountId, issuers: issuerFactsFromLock(lock) });
  sts = await startStsEmulatorServer(stsEmulator);
  files.outputs = tmp.file('outputs.json');
  writeFileSync(files.outputs, JSON.stringify({ 'gateway-dev': { group_sub_domain: gatewayHost }, 'federation-dev': stsEmulator.model.outputs }));
});

afterAll(async () => {
  await sts?.close();
  for (const server of servers) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
  }
  await ociEmulator?.close();
  await domain?.close();
  await m2m?.close();
  tmp.cleanup();
});

async function verify(environment: EnvironmentConfig, extra: string[] = [], environmentVariables: Record<string, string | undefined> = SECRETS, gatewayUrl: string | null = ociUrl) {
  const out: string[] = [];
  const err: string[] = [];
  const argv = [
    '--env', 'dev', '--outdir', files.outdir, '--lock', files.lock, '--ca-bundle', files.ca, '--sts-endpoint', sts.url, '--outputs', files.outputs,
    '--oci-token-endpoint', domain.tokenEndpoint, '--json', ...(gatewayUrl ? ['--oci-url', gatewayUrl] : []), ...extra,
  ];
  const code = await runVerifyCli(argv, { environments: [environment], environmentVariables, write: (t) => void out.push(t), writeError: (t) => void err.push(t) });
  const text = out.join('');
  return { code, err: err.join(''), text, report: text ? (JSON.parse(text) as VerifyReport) : undefined };
}

const ociRows = (report: VerifyReport | undefined) => (report?.rows ?? []).filter((r) => r.what.startsWith('OCI '));

describe('npm run verify (deployed): OCI API Gateway routes', () => {
  test('passes: the right scope → 2xx, a token lacking the route\'s scope → 403, no token → 401', async () => {
    // WHEN
    const res = await verify(env);

    // THEN
    expect(res.err).toBe('');
    expect(res.report?.rows.filter((r) => !r.ok)).toEqual([]);
    expect(res.code).toBe(0);
    expect(ociRows(res.report).map((r) => [r.what, r.got.split(' ')[0], r.ok])).toEqual([
      ['OCI GET /test/1 [anwendung] as reader', '200', true],
      ['OCI GET /test/1 [anwendung] as writer', '403', true],
      ['OCI GET /test/1 [anwendung] without token', '401', true],
    ]);
    expect(res.text).not.toContain(SECRETS.OCI_READER_SECRET);
    expect(res.text).not.toContain(SECRETS.OCI_WRITER_SECRET);
    expect(res.text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });

  test('fails with exit 1, naming the row, when the deployed gateway does not do what the config says', async () => {
    // GIVEN: the config now admits WRITE on the route, the deployed stack still only READ
    const drifted: EnvironmentConfig = { ...env, oci: ociConfig(domain.issuer, [READ, WRITE]) };

    // WHEN
    const res = await verify(drifted);

    // THEN
    expect(res.code).toBe(1);
    const failed = (res.report?.rows ?? []).filter((r) => !r.ok);
    expect(failed.map((r) => r.what)).toEqual(['OCI GET /test/1 [anwendung] as writer']);
    expect(failed[0].expected).toMatch(/^2xx/);
    expect(failed[0].got).toMatch(/^403/);
  });

  test('fails the OCI rows naming --oci-url when the gateway address is missing, and the variable when a secret is unset', async () => {
    // WHEN
    const noUrl = await verify(env, [], SECRETS, null);
    const unset = await verify(env, [], { ...SECRETS, OCI_WRITER_SECRET: undefined });

    // THEN
    expect(noUrl.code).toBe(1);
    expect(ociRows(noUrl.report).map((r) => [r.ok, r.got])).toEqual([
      [false, 'pass --oci-url <url> (the address of OCI anwendung)'],
      [false, 'pass --oci-url <url> (the address of OCI anwendung)'],
      [false, 'pass --oci-url <url> (the address of OCI anwendung)'],
    ]);
    expect(unset.code).toBe(1);
    expect(ociRows(unset.report).filter((r) => !r.ok).map((r) => [r.what, r.got])).toEqual([
      ['OCI GET /test/1 [anwendung] as writer', 'no token: environment variable OCI_WRITER_SECRET is not set'],
    ]);
  });
});
