/**
 * `npm run verify -- --local --env dev` on the example: the dev environment synthesized with the
 * COMMITTED lock into a temp outdir, then the verify CLI starts the demo issuer (the example's
 * M2M server, on a free port under its recorded issuer URL), the gateway emulator, the APIG
 * emulator (the example configures APIG) and the STS emulator in-process and runs every check
 * with real tokens.
 *
 * A fixture config (never the example) shows the failure: provisioning no longer holds
 * `user:read:one` (and `hello` no longer allows it, so the config stays valid), while the world
 * — the demo issuer's grants and the synthesized stacks — still gives it. The rows that disagree
 * are named and the exit code is 1.
 */
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEV, type EnvironmentConfig, validateEnvironments } from '../../config';
import { LOCK_FILE_NAME, readLockFile } from '../../lookups/lock-file';
import { buildApp } from '../../stacks/app';
import { VERIFY_HELP, type VerifyReport, runVerifyCli } from '../../verify';
import { tempDir } from '../support/pki';

const ROOT = path.resolve(__dirname, '../..');
const LOCK = path.join(ROOT, LOCK_FILE_NAME);
const tmp = tempDir('verify-local-');
let outdir: string;

beforeAll(() => {
  validateEnvironments([DEV]);
  const lock = readLockFile(LOCK);
  if (!lock) throw new Error(`${LOCK} is missing`);
  outdir = tmp.file('cdktf.out');
  buildApp({ outdir, environments: [DEV], lock }).synth();
});
afterAll(() => tmp.cleanup());

async function verify(argv: string[], environments: readonly EnvironmentConfig[] = [DEV]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runVerifyCli(argv, { environments, environmentVariables: {}, write: (t) => void out.push(t), writeError: (t) => void err.push(t) });
  return { code, out: out.join(''), err: err.join('') };
}

/** The example with provisioning's `user:read:one` grant taken away. */
const LOST_SCOPE: EnvironmentConfig = {
  ...DEV,
  clients: DEV.clients.map((c) => (c.name === 'provisioning' ? { ...c, grantedScopes: ['user:write:one'] } : c)),
  gateway: { ...DEV.gateway, apis: DEV.gateway.apis.map((a) => (a.name === 'hello' ? { ...a, allowedClients: ['reporting'] } : a)) },
};

