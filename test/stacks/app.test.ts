/**
 * The app composed from config, on the tests' own environments (test/fixtures/environments.ts)
 * and lock: editing `config/environments.ts` never changes these results. The user's actual
 * config is checked by invariants only, in example-config.test.ts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import type { TerraformStack } from 'cdktf';
import { describe, expect, test } from 'vitest';
import type { EnvironmentConfig } from '../../config';
import type { LockFile } from '../../core/issuer-facts';
import { buildApp } from '../../stacks/app';
import { validateApp } from '../../validation';
import { FIXTURE_DEV as DEV, FIXTURE_ENVIRONMENTS as ENVIRONMENTS, FIXTURE_PROD as PROD } from '../fixtures/environments';
import { TEST_FACTS, TEST_ISSUER, annotations, checkStack, testLock } from '../util';

const LOCK = testLock();

/** Builds the app into `<tmp>/cdktf.out`, local state in `<tmp>/state`. */
function build(environments: readonly EnvironmentConfig[], lock: LockFile = LOCK) {
  const root = mkdtempSync(join(tmpdir(), 'app-test-'));
  return buildApp({ outdir: join(root, 'cdktf.out'), localStateDir: join(root, 'state'), environments, lock });
}

function synthOf(app: ReturnType<typeof build>, stackId: string): Record<string, any> {
  return JSON.parse(Testing.synth(app.node.findChild(stackId) as TerraformStack, true));
}

/** Flattens JSON into path → leaf value. */
function flatten(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, value);
  }
  return out;
}

