import type { TerraformStack } from 'cdktf';
import { describe, expect, test } from 'vitest';
import { CustomPolicy, OidcProvider, OidcRole, PolicyDocument, RAM_RULES, RuleLevel, Suppressions } from '../../constructs';
import { RamPolicy } from '../../.gen/providers/alicloud/ram-policy';
import { RamRole } from '../../.gen/providers/alicloud/ram-role';
import { checkStack, SEED_CLIENT_ID, TEST_AUDIENCE, TEST_ISSUER, testStack } from '../util';
import { fingerprint, overrideTrust, testProvider, testRole } from '../constructs/ram/helpers';

const REASON = 'Reviewed exception for this test (#1)';

/** A stack with the seed's provider and role (compliant with every RAM rule). */
function seedStack(): { stack: TerraformStack; provider: OidcProvider; role: OidcRole } {
  const stack = testStack();
  const provider = testProvider(stack);
  const role = testRole(stack, provider);
  return { stack, provider, role };
}

/** Messages of a rule, by level. */
function findingsOf(stack: TerraformStack, id: string): { errors: string[]; warnings: string[]; infos: string[] } {
  const all = checkStack(stack);
  const mine = (list: string[]) => list.filter((m) => m.startsWith(`${id}:`) || m.startsWith(`${id}[`));
  return { errors: mine(all.errors), warnings: mine(all.warnings), infos: mine(all.infos) };
}

/** A stack with a custom policy whose document is overridden. */
function policyStack(document: unknown): { stack: TerraformStack; policy: CustomPolicy } {
  const stack = testStack();
  const policy = new CustomPolicy(stack, 'Policy', {
    policyName: 'read-reports',
    document: new PolicyDocument({ statements: [{ actions: ['oss:GetObject'], resources: ['acs:oss:*:*:reports/*'] }] }),
  });
  policy.resource.addOverride('policy_document', typeof document === 'string' ? document : JSON.stringify(document));
  return { stack, policy };
}