describe('npm run verify -- --local', () => {
  test('passes on the example: tokens, every API on TEST with and without the right token, the STS exchange', async () => {
    // WHEN
    const res = await verify(['--env', 'dev', '--local', '--outdir', outdir, '--lock', LOCK, '--json']);

    // THEN
    expect(res.err).not.toContain('verify failed');
    expect(res.code).toBe(0);
    const report = JSON.parse(res.out) as VerifyReport;
    expect(report).toMatchObject({ environment: 'dev', mode: 'local', ok: true });
    const rows = Object.fromEntries(report.rows.map((r) => [r.what, r]));
    expect(Object.keys(rows)).toEqual([
      'token for reporting (client_secret_post)',
      'token for provisioning (client_secret_basic)',
      'GET /hello [TEST] as reporting',
      'GET /hello [TEST] as provisioning',
      'GET /hello [TEST] without token',
      'PUT /users [TEST] as reporting',
      'PUT /users [TEST] as provisioning',
      'PUT /users [TEST] without token',
      'APIG GET / [gw-demodev0000000000000001/env-demodev000000000000001] as reporting',
      'APIG GET / [gw-demodev0000000000000001/env-demodev000000000000001] as provisioning',
      'APIG GET / [gw-demodev0000000000000001/env-demodev000000000000001] without token',
      'AssumeRoleWithOIDC m2m-reporting-dev as reporting',
      'AssumeRoleWithOIDC m2m-reporting-dev as provisioning',
    ]);
    expect(rows['PUT /users [TEST] as reporting'].got).toMatch(/^403 No permission by client id/);
    expect(rows['GET /hello [TEST] without token'].got).toMatch(/^401/);
    expect(rows['APIG GET / [gw-demodev0000000000000001/env-demodev000000000000001] as provisioning']).toMatchObject({ expected: '401 (sub is not reporting)', got: expect.stringMatching(/^401/) });
    expect(rows['AssumeRoleWithOIDC m2m-reporting-dev as reporting'].got).toMatch(/^credentials, expire \S+Z \(in (89\d|900) s\)$/);
    expect(rows['AssumeRoleWithOIDC m2m-reporting-dev as provisioning'].got).toMatch(/^refused: AuthenticationFail\.NoPermission/);
  });

  test('prints a table, and never a token or a secret', async () => {
    // WHEN
    const res = await verify(['--env', 'dev', '--local', '--outdir', outdir, '--lock', LOCK]);

    // THEN
    expect(res.code).toBe(0);
    expect(res.out).toContain('13 checks passed (dev, local)');
    expect(res.out).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
    expect(res.out).not.toContain('demo-secret');
  });

  test('fails with exit 1 naming the rows when a client lost a scope the world still gives it (fixture config)', async () => {
    // GIVEN
    validateEnvironments([LOST_SCOPE]);

    // WHEN
    const res = await verify(['--env', 'dev', '--local', '--outdir', outdir, '--lock', LOCK, '--json'], [LOST_SCOPE]);

    // THEN
    expect(res.code).toBe(1);
    const report = JSON.parse(res.out) as VerifyReport;
    const failed = report.rows.filter((r) => !r.ok);
    expect(failed.map((r) => r.what)).toEqual(['token for provisioning (client_secret_basic)', 'GET /hello [TEST] as provisioning']);
    expect(failed[0]).toMatchObject({ expected: 'issued to app_provisioning_demo, scope user:write:one' });
    expect(failed[0].got).toContain('scope user:read:one user:write:one');
    expect(failed[1]).toMatchObject({ expected: '403 (not an allowed client)', got: '200' });
  });

  test('names the failed rows in the table summary', async () => {
    // WHEN
    const res = await verify(['--env', 'dev', '--local', '--outdir', outdir, '--lock', LOCK], [LOST_SCOPE]);

    // THEN
    expect(res.code).toBe(1);
    expect(res.out).toContain('2 of 13 checks failed (dev, local)');
    expect(res.out).toContain('  - GET /hello [TEST] as provisioning: expected 403 (not an allowed client), got 200');
  });

  test('fails with exit 1 when the environment does not trust the demo issuer', async () => {
    // GIVEN
    const elsewhere: EnvironmentConfig = { ...DEV, m2mServer: { ...DEV.m2mServer, issuer: 'https://idp.example.com/oauth2' } };

    // WHEN
    const res = await verify(['--env', 'dev', '--local', '--outdir', outdir, '--lock', LOCK], [elsewhere]);

    // THEN
    expect(res.code).toBe(1);
    expect(res.err).toContain('--local needs an environment that trusts the demo issuer https://localhost:8443/demo; environment dev trusts https://idp.example.com/oauth2');
  });

  test('fails with exit 1 naming the file and the fix when the stacks were not synthesized', async () => {
    // WHEN
    const res = await verify(['--env', 'dev', '--local', '--outdir', tmp.file('nowhere'), '--lock', LOCK]);

    // THEN
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/missing synthesized stack .*(gateway|federation)-dev.*npm run synth/);
  });
});

describe('npm run verify (usage)', () => {
  test.each([
    [[], '--env is required'],
    [['--env', 'nope', '--local'], '--env nope is not a configured environment'],
    [['--env', 'dev'], '--outputs is required'],
    [['--env', 'dev', '--local', '--outputs', 'x.json'], 'exclude each other'],
    [['--env', 'dev', '--local', '--duration', '100'], '--duration must be whole seconds from 900'],
    [['--env', 'dev', '--local', '--sts-endpoint', 'sts.example'], '--sts-endpoint must be an http(s) URL'],
    [['--env', 'dev', '--bogus'], "Unknown option '--bogus'"],
  ])('exits 2 with usage for %j', async (argv, message) => {
    // WHEN
    const res = await verify(argv);

    // THEN
    expect(res.code).toBe(2);
    expect(res.err).toContain(message);
    expect(res.err).toContain('Usage: npm run verify');
  });

  test('prints help with exit 0', async () => {
    const res = await verify(['--help']);
    expect(res).toMatchObject({ code: 0, out: VERIFY_HELP });
  });
});
