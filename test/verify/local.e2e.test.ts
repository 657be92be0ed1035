/**
 * `npm run verify -- --local --env dev` on the example: the dev environment synthesized with the
 * COMMITTED lock into a temp outdir, then the verify CLI starts the demo issuer (the example's
 * M2M server, on a free port under its recorded issuer URL), the gateway emulator, the APIG
 * emulator (when the example configures APIG), the STS emulator and, for the example's OCI side,
 * a second demo issuer as the identity domain with the OCI emulator in-process and runs every
 * check with real tokens. What the example must pass is derived from `DEV` itself, so adding an
 * environment, an API, a client or a scope to `config/environments.ts` keeps this test meaningful.
 *
 * The failure is shown on a fixture environment this test owns (never the example): the demo
 * issuer serves the fixture's world (its stacks synthesized too), while the verified config says
 * provisioning no longer holds `user:read:one` (and `hello` no longer allows it, so the config
 * stays valid). The rows that disagree are named and the exit code is 1.
 */
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEV, type EnvironmentConfig, validateEnvironments } from '../../config';
import { DEMO_FIXED_ISSUER } from '../../demo-issuer';
import { LOCK_FILE_NAME, readLockFile } from '../../lookups/lock-file';
import { buildApp } from '../../stacks/app';
import { VERIFY_HELP, type VerifyReport, runVerifyCli } from '../../verify';
import { FIXTURE_DEV } from '../fixtures/environments';
import { tempDir } from '../support/pki';

const ROOT = path.resolve(__dirname, '../..');
const LOCK = path.join(ROOT, LOCK_FILE_NAME);
const tmp = tempDir('verify-local-');
let outdir: string;
let fixtureOutdir: string;

/** The test's own world: the fixture environment, trusting the demo issuer the committed lock covers. */
const WORLD = {
  ...FIXTURE_DEV,
  name: 'fx',
  m2mServer: { ...FIXTURE_DEV.m2mServer, issuer: DEMO_FIXED_ISSUER },
} satisfies EnvironmentConfig;

/** The fixture with provisioning's `user:read:one` grant taken away (the world still grants it). */
const LOST_SCOPE: EnvironmentConfig = {
  ...WORLD,
  clients: WORLD.clients.map((c) => (c.name === 'provisioning' ? { ...c, grantedScopes: ['user:write:one'] } : c)),
  gateway: { ...WORLD.gateway, apis: WORLD.gateway.apis.map((a) => (a.name === 'hello' ? { ...a, allowedClients: ['reporting'] } : a)) },
};

beforeAll(() => {
  validateEnvironments([DEV]);
  validateEnvironments([WORLD]);
  const lock = readLockFile(LOCK);
  if (!lock) throw new Error(`${LOCK} is missing`);
  outdir = tmp.file('cdktf.out');
  buildApp({ outdir, environments: [DEV], lock }).synth();
  fixtureOutdir = tmp.file('fixture.out');
  buildApp({ outdir: fixtureOutdir, environments: [WORLD], lock }).synth();
});
afterAll(() => tmp.cleanup());

async function verify(argv: string[], environments: readonly EnvironmentConfig[] = [DEV], localWorld?: EnvironmentConfig) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runVerifyCli(argv, {
    environments, environmentVariables: {}, ...(localWorld ? { localWorld } : {}), write: (t) => void out.push(t), writeError: (t) => void err.push(t),
  });
  return { code, out: out.join(''), err: err.join('') };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Rows the example must have, derived from `env`: one pattern per row (`kind` names its pattern check). */
