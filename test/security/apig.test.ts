import type { TerraformStack } from 'cdktf';
import type { IConstruct } from 'constructs';
import { describe, expect, test } from 'vitest';
import { ALL_RULES, APIG_RULES, ApigAuthorization, ApigJwtAuthentication, RuleLevel, Suppressions } from '../../constructs';
import type { ApigJwtAuthenticationProps } from '../../constructs';
import { ApigPolicy } from '../../.gen/providers/alicloud/apig-policy';
import { checkStack, TEST_ISSUER, TEST_JWK, testServer } from '../util';
import { ENVIRONMENT_ID, GATEWAY_ID, apigTestStack, testGateway } from '../constructs/apig/helpers';

const REASON = 'Reviewed exception for this test (#13)';

/** Messages of one rule, by level. */
function findingsOf(stack: TerraformStack, id: string): { errors: string[]; warnings: string[]; infos: string[] } {
  const all = checkStack(stack);
  const mine = (list: string[]) => list.filter((m) => m.startsWith(`${id}:`) || m.startsWith(`${id}[`));
  return { errors: mine(all.errors), warnings: mine(all.warnings), infos: mine(all.infos) };
}

/** A JWT authentication rule built with the construct. */
function withConstruct(props: Partial<Omit<ApigJwtAuthenticationProps, 'gateway' | 'server'>> = {}): { stack: TerraformStack; scope: IConstruct } {
  const stack = apigTestStack();
  const scope = new ApigJwtAuthentication(stack, 'Jwt', { gateway: testGateway(stack), server: testServer(stack), policyName: 'm2m-jwt', ...props });
  return { stack, scope };
}

/** A raw L1 JWTAuth policy with a hand-written config (what a user without the construct writes). */
function withRawConfig(config: Record<string, unknown>): { stack: TerraformStack; scope: IConstruct } {
  const stack = apigTestStack();
  const scope = new ApigPolicy(stack, 'Raw', {
    policyName: 'raw', policyClassName: 'JWTAuth', policyConfig: JSON.stringify(config),
    attachResourceType: 'Gateway', attachResourceIds: [GATEWAY_ID], gatewayId: GATEWAY_ID, environmentId: ENVIRONMENT_ID,
  });
  return { stack, scope };
}

const GOOD_RAW = {
  enable: true, type: 'JWT', issuer: TEST_ISSUER, jwks: JSON.stringify({ keys: [{ ...TEST_JWK, kid: 'k1' }] }),
  tokenPosition: 'HEADER', tokenName: 'Authorization', tokenNamePrefix: 'Bearer ', tokenPass: false, isWhite: true, authResourceList: [],
};

describe('APIG_RULES', () => {
  test('have stable, unique ids with info, explanation and level, and are part of ALL_RULES', () => {
    expect(APIG_RULES.map((r) => r.id)).toEqual(['APIG-JWT1', 'APIG-JWT2', 'APIG-JWT3', 'APIG-JWT4', 'APIG-JWT5', 'APIG-JWT6']);
    expect(APIG_RULES.map((r) => r.level)).toEqual([RuleLevel.ERROR, RuleLevel.WARNING, RuleLevel.ERROR, RuleLevel.ERROR, RuleLevel.WARNING, RuleLevel.INFO]);
    for (const rule of APIG_RULES) {
      expect(rule.info.length).toBeGreaterThan(10);
      expect(rule.explanation.length).toBeGreaterThan(10);
      expect(ALL_RULES).toContain(rule);
    }
  });

  test('report nothing for the construct defaults', () => {
    expect(checkStack(withConstruct().stack)).toEqual({ errors: [], warnings: [], infos: [] });
  });

  test('do not apply to other policy classes', () => {
    // GIVEN
    const stack = apigTestStack();
    new ApigPolicy(stack, 'Cors', { policyClassName: 'Cors', policyConfig: '{"enable":false}', attachResourceType: 'HttpApi', attachResourceIds: ['api-1'] });
    // WHEN / THEN
    expect(checkStack(stack)).toEqual({ errors: [], warnings: [], infos: [] });
  });

  test('report an unparseable policy_config instead of passing it', () => {
    // GIVEN
    const stack = apigTestStack();
    new ApigPolicy(stack, 'Broken', { policyClassName: 'JWTAuth', policyConfig: 'issuer: x', attachResourceType: 'Gateway', attachResourceIds: [GATEWAY_ID] });
    // WHEN / THEN
    expect(findingsOf(stack, 'APIG-JWT1').errors).toEqual([expect.stringMatching(/^APIG-JWT1\[policy_config:unparseable\]/)]);
  });
});

