/**
 * The contract rules (issue #11): APIGW-ACL2 (rule set ends in an unconditional DENY), APIGW-ACL3
 * (iss checked), APIGW-ACL4 (aud checked), APIGW-TLS1 (no plain HTTP), RAM-POL2 (no broad system
 * policy). Each: compliant as generated, non-compliant through the L1 escape hatch, suppressed.
 */
import { describe, expect, test } from 'vitest';
import { parse, stringify } from 'yaml';
import { AccessControlPlugin, APIGATEWAY_CONTRACT_RULES, RAM_CONTRACT_RULES, RuleLevel, Suppressions } from '../../constructs';
import { findingsOf, seedFixture } from '../constructs/apigateway/helpers';
import { testProvider, testRole } from '../constructs/ram/helpers';
import { testStack } from '../util';

const REASON = 'Reviewed exception for this test (#11)';

/** The seed fixture with the generated access-control plugin, its script rewritten by `mutate` through the escape hatch. */
function aclStack(mutate?: (script: any) => void) {
  const fixture = seedFixture({ api: { stages: [] } });
  const acl = new AccessControlPlugin(fixture.stack, 'Acl', { m2m: { server: fixture.server, allowedClients: [fixture.client], requiredScopes: ['user:read:one'] } });
  if (mutate) {
    const script = parse(acl.pluginData);
    mutate(script);
    acl.resource.addOverride('plugin_data', stringify(script).replace(/\$\{/g, () => '$${'));
  }
  return { ...fixture, acl };
}

describe('contract rules', () => {
  test('have stable ids, info, explanation and error level', () => {
    expect([...APIGATEWAY_CONTRACT_RULES, ...RAM_CONTRACT_RULES].map((r) => r.id)).toEqual(['APIGW-ACL2', 'APIGW-ACL3', 'APIGW-ACL4', 'APIGW-TLS1', 'RAM-POL2']);
    for (const rule of [...APIGATEWAY_CONTRACT_RULES, ...RAM_CONTRACT_RULES]) {
      expect(rule.info.length).toBeGreaterThan(10);
      expect(rule.explanation.length).toBeGreaterThan(10);
      expect(rule.level).toBe(RuleLevel.ERROR);
    }
  });

  test.each(['APIGW-ACL2', 'APIGW-ACL3', 'APIGW-ACL4'])('%s is compliant for the generated rule set and the deny-all baseline', (id) => {
    const { stack } = aclStack();
    AccessControlPlugin.denyAll(stack, 'Baseline');
    expect(findingsOf(stack, id)).toEqual({ errors: [], warnings: [], infos: [] });
  });
});

describe('APIGW-ACL2', () => {
  test('reports a rule set whose last rule can let a request fall through', () => {
    // GIVEN the seed's shape: checks that only DENY, no final DENY
    const { stack } = aclStack((s) => { s.rules = s.rules.filter((r: any) => r.name.startsWith('check')); });
    // THEN
    expect(findingsOf(stack, 'APIGW-ACL2').errors).toEqual([expect.stringMatching(/^APIGW-ACL2: The access-control rule set does not end with an unconditional DENY/)]);
  });

  test('reports a final rule that denies on one branch only', () => {
    const { stack } = aclStack((s) => { delete s.rules[s.rules.length - 1].ifFalse; });
    expect(findingsOf(stack, 'APIGW-ACL2').errors).toHaveLength(1);
  });

  test('is suppressed with a reason', () => {
    const { stack, acl } = aclStack((s) => { s.rules.pop(); });
    Suppressions.add(acl, [{ id: 'APIGW-ACL2', reason: REASON }]);
    expect(findingsOf(stack, 'APIGW-ACL2')).toEqual({ errors: [], warnings: [], infos: [`APIGW-ACL2: suppressed: ${REASON}`] });
  });
});

describe('APIGW-ACL3', () => {
  test('reports a rule set over JWT claims that never reads iss', () => {
    const { stack } = aclStack((s) => {
      s.rules = s.rules.filter((r: any) => r.name !== 'checkIssuer');
      for (const r of s.rules) r.condition = r.condition.replace(/\$iss = '[^']*' and /, '');
    });
    expect(findingsOf(stack, 'APIGW-ACL3').errors).toEqual([expect.stringMatching(/^APIGW-ACL3: The access-control rule set reads JWT claims but never checks iss/)]);
  });

  test('is suppressed with a reason', () => {
    const { stack, acl } = aclStack((s) => { delete s.parameters.iss; });
    Suppressions.add(acl, [{ id: 'APIGW-ACL3', reason: REASON }]);
    expect(findingsOf(stack, 'APIGW-ACL3')).toEqual({ errors: [], warnings: [], infos: [`APIGW-ACL3: suppressed: ${REASON}`] });
  });
});

describe('APIGW-ACL4', () => {
  test('reports a rule set over JWT claims without an aud check', () => {
    const { stack } = aclStack((s) => { delete s.parameters.aud; });
    expect(findingsOf(stack, 'APIGW-ACL4').errors).toEqual([expect.stringMatching(/^APIGW-ACL4: The access-control rule set reads JWT claims but never checks aud/)]);
  });
});

describe('APIGW-TLS1', () => {
  test('is compliant for an HTTPS-only API and reports one accepting HTTP (escape hatch)', () => {
    const { stack, api } = seedFixture({ isolated: true });
    expect(findingsOf(stack, 'APIGW-TLS1').errors).toEqual([]);
    api.resource.addOverride('request_config.protocol', 'HTTP');
    expect(findingsOf(stack, 'APIGW-TLS1').errors).toEqual([expect.stringMatching(/^APIGW-TLS1: The API accepts plain HTTP/)]);
  });
});

describe('RAM-POL2', () => {
  test('is compliant for a narrow system policy and reports a broad one attached through the escape hatch', () => {
    const stack = testStack();
    const role = testRole(stack, testProvider(stack));
    const attachment = role.attachSystemPolicy('AliyunOSSReadOnlyAccess');
    expect(findingsOf(stack, 'RAM-POL2').errors).toEqual([]);
    attachment.addOverride('policy_name', 'AdministratorAccess');
    expect(findingsOf(stack, 'RAM-POL2').errors).toEqual([expect.stringMatching(/^RAM-POL2: A broad system policy/)]);
  });
});
