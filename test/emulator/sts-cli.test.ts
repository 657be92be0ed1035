/**
 * The STS emulator CLI (`npm run sts-emulator`): usage errors, load errors, and serving the
 * example's synthesized federation stack with the committed lock.
 */
import * as path from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEV, validateEnvironments } from '../../config';
import { STS_EMULATOR_HELP, runStsEmulatorCli } from '../../commands/sts-emulator-cli';
import { LOCK_FILE_NAME, readLockFile } from '../../lookups/lock-file';
import { buildApp } from '../../stacks/app';
import { tempDir } from '../support/pki';

const ROOT = path.resolve(__dirname, '../..');
const tmp = tempDir('sts-cli-');
let stackFile: string;

beforeAll(() => {
  validateEnvironments([DEV]);
  const lock = readLockFile(path.join(ROOT, LOCK_FILE_NAME));
  if (!lock) throw new Error('the committed lock is missing');
  const outdir = tmp.file('cdktf.out');
  buildApp({ outdir, environments: [DEV], lock }).synth();
  stackFile = path.join(outdir, 'stacks', 'federation-dev', 'cdk.tf.json');
});
afterAll(() => tmp.cleanup());

function captured() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, write: (t: string) => void out.push(t), writeError: (t: string) => void err.push(t) };
}

describe('runStsEmulatorCli', () => {
  test('prints help with exit 0', async () => {
    const io = captured();
    expect(await runStsEmulatorCli(['--help'], io)).toEqual({ code: 0 });
    expect(io.out.join('')).toBe(STS_EMULATOR_HELP);
  });

  test('fails with usage and exit 2 on a missing --stack, an unknown option or a bad account id', async () => {
    for (const argv of [[], ['--stack', stackFile, '--nope'], ['--stack', stackFile, '--account-id', '12']]) {
      const io = captured();
      expect(await runStsEmulatorCli(argv, io)).toEqual({ code: 2 });
      expect(io.err.join('')).toContain('Usage: npm run sts-emulator');
    }
  });

  test('fails with exit 1 naming the file when the stack cannot be read', async () => {
    const io = captured();
    expect(await runStsEmulatorCli(['--stack', tmp.file('missing.json'), '--lock', path.join(ROOT, LOCK_FILE_NAME)], io)).toEqual({ code: 1 });
    expect(io.err.join('')).toMatch(/missing\.json.*npm run synth/);
  });

  test('serves the example federation stack and names the refusal of a malformed token', async () => {
    // GIVEN
    const io = captured();
    const result = await runStsEmulatorCli(['--stack', stackFile, '--lock', path.join(ROOT, LOCK_FILE_NAME), '--port', '0'], io);
    if (!result.server) throw new Error(io.err.join(''));
    try {
      // WHEN
      const res = await request(`${result.server.url}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          Action: 'AssumeRoleWithOIDC', Version: '2015-04-01', Format: 'JSON', RoleSessionName: 'cli',
          OIDCProviderArn: 'acs:ram::1234567890123456:oidc-provider/m2m-demo-dev', RoleArn: 'acs:ram::1234567890123456:role/m2m-reporting-dev', OIDCToken: 'not-a-jwt',
        }).toString(),
      });

      // THEN
      expect(res.statusCode).toBe(401);
      expect(await res.body.json()).toMatchObject({ Code: 'AuthenticationFail.OIDCToken.Invalid' });
      expect(io.out.join('')).toContain('acs:ram::1234567890123456:role/m2m-reporting-dev  (max 3600 s)');
      expect(io.out.join('')).toContain('AssumeRoleWithOIDC 401 AuthenticationFail.OIDCToken.Invalid');
      expect(io.out.join('')).not.toContain('not-a-jwt');
    } finally {
      await result.server.close();
    }
  });
});