function requiredRows(env: EnvironmentConfig): { pattern: RegExp; kind: 'token' | 'apig' | 'allowed' | 'denied' | 'unauthorized' | 'no-token' | 'credentials' | 'refused' }[] {
  const rows: ReturnType<typeof requiredRows> = [];
  for (const c of env.clients) rows.push({ pattern: new RegExp(`^token for ${escape(c.name)} \\(`), kind: 'token' });
  for (const api of env.gateway.apis) {
    // Path parameters (`[id]`) are filled in by verify.
    const call = `${api.method} ${escape(api.path).replace(/\\\[[^\]]+\\\]/g, '[^/ ]+')}`;
    const without = env.clients.find((c) => !api.allowedClients.includes(c.name) || (api.requiredScopes ?? []).some((s) => !c.grantedScopes.includes(s)));
    for (const stage of api.stages ?? env.stages) {
      const at = `^${call} \\[${stage}\\] `;
      for (const name of api.allowedClients) rows.push({ pattern: new RegExp(`${at}as ${escape(name)}$`), kind: 'allowed' });
      if (without) rows.push({ pattern: new RegExp(`${at}as ${escape(without.name)}$`), kind: 'denied' });
      rows.push({ pattern: new RegExp(`${at}without token$`), kind: 'no-token' });
    }
  }
  if (env.apig) {
    const at = `^APIG \\S+ \\S+ \\[${escape(`${env.apig.gatewayId}/${env.apig.environmentId}`)}\\] `;
    for (const c of env.clients) rows.push({ pattern: new RegExp(`${at}as ${escape(c.name)}$`), kind: 'apig' });
    rows.push({ pattern: new RegExp(`${at}without token$`), kind: 'no-token' });
  }
  // OCI: per deployment without requiredClaims and route, each identity-domain client by its grants; no token everywhere
  for (const d of env.oci?.deployments ?? []) {
    for (const route of d.routes) {
      const method = (route.methods ?? ['GET'])[0];
      const at = `^OCI ${method === 'ANY' ? 'GET' : method} ${escape(`${d.pathPrefix.replace(/\/$/, '')}${route.path}`).replace(/\\\{[^}]+\\\}/g, '[^/ ]+')} \\[${escape(d.name)}\\] `;
      if (!d.requiredClaims?.length) {
        for (const c of env.oci?.clients ?? []) {
          const allowed = d.allowedClients === undefined || d.allowedClients.includes(c.name);
          const holds = (route.anyOfScopes ?? []).some((s) => c.grantedScopes.includes(s));
          rows.push({ pattern: new RegExp(`${at}as ${escape(c.name)}$`), kind: !allowed ? 'unauthorized' : holds ? 'allowed' : 'denied' });
        }
      }
      rows.push({ pattern: new RegExp(`${at}without token$`), kind: 'no-token' });
    }
  }
  for (const role of env.federation.roles) {
    for (const c of env.clients) {
      const allowed = role.subjects.includes(c.clientId);
      rows.push({ pattern: new RegExp(`^AssumeRoleWithOIDC ${escape(role.name)} as ${escape(c.name)}$`), kind: allowed ? 'credentials' : 'refused' });
    }
  }
  return rows;
}