describe('APIG-JWT1 (issuer and keys)', () => {
  test('is compliant for the construct (issuer and JWKS from the lock) and for MSE-style PascalCase keys', () => {
    expect(findingsOf(withConstruct().stack, 'APIG-JWT1').errors).toEqual([]);
    const pascal = Object.fromEntries(Object.entries(GOOD_RAW).map(([k, v]) => [k[0].toUpperCase() + k.slice(1), v]));
    expect(findingsOf(withRawConfig(pascal).stack, 'APIG-JWT1').errors).toEqual([]);
  });

  test('fails when the issuer is missing or not https', () => {
    const { issuer: _omitted, ...noIssuer } = GOOD_RAW;
    expect(findingsOf(withRawConfig(noIssuer).stack, 'APIG-JWT1').errors).toEqual([expect.stringMatching(/^APIG-JWT1\[issuer\]: /)]);
    expect(findingsOf(withRawConfig({ ...GOOD_RAW, issuer: 'http://idp.example.com' }).stack, 'APIG-JWT1').errors).toEqual([expect.stringMatching(/^APIG-JWT1\[issuer\]/)]);
  });

  test('fails when the JWKS comes from a non-https URL, is empty or holds a private key', () => {
    expect(findingsOf(withRawConfig({ ...GOOD_RAW, jwks: 'http://idp.example.com/jwks' }).stack, 'APIG-JWT1').errors).toEqual([expect.stringMatching(/^APIG-JWT1\[jwks:not-https\]/)]);
    expect(findingsOf(withRawConfig({ ...GOOD_RAW, jwks: '{"keys":[]}' }).stack, 'APIG-JWT1').errors).toEqual([expect.stringMatching(/^APIG-JWT1\[jwks:empty\]/)]);
    expect(findingsOf(withRawConfig({ ...GOOD_RAW, jwks: { keys: [{ ...TEST_JWK, d: 'x' }] } }).stack, 'APIG-JWT1').errors).toEqual([expect.stringMatching(/^APIG-JWT1\[jwks:private-key\]/)]);
    expect(findingsOf(withRawConfig({ ...GOOD_RAW, jwks: 'https://idp.example.com/jwks' }).stack, 'APIG-JWT1').errors).toEqual([]);
  });

  test('is suppressed with a reason', () => {
    // GIVEN
    const { stack, scope } = withRawConfig({ ...GOOD_RAW, issuer: undefined });
    Suppressions.add(scope, [{ id: 'APIG-JWT1', reason: REASON }]);
    // WHEN
    const found = findingsOf(stack, 'APIG-JWT1');
    // THEN
    expect(found.errors).toEqual([]);
    expect(found.infos).toEqual([`APIG-JWT1[issuer]: suppressed: ${REASON}`]);
  });
});

describe('APIG-JWT2 (blacklist mode)', () => {
  test('is compliant in whitelist mode', () => {
    expect(findingsOf(withConstruct().stack, 'APIG-JWT2').warnings).toEqual([]);
  });

  test('warns in blacklist mode, and when the mode is absent (read as the less safe one)', () => {
    const blacklist = withConstruct({ authorization: ApigAuthorization.blacklist([{ domain: '*', path: '/admin/**' }]) });
    expect(findingsOf(blacklist.stack, 'APIG-JWT2')).toEqual({ errors: [], warnings: [expect.stringMatching(/^APIG-JWT2: .*blacklist mode/)], infos: [] });
    const { isWhite: _omitted, ...noMode } = GOOD_RAW;
    expect(findingsOf(withRawConfig({ ...noMode, authResourceList: [{ domain: '*', path: '/x' }] }).stack, 'APIG-JWT2').warnings).toHaveLength(1);
  });

  test('is suppressed with a reason', () => {
    const { stack, scope } = withConstruct({ authorization: ApigAuthorization.blacklist([{ domain: '*', path: '/admin/**' }]) });
    Suppressions.add(scope, [{ id: 'APIG-JWT2', reason: REASON }]);
    expect(findingsOf(stack, 'APIG-JWT2')).toEqual({ errors: [], warnings: [], infos: [`APIG-JWT2: suppressed: ${REASON}`] });
  });
});

