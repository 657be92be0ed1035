import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type DemoIssuer, startDemoIssuer } from '../../demo-issuer/demo-issuer';
import { generateDemoPki } from '../../demo-issuer/pki';
import { generateSigningKey } from '../../demo-issuer/signing-keys';
import { type RunLookupsCliOptions, runLookupsCli } from '../../commands/lookups-cli';
import { readLockFile } from '../../lookups/lock-file';
import { opensslSha1, tempDir, testPki, writeCaBundle } from '../support/pki';

const ROOT = path.resolve(__dirname, '..', '..');
const tmp = tempDir();
const pki = testPki('cli');
const rotated = generateDemoPki({ label: 'cli-rotated' });
let caBundle: string;
let demo: DemoIssuer;
let lockCounter = 0;

beforeAll(async () => {
  caBundle = writeCaBundle(tmp.file('ca.pem'), pki.root.certPem, rotated.root.certPem);
  demo = await startDemoIssuer({ pki, signingKeys: [generateSigningKey({ kid: 'cli-key' })] });
});
afterAll(async () => {
  await demo.close();
  tmp.cleanup();
});

const strip = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

async function cli(argv: string[], options: Omit<RunLookupsCliOptions, 'output'> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runLookupsCli(argv, {
    ci: false,
    ...options,
    output: { write: (t) => void (stdout += t), writeError: (t) => void (stderr += t) },
  });
  return { code, stdout: strip(stdout), stderr: strip(stderr) };
}

const newLock = () => tmp.file(`lock-${lockCounter++}.json`);

describe('runLookupsCli', () => {
  test('prints help with --help', async () => {
    // WHEN
    const { code, stdout } = await cli(['--help']);

    // THEN
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: npm run lookups -- [options]');
    expect(stdout).toContain('--ca-bundle <pem>');
    expect(stdout).toContain('--prune');
    // -h is the same help
    expect(await cli(['-h'])).toEqual({ code: 0, stdout, stderr: '' });
  });

  test('fails when no issuer is given and the app has none, asking for --issuer', async () => {
    // WHEN
    const { code, stderr } = await cli(['--lock', newLock()]);

    // THEN
    expect(code).toBe(2);
    expect(stderr).toContain('pass --issuer <url>');
  });

  test('fails when an option is unknown', async () => {
    const { code, stderr } = await cli(['--refrsh']);
    expect(code).toBe(2);
    expect(stderr).toContain("Unknown option '--refrsh'");
    expect(stderr).toMatch(/^error: Unknown option '--refrsh'.*\n\nUsage: npm run lookups -- \[options\]\n/);
  });

  test('fails when --timeout is not a positive number', async () => {
    const { code, stderr } = await cli(['--issuer', demo.issuer, '--timeout', 'soon']);
    expect(code).toBe(2);
    expect(stderr).toContain('--timeout must be a positive number');
  });

  test('records an issuer and prints hosts, fingerprints, subjects, expiry and keys', async () => {
    // GIVEN
    const lock = newLock();

    // WHEN
    const { code, stdout } = await cli(['--issuer', demo.issuer, '--ca-bundle', caBundle, '--lock', lock]);

    // THEN
    expect(code).toBe(0);
    expect(stdout).toContain(`${demo.issuer}  added`);
    expect(stdout).toContain(`host localhost:${demo.port}`);
    expect(stdout).toContain(opensslSha1(pki.intermediate.certPem));
    expect(stdout).toContain(opensslSha1(pki.root.certPem));
    expect(stdout).toContain('CN=Demo Intermediate CA cli');
    expect(stdout).toMatch(/expires \d{4}-\d{2}-\d{2}T/);
    expect(stdout).toMatch(/cli-key\s+ES256 EC sig/);
    expect(stdout).toContain(`wrote ${lock}`);
    expect(readLockFile(lock)!.issuers[demo.issuer]).toBeDefined();
  });

  test('uses the default issuers when no --issuer is given, and the lock without network afterwards', async () => {
    // GIVEN
    const lock = newLock();
    const defaultIssuers = [{ issuer: demo.issuer }];
    await cli(['--ca-bundle', caBundle, '--lock', lock], { defaultIssuers });
    const connections = demo.connectionCount;

    // WHEN
    const { code, stdout } = await cli(['--lock', lock], { defaultIssuers });

    // THEN
    expect(code).toBe(0);
    expect(stdout).toContain('from lock (no network)');
    expect(stdout).toContain(`${lock} unchanged`);
    expect(demo.connectionCount).toBe(connections);
  });

  test('prints what changed on --refresh after a rotation', async () => {
    // GIVEN
    const lock = newLock();
    const rotating = await startDemoIssuer({ pki, signingKeys: [generateSigningKey({ kid: 'old-key' })] });
    try {
      await cli(['--issuer', rotating.issuer, '--ca-bundle', caBundle, '--lock', lock]);
      rotating.setCertificates(rotated);
      rotating.setSigningKeys([generateSigningKey({ kid: 'new-key' })]);

      // WHEN
      const { code, stdout } = await cli(['--refresh', '--issuer', rotating.issuer, '--ca-bundle', caBundle, '--lock', lock]);

      // THEN
      expect(code).toBe(0);
      expect(stdout).toContain('changed');
      expect(stdout).toContain(`${opensslSha1(rotated.intermediate.certPem)} (new)`);
      expect(stdout).toContain(`${opensslSha1(pki.intermediate.certPem)} (no longer presented`);
      expect(stdout).toContain('+ key new-key');
      expect(stdout).toContain('- key old-key');
    } finally {
      await rotating.close();
    }
  });

  test('exits 1 and prints the error code when a lookup fails', async () => {
    // WHEN
    const { code, stderr } = await cli(['--issuer', demo.issuer.replace('https:', 'http:'), '--lock', newLock()]);

    // THEN
    expect(code).toBe(1);
    expect(stderr).toContain('error LOOKUP_ISSUER_INVALID:');
  });

  test('exits 1 in CI mode when the issuer is not recorded', async () => {
    const { code, stderr } = await cli(['--issuer', demo.issuer, '--lock', newLock()], { ci: true });
    expect(code).toBe(1);
    expect(stderr).toContain('LOOKUP_LOCK_MISSING_IN_CI');
  });

  test('runs as `tsx commands/lookups-cli.ts` with a non-zero exit status on error', async () => {
    // WHEN
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['commands/lookups-cli.ts', ...args], { cwd: ROOT, env: { ...process.env, CI: 'false' } },
          (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }));
      });
    const [help, failure] = await Promise.all([run(['--help']), run(['--issuer', 'http://idp.example.com', '--lock', newLock()])]);

    // THEN
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: npm run lookups');
    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain('LOOKUP_ISSUER_INVALID');
  });
});