describe('buildApp', () => {
  test('builds a gateway and a federation stack per environment', () => {
    // GIVEN / WHEN
    const app = build(ENVIRONMENTS);
    // THEN
    expect(app.node.children.map((c) => c.node.id).sort()).toEqual(['federation-dev', 'federation-prod', 'gateway-dev', 'gateway-prod']);
  });

  test('every stack the project synthesizes passes schema validation and the security rules', () => {
    // GIVEN
    const app = build(ENVIRONMENTS);
    // WHEN
    const results = validateApp(app);
    // THEN
    expect(results.map((r) => r.stack).sort()).toEqual(['federation-dev', 'federation-prod', 'gateway-dev', 'gateway-prod']);
    expect(results.flatMap((r) => r.findings.map((f) => f.format()))).toEqual([]);
    for (const stack of app.node.children) checkStack(stack as TerraformStack);
    expect(annotations(app).errors).toEqual([]);
    expect(annotations(app).warnings).toEqual([]);
  });

  test('pins the alicloud provider to aliyun/alicloud 1.292.0', () => {
    const synth = synthOf(build([DEV]), 'gateway-dev');
    expect(synth.terraform.required_providers.alicloud).toEqual({ source: 'aliyun/alicloud', version: '1.292.0' });
  });

  test('each stack checks at plan time that the caller is in the environment\'s account', () => {
    const app = build(ENVIRONMENTS);
    for (const env of ENVIRONMENTS) {
      for (const side of ['gateway', 'federation']) {
        const [identity] = Object.values(synthOf(app, `${side}-${env.name}`).data.alicloud_caller_identity) as any[];
        expect(identity.lifecycle.postcondition[0].condition).toBe(`\${self.account_id == "${env.accountId}"}`);
      }
    }
  });

  test('the provider takes its credential settings from config, never secrets', () => {
    // GIVEN
    const role: EnvironmentConfig = { ...DEV, credentials: { assumeRole: { roleArn: 'acs:ram::1111111111111111:role/terraform', sessionName: 'm2m-guard' } } };
    const oidc: EnvironmentConfig = { ...PROD, credentials: { assumeRoleWithOidc: { roleArn: 'acs:ram::2222222222222222:role/ci', oidcProviderArn: 'acs:ram::2222222222222222:oidc-provider/github', oidcTokenFile: '/run/oidc-token' } } };
    // WHEN
    const app = build([role, oidc, { ...DEV, name: 'plain', accountId: '3333333333333333' }]);
    // THEN
    expect(synthOf(app, 'gateway-dev').provider.alicloud).toEqual([{ region: 'cn-hangzhou', assume_role: { role_arn: 'acs:ram::1111111111111111:role/terraform', session_name: 'm2m-guard' } }]);
    expect(synthOf(app, 'federation-prod').provider.alicloud).toEqual([{
      region: 'cn-shanghai',
      assume_role_with_oidc: { role_arn: 'acs:ram::2222222222222222:role/ci', oidc_provider_arn: 'acs:ram::2222222222222222:oidc-provider/github', oidc_token_file: '/run/oidc-token' },
    }]);
    expect(synthOf(app, 'gateway-plain').provider.alicloud).toEqual([{ region: 'cn-hangzhou' }]);
    expect(validateApp(app).flatMap((r) => r.findings.map((f) => f.format()))).toEqual([]);
  });

  test('an environment that differs only in name synthesizes the same stacks, renamed', () => {
    // GIVEN
    const stg: EnvironmentConfig = { ...DEV, name: 'stg' }; // same length as 'dev': long plugin names are truncated
    // WHEN
    const app = build([DEV, stg]);
    // THEN
    for (const side of ['gateway', 'federation']) {
      // Only values derived from the environment name may differ. Plugin names longer than 50 characters end in a hash of the full name, which includes the env.
      const normalize = (text: string, env: string) => text
        .split(`-${env}.tfstate`).join('-ENV.tfstate')
        .split(`gateway_${env}_`).join('gateway_ENV_')
        .split(`for ${env}"`).join('for ENV"')
        .split(`Environment '${env}'`).join("Environment 'ENV'")
        .replace(/_[0-9a-f]{8}"/g, '_HASH"');
      const dev = normalize(JSON.stringify(synthOf(app, `${side}-dev`)), 'dev');
      const other = normalize(JSON.stringify(synthOf(app, `${side}-stg`)), 'stg');
      expect(other).toEqual(dev);
    }
  });

  test('dev and prod differ only where their config differs', () => {
    // GIVEN
    const app = build(ENVIRONMENTS);
    // WHEN
    const dev = flatten(synthOf(app, 'gateway-dev'));
    const prod = flatten(synthOf(app, 'gateway-prod'));
    const differing = [...new Set([...dev.keys(), ...prod.keys()])]
      .filter((k) => !k.includes('.//.') && dev.get(k) !== prod.get(k))
      .map((k) => k.replace(/_[0-9A-F]{8}(?=\.|$)/g, ''));
    // THEN every difference traces back to a config field that differs
    const explained: [RegExp, string][] = [
      [/^provider\.alicloud\.0\.region$/, 'region'],
      [/^data\.alicloud_caller_identity\.[^.]+\.lifecycle\.postcondition\.0\.(condition|error_message)$/, 'accountId, name'],
      [/^terraform\.backend\./, 'state'],
      [/^resource\.alicloud_api_gateway_group\.Group\.(name|description)$/, 'gateway.groupName/description'],
      [/^resource\.alicloud_api_gateway_backend\.Backend\.backend_name$/, 'gateway.backendName'],
      [/^resource\.alicloud_api_gateway_api\.[^.]+\.http_service_config\.address$/, 'gateway.backendAddress'],
      [/^resource\.alicloud_api_gateway_api\.[^.]+\.stage_names\.1$/, 'stages'],
      [/^resource\.alicloud_api_gateway_api\.[^.]+\.request_parameters\./, 'gateway.tokenLocation (query parameter declared in dev)'],
      [/^resource\.alicloud_api_gateway_plugin\.[^.]+\.(plugin_data|plugin_name)$/, 'tokenLocation, throttle, env name'],
      [/^resource\.alicloud_api_gateway_plugin\.Protection_Throttling\./, 'gateway.throttle'],
      [/^resource\.alicloud_api_gateway_plugin_attachment\.[^.]+-RELEASE\./, 'stages'],
      [/^resource\.alicloud_api_gateway_group_plugin_attachment\.[^.]+-RELEASE\./, 'stages (deny-first baseline on RELEASE)'],
      [/^resource\.alicloud_api_gateway_api\.[^.]+\.depends_on\.[23]$/, 'stages (the API waits for the RELEASE baseline)'],
      [/^resource\.alicloud_api_gateway_plugin_attachment\.Protection_Throttling_/, 'gateway.throttle'],
    ];
    const unexplained = differing.filter((k) => !explained.some(([pattern]) => pattern.test(k)));
    expect(unexplained).toEqual([]);
    expect(differing.some((k) => k.includes('RELEASE'))).toBe(true);
    expect(differing.some((k) => k.startsWith('resource.alicloud_api_gateway_plugin.Protection_Throttling'))).toBe(true);
  });

  test('production gets the production security rules', () => {
    // GIVEN a prod environment that opts out of jti replay protection (bypassing config validation)
    const risky: EnvironmentConfig = { ...PROD, gateway: { ...PROD.gateway, allowJtiReplay: { reason: 'Clients cache tokens until #77 ships' } } };
    // WHEN
    const app = build([risky]);
    checkStack(app.node.findChild('gateway-prod') as TerraformStack);
    // THEN the opt-out clears APIGW-JWT4, but production still refuses it
    expect(annotations(app).errors).toEqual([expect.stringMatching(/^APIGW-JWT2/)]);
  });

  test('gateway.allowJtiReplay turns replay protection off with its reason reported (outside production)', () => {
    // GIVEN
    const env: EnvironmentConfig = { ...DEV, gateway: { ...DEV.gateway, allowJtiReplay: { reason: 'Clients cache tokens until #77 ships' } } };
    // WHEN
    const app = build([env]);
    const stack = app.node.findChild('gateway-dev') as TerraformStack;
    const found = checkStack(stack);
    // THEN
    const jwt = Object.values(synthOf(app, 'gateway-dev').resource.alicloud_api_gateway_plugin as Record<string, any>)
      .filter((p) => p.plugin_type === 'jwtAuth');
    expect(jwt.length).toBeGreaterThan(0);
    for (const p of jwt) expect(p.plugin_data).toMatch(/^preventJtiReplay: false$/m);
    expect(found.errors).toEqual([]);
    expect(found.infos.filter((m) => m.startsWith('APIGW-JWT4'))).toEqual(['APIGW-JWT4: suppressed: allowJtiReplay: Clients cache tokens until #77 ships']);
  });

  test('federation outputs the provider and role ARNs for AssumeRoleWithOIDC', () => {
    const synth = synthOf(build([DEV]), 'federation-dev');
    expect(Object.keys(synth.output).sort()).toEqual(['oidc_provider_arn', 'role_arn_m2m_reporting_dev']);
    expect(synth.output.oidc_provider_arn.value).toMatch(/^\$\{alicloud_ims_oidc_provider\..+\.arn\}$/);
  });

  test('prod keeps state in OSS with TableStore locking, dev in a local file outside the output directory', () => {
    const app = build(ENVIRONMENTS);
    // relative to the stack's working directory <outdir>/stacks/gateway-dev: <outdir>/../state/gateway-dev.tfstate
    expect(synthOf(app, 'gateway-dev').terraform.backend).toEqual({ local: { path: '../../../state/gateway-dev.tfstate' } });
    expect(synthOf(app, 'federation-prod').terraform.backend.oss).toMatchObject({
      bucket: 'fixture-terraform-state-prod', key: 'federation-prod.tfstate', prefix: 'm2m-guard', encrypt: true,
      tablestore_endpoint: 'https://tf-lock.cn-shanghai.ots.aliyuncs.com', tablestore_table: 'terraform_state_lock',
    });
  });

  test('no secret ever reaches the synthesized stacks', () => {
    const app = build(ENVIRONMENTS);
    for (const id of ['gateway-dev', 'gateway-prod', 'federation-dev', 'federation-prod']) {
      const text = JSON.stringify(synthOf(app, id));
      expect(text).not.toMatch(/secret|access_key|password|"(d|p|q|dp|dq|qi|k)":|PRIVATE KEY/i);
    }
  });

  test('the configured signing key id selects the JWT plugin key from the lock', () => {
    // GIVEN a lock whose JWKS holds two keys (a rotation)
    const [key] = TEST_FACTS.keys;
    const lock: LockFile = { version: 1, issuers: { [TEST_ISSUER]: { ...TEST_FACTS, keys: [key, { ...key, kid: 'rotated-in' }] } } };
    const env: EnvironmentConfig = { ...DEV, m2mServer: { ...DEV.m2mServer, signingKeyId: 'rotated-in' } };
    // WHEN
    const synth = synthOf(build([env], lock), 'gateway-dev');
    // THEN
    const jwt = Object.values(synth.resource.alicloud_api_gateway_plugin).find((p: any) => p.plugin_type === 'jwtAuth') as any;
    expect(jwt.plugin_data).toMatch(/kid: rotated-in/);
  });

  test('fails when the configured signing key id is not in the lock', () => {
    const env: EnvironmentConfig = { ...DEV, m2mServer: { ...DEV.m2mServer, signingKeyId: 'rotated-away' } };
    expect(() => build([env])).toThrow(/'keyId' is not a signing key of https:\/\/eiam-test\.aliyunidaas\.com\/api\/v2\/iauths_system\/oauth2 in lookups.lock.json/);
  });

  // Snapshots of the fixture environments only (never of config/). After an intended change to
  // what the stacks synthesize, review the diff and update with:
  //   npx vitest run test/stacks/app.test.ts -u
  test('whole stacks match the reviewed snapshot (change detector)', () => {
    const app = build(ENVIRONMENTS);
    expect(synthOf(app, 'gateway-dev')).toMatchSnapshot();
    expect(synthOf(app, 'federation-prod')).toMatchSnapshot();
  });
});
