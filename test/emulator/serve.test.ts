/**
 * The emulator over real HTTP: the node:http server, the CLI, and `commands/emulator.ts` as a user
 * runs it, with real tokens from the demo issuer.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EMULATOR_HELP, runEmulatorCli } from '../../commands/emulator-cli';
import { GatewayEmulator, type EmulatorServer, startEmulatorServer } from '../../emulator';
import { type EmulatorFixture, startEmulatorFixture } from './support';

const ROOT = path.resolve(__dirname, '../..');
let fixture: EmulatorFixture;
let server: EmulatorServer;

beforeAll(async () => {
  fixture = await startEmulatorFixture();
  server = await startEmulatorServer(GatewayEmulator.fromStack(fixture.synth), { defaultStage: 'TEST' });
});
afterAll(async () => {
  await server?.close();
  await fixture?.close();
});

function captured(): { out: string[]; err: string[]; write(t: string): void; writeError(t: string): void } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, write: (t) => out.push(t), writeError: (t) => err.push(t) };
}

describe('startEmulatorServer', () => {
  test('allows a real token in id_token over HTTP and answers with the decision as JSON', async () => {
    // WHEN
    const res = await fetch(`${server.url}/hello?id_token=${encodeURIComponent(await fixture.token())}`);

    // THEN
    expect(res.status).toBe(200);
    expect(res.headers.get('x-emulator-decision')).toBe('ALLOW');
    expect(await res.json()).toMatchObject({ decision: 'ALLOW', status: 200, api: 'hello', stage: 'TEST' });
  });

  test('allows a bearer token over HTTP (headers reach the JWT plugin)', async () => {
    // WHEN
    const res = await fetch(`${server.url}/report`, { headers: { authorization: `Bearer ${await fixture.token()}` } });

    // THEN
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ decision: 'ALLOW', api: 'report' });
  });

  test('denies without a token with 401 and the gateway error header', async () => {
    // WHEN
    const res = await fetch(`${server.url}/hello`);

    // THEN
    expect(res.status).toBe(401);
    expect(res.headers.get('x-ca-error-message')).toBe('jwtAuth: no token in query parameter "id_token"');
    expect(await res.json()).toMatchObject({ decision: 'DENY', status: 401, unsupported: false });
  });

  test('denies a client outside the allowed list with 403, stage taken from X-Ca-Stage', async () => {
    // WHEN
    const res = await fetch(`${server.url}/users/7?id_token=${encodeURIComponent(await fixture.token())}`, { method: 'PUT', headers: { 'x-ca-stage': 'TEST' } });

    // THEN
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ decision: 'DENY', api: 'update_user', stage: 'TEST' });
  });
});

describe('runEmulatorCli', () => {
  test('prints the help with --help', async () => {
    // GIVEN
    const io = captured();

    // WHEN
    const result = await runEmulatorCli(['--help'], io);

    // THEN
    expect(result.code).toBe(0);
    expect(io.out.join('')).toBe(EMULATOR_HELP);
  });

  test.each([
    [[], '--stack is required'],
    [['--stack', 'x.json', '--stage', 'PROD'], '--stage must be TEST, PRE or RELEASE'],
    [['--stack', 'x.json', '--port', 'http'], '--port must be a port number'],
    [['--stack', 'x.json', '--verbose'], "Unknown option '--verbose'"],
  ])('fails when the arguments are %j (usage error, exit 2)', async (argv, message) => {
    // GIVEN
    const io = captured();

    // WHEN
    const result = await runEmulatorCli(argv, io);

    // THEN
    expect(result.code).toBe(2);
    expect(io.err.join('')).toContain(message);
  });

  test('fails when the stack file cannot be read (exit 1)', async () => {
    // GIVEN
    const io = captured();

    // WHEN
    const result = await runEmulatorCli(['--stack', path.join(ROOT, 'no-such-dir', 'cdk.tf.json')], io);

    // THEN
    expect(result.code).toBe(1);
    expect(io.err.join('')).toMatch(/missing synthesized stack .*no-such-dir.*npm run synth.*--stack/);
  });

  test('serves the stack file on a free port', async () => {
    // GIVEN
    const io = captured();
    const result = await runEmulatorCli(['--stack', fixture.stackFile, '--stage', 'test', '--port', '0'], io);
    expect(result.server).toBeDefined();
    try {
      // WHEN
      const res = await fetch(`${result.server!.url}/hello?id_token=${encodeURIComponent(await fixture.token())}`);

      // THEN
      expect(res.status).toBe(200);
      expect(io.out.join('')).toContain('GET    /hello  (hello; TEST, RELEASE)');
    } finally {
      await result.server?.close();
    }
  });
});

describe('commands/emulator.ts', () => {
  test('runs as a user would start it and answers curl-style requests', async () => {
    // GIVEN
    const child: ChildProcess = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['commands/emulator.ts', '--stack', fixture.stackFile, '--stage', 'TEST', '--port', '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /gateway emulator: (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.once('exit', (code) => reject(new Error(`commands/emulator.ts exited with ${code}: ${out}`)));
      });

      // WHEN
      const allowed = await fetch(`${url}/hello?id_token=${encodeURIComponent(await fixture.token())}`);
      const denied = await fetch(`${url}/hello?id_token=garbage`);

      // THEN
      expect([allowed.status, denied.status]).toEqual([200, 401]);
      expect([allowed.headers.get('x-emulator-decision'), denied.headers.get('x-emulator-decision')]).toEqual(['ALLOW', 'DENY']);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
