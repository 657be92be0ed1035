import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import type { TerraformStack } from 'cdktf';
import { describe, expect, test } from 'vitest';
import type { EnvironmentConfig } from '../../config';
import { readJwtAuthPolicyConfig } from '../../constructs';
import { buildApp } from '../../stacks/app';
import { validateApp } from '../../validation';
import { FIXTURE_DEV, FIXTURE_PROD } from '../fixtures/environments';
import { TEST_FACTS, TEST_ISSUER, annotations, checkStack, testLock } from '../util';

const DEV: EnvironmentConfig = {
  ...FIXTURE_DEV,
  apig: {
    gatewayId: 'gw-cq7l5s5lhtgi6qasrdc0', environmentId: 'env-cq7l5s5lhtgi6qasrdc0', policyName: 'm2m-jwt-dev',
    subjectClient: FIXTURE_DEV.clients[0].name, rules: [{ domain: 'api.example.com', path: '/health' }],
  },
};

function build(environments: readonly EnvironmentConfig[], lock = testLock()) {
  const root = mkdtempSync(join(tmpdir(), 'apig-stack-test-'));
  return buildApp({ outdir: join(root, 'cdktf.out'), localStateDir: join(root, 'state'), environments, lock });
}

describe('ApigStack (apig-<env>)', () => {
  test('is built only for environments with an apig section', () => {
    // GIVEN / WHEN
    const app = build([DEV, FIXTURE_PROD]);
    // THEN
    expect(app.node.children.map((c) => c.node.id).sort()).toEqual(['apig-dev', 'federation-dev', 'federation-prod', 'gateway-dev', 'gateway-prod']);
  });

  test('defines the global JWT rule from config and the lock, passes the 1.292.0 schema and every security rule', () => {
    // GIVEN
    const app = build([DEV]);
    const stack = app.node.findChild('apig-dev') as TerraformStack;
    // WHEN
    const synth = JSON.parse(Testing.synth(stack, true)) as Record<string, any>;
    const findings = validateApp(app).filter((r) => r.stack === 'apig-dev').flatMap((r) => r.findings.map((f) => f.format()));
    checkStack(stack);
    // THEN
    expect(synth.terraform.required_providers.alicloud).toEqual({ source: 'aliyun/alicloud', version: '1.292.0' });
    const [policy] = Object.values(synth.resource.alicloud_apig_policy) as Record<string, any>[];
    expect(policy).toMatchObject({ policy_name: 'm2m-jwt-dev', policy_class_name: 'JWTAuth', attach_resource_type: 'Gateway', gateway_id: 'gw-cq7l5s5lhtgi6qasrdc0', environment_id: 'env-cq7l5s5lhtgi6qasrdc0' });
    const config = readJwtAuthPolicyConfig(policy.policy_config);
    expect(config).toMatchObject({ issuer: TEST_ISSUER, sub: FIXTURE_DEV.clients[0].clientId, isWhite: true, authResourceList: [{ domain: 'api.example.com', path: '/health' }] });
    expect(typeof config !== 'string' && config.jwks).toEqual({ keys: [expect.objectContaining({ kid: TEST_FACTS.keys[0].kid, n: TEST_FACTS.keys[0].jwk.n })] });
    expect(findings).toEqual([]);
    expect(annotations(stack)).toEqual({ errors: [], warnings: [], infos: [] });
  });

  test('fails when the lock has no facts for the issuer', () => {
    expect(() => build([DEV], { version: 1, issuers: {} })).toThrow(/no recorded lookup in lookups\.lock\.json/);
  });
});