describe('npm run verify -- --local', () => {
  test('passes on the example: every client\'s token, every API and stage with and without the right token, every STS exchange', async () => {
    // WHEN
    const res = await verify(['--env', DEV.name, '--local', '--outdir', outdir, '--lock', LOCK, '--json']);

    // THEN
    expect(res.err).not.toContain('verify failed');
    expect(res.code).toBe(0);
    const report = JSON.parse(res.out) as VerifyReport;
    expect(report).toMatchObject({ environment: DEV.name, mode: 'local', ok: true });
    expect(report.rows.filter((r) => !r.ok)).toEqual([]);
    const names = report.rows.map((r) => r.what);
    expect(new Set(names).size).toBe(names.length);
    for (const { pattern, kind } of requiredRows(DEV)) {
      const row = report.rows.find((r) => pattern.test(r.what));
      expect(row, `a row matching ${pattern}`).toBeDefined();
      if (!row) continue;
      if (kind === 'allowed') expect(row, row.what).toMatchObject({ expected: expect.stringMatching(/^2xx/), got: expect.stringMatching(/^2\d\d/) });
      if (kind === 'denied') expect(row, row.what).toMatchObject({ expected: expect.stringMatching(/^403/), got: expect.stringMatching(/^403/) });
      if (kind === 'no-token' || kind === 'unauthorized') expect(row.got, row.what).toMatch(/^401/);
      if (kind === 'credentials') expect(row.got, row.what).toMatch(/^credentials, expire \S+Z \(in (89\d|900) s\)$/);
      if (kind === 'refused') expect(row.got, row.what).toMatch(/^refused: AuthenticationFail\.NoPermission/);
    }
    expect(requiredRows(DEV).filter((r) => r.kind === 'credentials').length).toBeGreaterThan(0);
    // the example's OCI side is checked too: every kind of OCI row, none skipped
    const oci = requiredRows(DEV).filter((r) => r.pattern.source.startsWith('^OCI '));
    expect(new Set(oci.map((r) => r.kind))).toEqual(new Set(['allowed', 'denied', 'unauthorized', 'no-token']));
    expect(report.rows.filter((r) => r.what.startsWith('OCI ')).length).toBe(oci.length);
    expect(res.err).not.toContain('note:');
  });

  test('fails with exit 1 naming the OCI row when the synthesized oci stack no longer enforces the config (local identity domain)', async () => {
    // GIVEN a config whose /users-api/hello now asks for user:write:one, while the stack synthesized from DEV still admits user:read:one
    const oci = DEV.oci as NonNullable<EnvironmentConfig['oci']>;
    const drifted: EnvironmentConfig = {
      ...DEV,
      oci: {
        ...oci,
        deployments: oci.deployments.map((d) => (d.name === 'users'
          ? { ...d, routes: d.routes.map((r) => (r.path === '/hello' ? { ...r, anyOfScopes: ['user:write:one'] } : r)) }
          : d)),
      },
    };
    validateEnvironments([drifted]);

    // WHEN
    const res = await verify(['--env', DEV.name, '--local', '--outdir', outdir, '--lock', LOCK, '--json'], [drifted]);

    // THEN the reporting client (read only) still gets in: the row says so
    expect(res.code).toBe(1);
    const failed = (JSON.parse(res.out) as VerifyReport).rows.filter((r) => !r.ok);
    expect(failed).toEqual([expect.objectContaining({ what: 'OCI GET /users-api/hello [users] as reporting', expected: '403 (holds none of user:write:one)', got: '200' })]);
  });

  test('skips OCI with a note when the identity domain is not the demo issuer (no local server can sign for it)', async () => {
    // GIVEN
    const oci = DEV.oci as NonNullable<EnvironmentConfig['oci']>;
    const realDomain: EnvironmentConfig = { ...DEV, oci: { ...oci, identityDomain: { ...oci.identityDomain, issuer: 'https://idcs-0123456789abcdef0123456789abcdef.identity.oraclecloud.com' } } };

    // WHEN
    const res = await verify(['--env', DEV.name, '--local', '--outdir', outdir, '--lock', LOCK, '--json'], [realDomain]);

    // THEN
    expect(res.err).toContain(`note: --local checks oci-${DEV.name} only when its identity domain issuer is the demo issuer ${DEMO_FIXED_ISSUER}`);
    expect(res.code).toBe(0);
    expect((JSON.parse(res.out) as VerifyReport).rows.filter((r) => r.what.startsWith('OCI '))).toEqual([]);
  });

  test('prints a table, and never a token or a secret', async () => {
    // WHEN
    const res = await verify(['--env', DEV.name, '--local', '--outdir', outdir, '--lock', LOCK]);

    // THEN
    expect(res.code).toBe(0);
    expect(res.out).toMatch(new RegExp(`\\b\\d+ checks passed \\(${DEV.name}, local\\)`));
    expect(res.out).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
    expect(res.out).not.toContain('demo-secret');
  });

  test('passes on the fixture world it was synthesized from', async () => {
    // WHEN
    const res = await verify(['--env', 'fx', '--local', '--outdir', fixtureOutdir, '--lock', LOCK], [WORLD], WORLD);

    // THEN
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
    expect(res.out).toContain('10 checks passed (fx, local)');
  });

  test('fails with exit 1 naming the rows when a client lost a scope the world still gives it (fixture config)', async () => {
    // GIVEN
    validateEnvironments([LOST_SCOPE]);

    // WHEN
    const res = await verify(['--env', 'fx', '--local', '--outdir', fixtureOutdir, '--lock', LOCK, '--json'], [LOST_SCOPE], WORLD);

    // THEN
    expect(res.code).toBe(1);
    const report = JSON.parse(res.out) as VerifyReport;
    const failed = report.rows.filter((r) => !r.ok);
    expect(failed.map((r) => r.what)).toEqual(['token for provisioning (client_secret_post)', 'GET /hello [TEST] as provisioning']);
    expect(failed[0]).toMatchObject({ expected: 'issued to app_provisioning_fixture, scope user:write:one' });
    expect(failed[0].got).toContain('scope user:read:one user:write:one');
    expect(failed[1]).toMatchObject({ expected: '403 (not an allowed client)', got: '200' });
  });

  test('names the failed rows in the table summary', async () => {
    // WHEN
    const res = await verify(['--env', 'fx', '--local', '--outdir', fixtureOutdir, '--lock', LOCK], [LOST_SCOPE], WORLD);

    // THEN
    expect(res.code).toBe(1);
    expect(res.out).toContain('2 of 10 checks failed (fx, local)');
    expect(res.out).toContain('  - GET /hello [TEST] as provisioning: expected 403 (not an allowed client), got 200');
  });

  test('fails with exit 1 when the environment does not trust the demo issuer', async () => {
    // GIVEN
    const elsewhere: EnvironmentConfig = { ...WORLD, m2mServer: { ...WORLD.m2mServer, issuer: 'https://idp.example.com/oauth2' } };

    // WHEN
    const res = await verify(['--env', 'fx', '--local', '--outdir', fixtureOutdir, '--lock', LOCK], [elsewhere], WORLD);

    // THEN
    expect(res.code).toBe(1);
    expect(res.err).toContain('--local needs an environment that trusts the demo issuer https://localhost:8443/demo; environment fx trusts https://idp.example.com/oauth2');
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
