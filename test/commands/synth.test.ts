import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotations, App, TerraformStack } from 'cdktf';
import { afterEach, describe, expect, test } from 'vitest';
import { runSynth } from '../../commands/synth';
import { AccessControlPlugin, Api, ApiGroup, Backend, IssuerLookup, JwtAuthPlugin, SecurityChecks, Stage } from '../../constructs';
import { ApiGatewayGroup } from '../../.gen/providers/alicloud/api-gateway-group';
import { AlicloudProvider } from '../../.gen/providers/alicloud/provider';
import { gatewayApi } from '../validation/util';
import { SEED_CLIENT_ID, testLock, testServer } from '../util';

const CONTINUE = 'CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS';
afterEach(() => {
  delete process.env[CONTINUE];
});

/** Runs the synth command on `build` into a fresh outdir holding a previous output; returns what it printed. */
function synth(build: (stack: TerraformStack) => void, json = false) {
  const outdir = join(mkdtempSync(join(tmpdir(), 'synth-cmd-')), 'cdktf.out');
  mkdirSync(outdir);
  writeFileSync(join(outdir, 'previous.txt'), 'kept');
  let stdout = '';
  let stderr = '';
  const code = runSynth(
    (dir) => {
      const app = new App({ outdir: dir });
      IssuerLookup.attach(app, testLock());
      const stack = new TerraformStack(app, 'gateway-test');
      new AlicloudProvider(stack, 'alicloud', { region: 'cn-hangzhou' });
      SecurityChecks.attach(stack);
      build(stack);
      return app;
    },
    { outdir, json, output: { write: (t) => (stdout += t), writeError: (t) => (stderr += t) } },
  );
  return { code, stdout, stderr, outdir };
}

/** An ANONYMOUS API published to RELEASE with no plugin at all: open to anyone. */
function openApi(stack: TerraformStack): void {
  const group = new ApiGatewayGroup(stack, 'Group', { name: 'open_group', description: 'open' });
  gatewayApi(stack, 'Open', { authType: 'ANONYMOUS', groupId: group.id });
}

describe('runSynth', () => {
  test('fails on an open API even with CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS set, never prints ok, writes nothing', () => {
    // GIVEN cdktf told to continue on error annotations (the cdktf CLI sets it for every app it runs)
    process.env[CONTINUE] = 'true';
    // WHEN
    const result = synth(openApi);
    // THEN
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\[gateway-test\/Open\] APIGW-AUTH1\[stage:RELEASE\]/);
    expect(result.stdout).not.toMatch(/\bok\b/);
    expect(readFileSync(join(result.outdir, 'previous.txt'), 'utf8')).toBe('kept');
    expect(existsSync(join(result.outdir, 'stacks'))).toBe(false);
  });

  test('fails on any error annotation with CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS set', () => {
    process.env[CONTINUE] = 'true';
    const result = synth((stack) => Annotations.of(stack).addError('broken on purpose'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\[gateway-test\] broken on purpose/);
    expect(result.stdout).not.toMatch(/\bok\b/);
  });

  test('counts the API stages with JWT and access control in effect, in the table and in --json', () => {
    // GIVEN one API on TEST and RELEASE, with both plugins bound on TEST only
    const guardedOnTest = (stack: TerraformStack) => {
      const server = testServer(stack);
      const client = server.addClient('Reporting', { clientId: SEED_CLIENT_ID, grantedScopes: ['user:read:one'] });
      const group = new ApiGroup(stack, 'Group', { groupName: 'group_fx', description: 'group' });
      const backend = new Backend(stack, 'Backend', { address: 'https://backend.example.com', backendName: 'backend_fx' });
      const api = new Api(stack, 'Hello', { group, backend, apiName: 'hello', path: '/hello', backendPath: '/hello', stages: [Stage.TEST, Stage.RELEASE] });
      new JwtAuthPlugin(stack, 'Jwt', { server }).bindToApi(api, [Stage.TEST, Stage.RELEASE]);
      new AccessControlPlugin(stack, 'Acl', { m2m: { server, allowedClients: [client], requiredScopes: ['user:read:one'] } }).bindToApi(api, [Stage.TEST]);
      AccessControlPlugin.denyAll(stack, 'DenyAll').bindToGroup(group, [Stage.TEST, Stage.RELEASE]);
    };
    // WHEN
    const table = synth(guardedOnTest);
    const json = synth(guardedOnTest, true);
    // THEN
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/gateway-test\s*│\s*\d+\s*│\s*\d+\s*│\s*2\/2\s*│/);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).stacks[0]).toMatchObject({ stack: 'gateway-test', gatewayCoverage: { guarded: 2, published: 2 } });
  });

  test('prints ok when every check passes', () => {
    const result = synth(() => undefined);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/ok 1 stacks synthesized and validated/);
  });
});