describe('APIG-JWT3 (empty blacklist)', () => {
  test('is compliant for a blacklist with conditions', () => {
    expect(findingsOf(withConstruct({ authorization: ApigAuthorization.blacklist([{ domain: '*', path: '/admin/**' }]) }).stack, 'APIG-JWT3').errors).toEqual([]);
  });

  test('fails for a blacklist without conditions', () => {
    expect(findingsOf(withConstruct({ authorization: ApigAuthorization.blacklist([]) }).stack, 'APIG-JWT3').errors)
      .toEqual([expect.stringMatching(/^APIG-JWT3: .*authenticates nothing/)]);
  });

  test('is suppressed with a reason', () => {
    const { stack, scope } = withConstruct({ authorization: ApigAuthorization.blacklist([]) });
    Suppressions.add(scope, [{ id: 'APIG-JWT3', reason: REASON }]);
    expect(findingsOf(stack, 'APIG-JWT3')).toEqual({ errors: [], warnings: [], infos: [`APIG-JWT3: suppressed: ${REASON}`] });
  });
});

describe('APIG-JWT4 (whitelisted catch-all path)', () => {
  test('is compliant for narrow exemptions, and for catch-alls in blacklist mode', () => {
    expect(findingsOf(withConstruct({ authorization: ApigAuthorization.whitelist([{ domain: '*', path: '/health' }, { domain: '*', path: '/public/**' }]) }).stack, 'APIG-JWT4').errors).toEqual([]);
    expect(findingsOf(withConstruct({ authorization: ApigAuthorization.blacklist([{ domain: '*', path: '/**' }]) }).stack, 'APIG-JWT4').errors).toEqual([]);
  });

  test.each(['/', '/*', '/**'])('fails for a whitelist entry %s, on any host and on one host', (path) => {
    // GIVEN
    const { stack } = withConstruct({ authorization: ApigAuthorization.whitelist([{ domain: '*', path: '/health' }, { domain: '*', path }, { domain: 'api.example.com', path }]) });
    // WHEN
    const errors = findingsOf(stack, 'APIG-JWT4').errors;
    // THEN
    expect(errors).toEqual([
      expect.stringMatching(new RegExp(`^APIG-JWT4\\[authResourceList\\[1\\]:\\*${path.replace(/\*/g, '\\*')}\\]: `)),
      expect.stringMatching(/^APIG-JWT4\[authResourceList\[2\]:api\.example\.com/),
    ]);
  });

  test('is suppressed per entry with a reason', () => {
    const { stack, scope } = withConstruct({ authorization: ApigAuthorization.whitelist([{ domain: 'status.example.com', path: '/**' }]) });
    Suppressions.add(scope, [{ id: 'APIG-JWT4', reason: REASON, appliesTo: ['authResourceList[0]:status.example.com/**'] }]);
    expect(findingsOf(stack, 'APIG-JWT4')).toEqual({ errors: [], warnings: [], infos: [`APIG-JWT4[authResourceList[0]:status.example.com/**]: suppressed: ${REASON}`] });
  });
});

describe('APIG-JWT5 (disabled)', () => {
  test('is compliant when enabled', () => {
    expect(findingsOf(withConstruct({ enabled: true }).stack, 'APIG-JWT5').warnings).toEqual([]);
  });

  test('warns when disabled', () => {
    expect(findingsOf(withConstruct({ enabled: false }).stack, 'APIG-JWT5').warnings).toEqual([expect.stringMatching(/^APIG-JWT5: .*disabled/)]);
  });

  test('is suppressed with a reason', () => {
    const { stack, scope } = withConstruct({ enabled: false });
    Suppressions.add(scope, [{ id: 'APIG-JWT5', reason: REASON }]);
    expect(findingsOf(stack, 'APIG-JWT5')).toEqual({ errors: [], warnings: [], infos: [`APIG-JWT5: suppressed: ${REASON}`] });
  });
});

describe('APIG-JWT6 (token passthrough, informational)', () => {
  test('is compliant without passthrough', () => {
    expect(findingsOf(withConstruct().stack, 'APIG-JWT6')).toEqual({ errors: [], warnings: [], infos: [] });
  });

  test('reports passthrough as info, never as an error or warning', () => {
    expect(findingsOf(withConstruct({ passThroughToken: true }).stack, 'APIG-JWT6'))
      .toEqual({ errors: [], warnings: [], infos: [expect.stringMatching(/^APIG-JWT6: .*passes the token through/)] });
  });

  test('is suppressed with a reason', () => {
    const { stack, scope } = withConstruct({ passThroughToken: true });
    Suppressions.add(scope, [{ id: 'APIG-JWT6', reason: REASON }]);
    expect(findingsOf(stack, 'APIG-JWT6')).toEqual({ errors: [], warnings: [], infos: [`APIG-JWT6: suppressed: ${REASON}`] });
  });
});