describe('RAM_RULES', () => {
  test('have stable, unique ids with info, explanation and level', () => {
    expect(RAM_RULES.map((r) => r.id)).toEqual(['RAM-OIDC1', 'RAM-OIDC2', 'RAM-OIDC3', 'RAM-OIDC4', 'RAM-POL1', 'RAM-IDP1']);
    for (const rule of RAM_RULES) {
      expect(rule.info.length).toBeGreaterThan(10);
      expect(rule.explanation.length).toBeGreaterThan(10);
    }
    expect(RAM_RULES.find((r) => r.id === 'RAM-OIDC4')?.level).toBe(RuleLevel.WARNING);
  });

  test('report nothing for the seed\'s provider, role and permissions', () => {
    // GIVEN
    const { stack, role } = seedStack();
    role.grantOssRead('reports-bucket');
    role.attachSystemPolicy('AliyunOSSReadOnlyAccess');
    // WHEN
    const all = checkStack(stack);
    // THEN
    expect(all).toEqual({ errors: [], warnings: [], infos: [] });
  });

  test('do not apply to a role that trusts a cloud service', () => {
    // GIVEN
    const stack = testStack();
    new RamRole(stack, 'EcsRole', {
      roleName: 'ecs-role',
      assumeRolePolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: ['ecs.aliyuncs.com'] } }] }),
    });
    // WHEN / THEN
    expect(checkStack(stack)).toEqual({ errors: [], warnings: [], infos: [] });
  });

  test('do not apply to a role that trusts a SAML provider', () => {
    const stack = testStack();
    new RamRole(stack, 'SamlRole', {
      roleName: 'saml-role',
      assumeRolePolicyDocument: JSON.stringify({ Version: '1', Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Federated: ['acs:ram::1234567890123456:saml-provider/corp'] } }] }),
    });
    expect(checkStack(stack)).toEqual({ errors: [], warnings: [], infos: [] });
  });

  test('report UNRESOLVED when the whole trust policy is unknown until apply', () => {
    // GIVEN
    const { stack, role } = seedStack();
    role.resource.addOverride('assume_role_policy_document', '${data.alicloud_ram_policy_document.trust.document}');
    // WHEN
    const { warnings, errors } = checkStack(stack);
    // THEN
    expect(errors).toEqual([]);
    for (const id of ['RAM-OIDC1', 'RAM-OIDC2', 'RAM-OIDC3', 'RAM-OIDC4']) {
      expect(warnings).toContainEqual(expect.stringMatching(new RegExp(`^${id}: UNRESOLVED`)));
    }
  });

  describe('RAM-OIDC1', () => {
    test('is compliant when oidc:iss is pinned with StringEquals to the provider\'s issuer', () => {
      const { stack } = seedStack();
      expect(findingsOf(stack, 'RAM-OIDC1')).toEqual({ errors: [], warnings: [], infos: [] });
    });

    test('reports a trust policy without oidc:iss', () => {
      // GIVEN
      const { stack, role } = seedStack();
      overrideTrust(role, (d) => { delete d.Statement[0].Condition.StringEquals['oidc:iss']; });
      // WHEN / THEN
      expect(findingsOf(stack, 'RAM-OIDC1').errors).toEqual([expect.stringMatching(/^RAM-OIDC1\[Statement\[0\]\]: The OIDC role trust policy does not pin oidc:iss/)]);
    });

    test('reports oidc:iss matched with StringLike instead of StringEquals', () => {
      const { stack, role } = seedStack();
      overrideTrust(role, (d) => {
        delete d.Statement[0].Condition.StringEquals['oidc:iss'];
        d.Statement[0].Condition.StringLike = { 'oidc:iss': [TEST_ISSUER] };
      });
      expect(findingsOf(stack, 'RAM-OIDC1').errors).toHaveLength(1);
    });

    test('reports an issuer that is not the trusted provider\'s', () => {
      const { stack, role } = seedStack();
      overrideTrust(role, (d) => { d.Statement[0].Condition.StringEquals['oidc:iss'] = ['https://evil.example.com']; });
      expect(findingsOf(stack, 'RAM-OIDC1').errors).toEqual([expect.stringMatching(/^RAM-OIDC1\[Statement\[0\]\]/)]);
    });

    test('reports each offending statement separately', () => {
      const { stack, role } = seedStack();
      overrideTrust(role, (d) => {
        const second = JSON.parse(JSON.stringify(d.Statement[0]));
        delete second.Condition.StringEquals['oidc:iss'];
        d.Statement.push(second);
      });
      expect(findingsOf(stack, 'RAM-OIDC1').errors).toEqual([expect.stringMatching(/^RAM-OIDC1\[Statement\[1\]\]/)]);
    });

    test('reports a trust policy that is not valid JSON', () => {
      const { stack, role } = seedStack();
      role.resource.addOverride('assume_role_policy_document', '{"Version":');
      expect(findingsOf(stack, 'RAM-OIDC1').errors).toEqual([expect.stringMatching(/^RAM-OIDC1\[document\]/)]);
    });

    test('reports UNRESOLVED when the provider is imported by ARN, so its issuer cannot be compared', () => {
      // GIVEN
      const stack = testStack();
      const provider = OidcProvider.fromOidcProviderArn(stack, 'Imported', 'acs:ram::1234567890123456:oidc-provider/idaas-m2m', { issuerUrl: TEST_ISSUER, clientIds: [TEST_AUDIENCE] });
      new OidcRole(stack, 'Role', { provider, allowedSubjects: [SEED_CLIENT_ID], roleName: 'r' });
      // WHEN
      const found = findingsOf(stack, 'RAM-OIDC1');
      // THEN
      expect(found.errors).toEqual([]);
      expect(found.warnings).toEqual([expect.stringMatching(/^RAM-OIDC1: UNRESOLVED/)]);
    });

    test('reports a missing oidc:iss even when the provider is imported', () => {
      const stack = testStack();
      const provider = OidcProvider.fromOidcProviderArn(stack, 'Imported', 'acs:ram::1234567890123456:oidc-provider/idaas-m2m', { issuerUrl: TEST_ISSUER, clientIds: [TEST_AUDIENCE] });
      const role = new OidcRole(stack, 'Role', { provider, allowedSubjects: [SEED_CLIENT_ID], roleName: 'r' });
      overrideTrust(role, (d) => { delete d.Statement[0].Condition.StringEquals['oidc:iss']; });
      expect(findingsOf(stack, 'RAM-OIDC1').errors).toHaveLength(1);
    });

    test('is suppressed with a reason', () => {
      // GIVEN
      const { stack, role } = seedStack();
      overrideTrust(role, (d) => { delete d.Statement[0].Condition.StringEquals['oidc:iss']; });
      Suppressions.add(role, [{ id: 'RAM-OIDC1', reason: REASON }]);
      // WHEN
      const found = findingsOf(stack, 'RAM-OIDC1');
      // THEN
      expect(found.errors).toEqual([]);
      expect(found.infos).toEqual([`RAM-OIDC1[Statement[0]]: suppressed: ${REASON}`]);
    });
  });

  describe('RAM-OIDC2', () => {
    test('is compliant when oidc:sub is pinned', () => {
      const { stack } = seedStack();
      expect(findingsOf(stack, 'RAM-OIDC2')).toEqual({ errors: [], warnings: [], infos: [] });
    });

    test('reports a trust policy without oidc:sub', () => {
      const { stack, role } = seedStack();
      overrideTrust(role, (d) => { delete d.Statement[0].Condition.StringEquals['oidc:sub']; });
      expect(findingsOf(stack, 'RAM-OIDC2').errors).toEqual([expect.stringMatching(/^RAM-OIDC2\[Statement\[0\]\]: The OIDC role trust policy does not restrict oidc:sub\./)]);
    });

    test('reports a subject pattern that matches everything', () => {
      const { stack, role } = seedStack();
      overrideTrust(role, (d) => {
        delete d.Statement[0].Condition.StringEquals['oidc:sub'];
        d.Statement[0].Condition.StringLike = { 'oidc:sub': ['*'] };
      });
      expect(findingsOf(stack, 'RAM-OIDC2').errors).toHaveLength(1);
    });

    test('is suppressed with a reason', () => {
      const { stack, role } = seedStack();
      overrideTrust(role, (d) => { delete d.Statement[0].Condition.StringEquals['oidc:sub']; });
      Suppressions.add(role, [{ id: 'RAM-OIDC2', reason: REASON, appliesTo: ['Statement[0]'] }]);
      const found = findingsOf(stack, 'RAM-OIDC2');
      expect(found.errors).toEqual([]);
      expect(found.infos).toEqual([`RAM-OIDC2[Statement[0]]: suppressed: ${REASON}`]);
    });
  });

  describe('RAM-OIDC3', () => {
    test('is compliant when oidc:aud is pinned', () => {
      const { stack } = seedStack();
      expect(findingsOf(stack, 'RAM-OIDC3')).toEqual({ errors: [], warnings: [], infos: [] });
    });

    test('reports a trust policy without oidc:aud', () => {
      const { stack, role } = seedStack();
      overrideTrust(role, (d) => { delete d.Statement[0].Condition.StringEquals['oidc:aud']; });
      expect(findingsOf(stack, 'RAM-OIDC3').errors).toEqual([expect.stringMatching(/^RAM-OIDC3\[Statement\[0\]\]: The OIDC role trust policy does not restrict oidc:aud\./)]);
    });

    test('is suppressed with a reason', () => {
      const { stack, role } = seedStack();
      overrideTrust(role, (d) => { delete d.Statement[0].Condition.StringEquals['oidc:aud']; });
      Suppressions.add(role, [{ id: 'RAM-OIDC3', reason: REASON }]);
      const found = findingsOf(stack, 'RAM-OIDC3');
      expect(found.errors).toEqual([]);
      expect(found.infos).toEqual([`RAM-OIDC3[Statement[0]]: suppressed: ${REASON}`]);
    });
  });

  describe('RAM-OIDC4', () => {
    test('is compliant when subjects are matched exactly', () => {
      const { stack } = seedStack();
      expect(findingsOf(stack, 'RAM-OIDC4')).toEqual({ errors: [], warnings: [], infos: [] });
    });

    test('warns about subjects matched with StringLike', () => {
      // GIVEN
      const { stack, role } = seedStack();
      overrideTrust(role, (d) => {
        delete d.Statement[0].Condition.StringEquals['oidc:sub'];
        d.Statement[0].Condition.StringLike = { 'oidc:sub': ['app_*'] };
      });
      // WHEN
      const found = findingsOf(stack, 'RAM-OIDC4');
      // THEN
      expect(found.errors).toEqual([]);
      expect(found.warnings).toEqual([expect.stringMatching(/^RAM-OIDC4\[Statement\[0\]\]: The OIDC role trust policy matches oidc:sub with StringLike/)]);
    });

    test('is suppressed with a reason', () => {
      const { stack, role } = seedStack();
      overrideTrust(role, (d) => {
        delete d.Statement[0].Condition.StringEquals['oidc:sub'];
        d.Statement[0].Condition.StringLike = { 'oidc:sub': ['app_*'] };
      });
      Suppressions.add(stack, [{ id: 'RAM-OIDC4', reason: REASON }]);
      const found = findingsOf(stack, 'RAM-OIDC4');
      expect(found.warnings).toEqual([]);
      expect(found.infos).toEqual([`RAM-OIDC4[Statement[0]]: suppressed: ${REASON}`]);
    });
  });

  describe('RAM-POL1', () => {
    test('is compliant for explicit actions and resources', () => {
      const { stack } = policyStack({ Version: '1', Statement: [{ Effect: 'Allow', Action: ['oss:Get*'], Resource: ['acs:oss:*:*:reports/*'] }] });
      expect(findingsOf(stack, 'RAM-POL1')).toEqual({ errors: [], warnings: [], infos: [] });
    });

    test('is compliant for wildcards in a Deny statement', () => {
      const { stack } = policyStack({ Version: '1', Statement: [
        { Effect: 'Allow', Action: 'oss:GetObject', Resource: 'acs:oss:*:*:reports/*' },
        { Effect: 'Deny', Action: '*', Resource: '*' },
      ] });
      expect(findingsOf(stack, 'RAM-POL1').errors).toEqual([]);
    });

    test('reports wildcard actions and resources per statement', () => {
      // GIVEN
      const { stack } = policyStack({ Version: '1', Statement: [
        { Effect: 'Allow', Action: ['oss:*'], Resource: ['acs:oss:*:*:reports/*'] },
        { Effect: 'Allow', Action: '*', Resource: '*' },
      ] });
      // WHEN
      const found = findingsOf(stack, 'RAM-POL1');
      // THEN
      expect(found.errors.map((e) => e.split(':')[0])).toEqual([
        'RAM-POL1[Statement[0].Action]',
        'RAM-POL1[Statement[1].Action]',
        'RAM-POL1[Statement[1].Resource]',
      ]);
    });

    test('reports NotAction in an Allow statement', () => {
      const { stack } = policyStack({ Version: '1', Statement: [{ Effect: 'Allow', NotAction: ['ram:*'], Resource: ['acs:oss:*:*:reports/*'] }] });
      expect(findingsOf(stack, 'RAM-POL1').errors).toEqual([expect.stringMatching(/^RAM-POL1\[Statement\[0\]\.NotAction\]/)]);
    });

    test('reports wildcards in the deprecated statement blocks', () => {
      // GIVEN
      const stack = testStack();
      new RamPolicy(stack, 'Legacy', { policyName: 'legacy', statement: [{ effect: 'Allow', action: ['ecs:*'], resource: ['*'] }] });
      // WHEN / THEN
      expect(findingsOf(stack, 'RAM-POL1').errors.map((e) => e.split(':')[0])).toEqual(['RAM-POL1[statement[0].action]', 'RAM-POL1[statement[0].resource]']);
    });

    test('reports UNRESOLVED when the whole document is unknown until apply', () => {
      const { stack } = policyStack('${data.alicloud_ram_policy_document.p.document}');
      const found = findingsOf(stack, 'RAM-POL1');
      expect(found.errors).toEqual([]);
      expect(found.warnings).toEqual([expect.stringMatching(/^RAM-POL1: UNRESOLVED/)]);
    });

    test('is suppressed with a reason for the named finding only', () => {
      // GIVEN
      const { stack, policy } = policyStack({ Version: '1', Statement: [{ Effect: 'Allow', Action: ['ecs:DescribeRegions'], Resource: ['*'] }] });
      Suppressions.add(policy, [{ id: 'RAM-POL1', reason: 'DescribeRegions has no resource-level permission', appliesTo: ['Statement[0].Resource'] }]);
      // WHEN
      const found = findingsOf(stack, 'RAM-POL1');
      // THEN
      expect(found.errors).toEqual([]);
      expect(found.infos).toEqual(['RAM-POL1[Statement[0].Resource]: suppressed: DescribeRegions has no resource-level permission']);
    });
  });

  describe('RAM-IDP1', () => {
    test('is compliant with the recorded fingerprint', () => {
      const { stack } = seedStack();
      expect(findingsOf(stack, 'RAM-IDP1')).toEqual({ errors: [], warnings: [], infos: [] });
    });

    test('is compliant with 5 fingerprints', () => {
      const { stack, provider } = seedStack();
      // cdktf appends override arrays to the rendered one: 1 recorded + 4 more = 5
      provider.resource.addOverride('fingerprints', [2, 3, 4, 5].map(fingerprint));
      expect(findingsOf(stack, 'RAM-IDP1').errors).toEqual([]);
    });

    test('reports a provider without fingerprints', () => {
      const { stack, provider } = seedStack();
      provider.resource.addOverride('fingerprints', undefined);
      expect(findingsOf(stack, 'RAM-IDP1').errors).toEqual([expect.stringMatching(/^RAM-IDP1: The OIDC provider does not have between 1 and 5 TLS fingerprints/)]);
    });

    test('reports a provider with 6 fingerprints', () => {
      const { stack, provider } = seedStack();
      // cdktf appends override arrays to the rendered one: 1 recorded + 5 more = 6
      provider.resource.addOverride('fingerprints', [2, 3, 4, 5, 6].map(fingerprint));
      expect(findingsOf(stack, 'RAM-IDP1').errors).toHaveLength(1);
    });

    test('reports UNRESOLVED when the fingerprints are unknown until apply', () => {
      const { stack, provider } = seedStack();
      provider.resource.addOverride('fingerprints', '${var.fingerprints}');
      expect(findingsOf(stack, 'RAM-IDP1').warnings).toEqual([expect.stringMatching(/^RAM-IDP1: UNRESOLVED/)]);
    });

    test('is suppressed with a reason', () => {
      const { stack, provider } = seedStack();
      provider.resource.addOverride('fingerprints', undefined);
      Suppressions.add(provider, [{ id: 'RAM-IDP1', reason: REASON }]);
      const found = findingsOf(stack, 'RAM-IDP1');
      expect(found.errors).toEqual([]);
      expect(found.infos).toEqual([`RAM-IDP1: suppressed: ${REASON}`]);
    });
  });
});
