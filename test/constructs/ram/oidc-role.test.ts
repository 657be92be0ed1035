import { TerraformOutput, TerraformVariable, Testing } from 'cdktf';
import { describe, expect, test } from 'vitest';
import { OidcProvider, OidcRole, PolicyDocument } from '../../../constructs';
import { validateTerraformStack } from '../../../validation';
import { checkStack, resourcesOfType, SEED_CLIENT_ID, synthJson, TEST_AUDIENCE, TEST_ISSUER, testServer, testStack } from '../../util';
import { addressOf, onlyResource, RECORDED_FINGERPRINT, testProvider, testRole } from './helpers';

const ROLE = 'alicloud_ram_role';
const ATTACHMENT = 'alicloud_ram_role_policy_attachment';

function trustOf(synth: ReturnType<typeof synthJson>): any {
  return JSON.parse(onlyResource(synth, ROLE).assume_role_policy_document);
}

describe('OidcRole', () => {
  test('reproduces seed 003 end to end: IdP from the M2M issuer, role trusting iss/aud/sub, a permission attached', () => {
    // GIVEN: the IDaaS M2M server and its client (seed: "Create an OIDC IdP")
    const stack = testStack();
    const server = testServer(stack);
    const client = server.addClient('Reporting', { clientId: SEED_CLIENT_ID, grantedScopes: ['user:read:one'] });
    const provider = OidcProvider.forM2mServer(stack, 'IdaasProvider', server, { oidcProviderName: 'idaas-m2m', description: 'IDaaS M2M' });
    // WHEN: "Create an OIDC IdP role" with a sub condition, then "Grant permissions to the role"
    const role = new OidcRole(stack, 'ReportingRole', {
      provider,
      allowedSubjects: [client.clientId],
      roleName: 'reporting-m2m',
      description: 'Assumed by the reporting M2M client',
    });
    role.attachSystemPolicy('AliyunOSSReadOnlyAccess');
    new TerraformOutput(stack, 'OidcProviderArn', { value: provider.oidcProviderArn });
    new TerraformOutput(stack, 'RoleArn', { value: role.roleArn });
    const synth = synthJson(stack);

    // THEN: the IdP
    const idp = onlyResource(synth, 'alicloud_ims_oidc_provider');
    expect(idp).toEqual({
      oidc_provider_name: 'idaas-m2m',
      issuer_url: TEST_ISSUER,
      client_ids: [TEST_AUDIENCE],
      fingerprints: [RECORDED_FINGERPRINT],
      issuance_limit_time: 12,
      description: 'IDaaS M2M',
    });
    const idpAddress = addressOf(synth, 'alicloud_ims_oidc_provider');
    // THEN: the role and its trust policy, in the seed's shape
    const ramRole = onlyResource(synth, ROLE);
    expect(ramRole.role_name).toBe('reporting-m2m');
    expect(ramRole.max_session_duration).toBe(3600);
    expect(ramRole.description).toBe('Assumed by the reporting M2M client');
    expect(JSON.parse(ramRole.assume_role_policy_document)).toEqual({
      Version: '1',
      Statement: [{
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Federated: [`\${${idpAddress}.arn}`] },
        Condition: {
          StringEquals: {
            'oidc:iss': [TEST_ISSUER],
            'oidc:aud': [TEST_AUDIENCE],
            'oidc:sub': [SEED_CLIENT_ID],
          },
        },
      }],
    });
    // THEN: the permission, attached to the created role
    const roleAddress = addressOf(synth, ROLE);
    expect(onlyResource(synth, ATTACHMENT)).toEqual({
      policy_name: 'AliyunOSSReadOnlyAccess',
      policy_type: 'System',
      role_name: `\${${roleAddress}.role_name}`,
    });
    // THEN: what callers of AssumeRoleWithOIDC need
    expect(synth.output?.OidcProviderArn.value).toBe(`\${${idpAddress}.arn}`);
    expect(synth.output?.RoleArn.value).toBe(`\${${roleAddress}.arn}`);
    // THEN: no security findings, and the stack is valid against the pinned provider schema
    const checked = checkStack(stack);
    expect(checked.errors).toEqual([]);
    expect(checked.warnings).toEqual([]);
    expect(validateTerraformStack(stack).map(String)).toEqual([]);
  });

  test('renders the trust policy with stable key order and sorted, de-duplicated values', () => {
    // GIVEN
    const stack = testStack();
    const provider = testProvider(stack);
    // WHEN
    const role = testRole(stack, provider, { allowedSubjects: ['app_b', 'app_a', 'app_b'] });
    // THEN
    expect(role.assumeRolePolicyDocument).toMatch(
      /^\{"Version":"1","Statement":\[\{"Action":"sts:AssumeRole","Condition":\{"StringEquals":\{"oidc:aud":\["https:\/\/eiam-test\.aliyunidaas\.com"\],"oidc:iss":\["https:\/\/eiam-test\.aliyunidaas\.com\/api\/v2\/iauths_system\/oauth2"\],"oidc:sub":\["app_a","app_b"\]\}\},"Effect":"Allow","Principal":\{"Federated":\["\$\{TfToken\[TOKEN\.\d+\]\}"\]\}\}\]\}$/,
    );
  });

  test('synthesizes identical JSON for identical input', () => {
    // GIVEN
    const build = () => {
      const stack = testStack();
      testRole(stack, testProvider(stack), { allowedSubjects: ['app_b', 'app_a'] });
      return Testing.synth(stack);
    };
    // WHEN / THEN
    expect(build()).toBe(build());
  });

  test('renders the default maximum session duration of 3600 seconds', () => {
    // GIVEN
    const stack = testStack();
    // WHEN
    testRole(stack, testProvider(stack));
    // THEN
    expect(onlyResource(synthJson(stack), ROLE).max_session_duration).toBe(3600);
  });

  test.each([3600, 43200])('accepts a maximum session duration of %d seconds', (seconds) => {
    const stack = testStack();
    testRole(stack, testProvider(stack), { maxSessionDurationSeconds: seconds });
    expect(onlyResource(synthJson(stack), ROLE).max_session_duration).toBe(seconds);
  });

  test.each([3599, 43201, 3600.5])('fails when maxSessionDurationSeconds is %d', (seconds) => {
    const stack = testStack();
    const provider = testProvider(stack);
    expect(() => testRole(stack, provider, { maxSessionDurationSeconds: seconds }))
      .toThrow(/'maxSessionDurationSeconds' must be a whole number of seconds between 3600 and 43200/);
  });

  test('accepts a 64-character role name', () => {
    const stack = testStack();
    const name = `r.${'a'.repeat(61)}-`;
    testRole(stack, testProvider(stack), { roleName: name });
    expect(onlyResource(synthJson(stack), ROLE).role_name).toBe(name);
  });

  test.each([
    ['too long', 'a'.repeat(65)],
    ['with an underscore', 'reporting_m2m'],
    ['empty', ''],
  ])('fails when the role name is %s', (_, name) => {
    const stack = testStack();
    const provider = testProvider(stack);
    expect(() => testRole(stack, provider, { roleName: name })).toThrow(/'roleName' must be a valid RAM role name/);
  });

  test('generates a valid role name from the construct path when none is given', () => {
    // GIVEN
    const stack = testStack();
    // WHEN
    new OidcRole(stack, 'ReportingRole', { provider: testProvider(stack), allowedSubjects: [SEED_CLIENT_ID] });
    // THEN
    expect(onlyResource(synthJson(stack), ROLE).role_name).toMatch(/^test-ReportingRole-[0-9A-F]{8}$/);
  });

  test('fails when allowedSubjects is empty', () => {
    const stack = testStack();
    const provider = testProvider(stack);
    expect(() => new OidcRole(stack, 'CiRole', { provider, allowedSubjects: [] })).toThrow(/'allowedSubjects' must not be empty/);
  });

  test('fails when neither allowedSubjects nor subjectPatterns is given', () => {
    const stack = testStack();
    const provider = testProvider(stack);
    expect(() => new OidcRole(stack, 'CiRole', { provider })).toThrow(/'allowedSubjects' must not be empty/);
  });

  test('fails when an exact subject contains a wildcard', () => {
    const stack = testStack();
    const provider = testProvider(stack);
    expect(() => testRole(stack, provider, { allowedSubjects: ['app_*'] })).toThrow(/'allowedSubjects\[0\]' must not contain "\*"/);
  });

  test('matches subject patterns with StringLike when opted in with a reason, still pinning iss with StringEquals', () => {
    // GIVEN
    const stack = testStack();
    const provider = testProvider(stack);
    // WHEN
    testRole(stack, provider, {
      allowedSubjects: undefined,
      subjectPatterns: { patterns: ['app_reporting_*'], reason: 'Clients are rotated daily by the batch platform (#123)' },
    });
    const synth = synthJson(stack);
    // THEN
    expect(trustOf(synth).Statement[0].Condition).toEqual({
      StringEquals: { 'oidc:aud': [TEST_AUDIENCE], 'oidc:iss': [TEST_ISSUER] },
      StringLike: { 'oidc:sub': ['app_reporting_*'] },
    });
    const checked = checkStack(stack);
    expect(checked.warnings).toEqual([]);
    expect(checked.infos).toEqual([expect.stringMatching(/^RAM-OIDC4\[Statement\[0\]\]: suppressed: subjectPatterns: Clients are rotated daily/)]);
  });

  test('fails when the subject patterns have no reason', () => {
    const stack = testStack();
    const provider = testProvider(stack);
    expect(() => testRole(stack, provider, { allowedSubjects: undefined, subjectPatterns: { patterns: ['app_*'], reason: 'because' } }))
      .toThrow(/'subjectPatterns.reason' must explain the opt-out in at least 10 characters/);
  });

  test('fails when a subject pattern matches every subject', () => {
    const stack = testStack();
    const provider = testProvider(stack);
    expect(() => testRole(stack, provider, { allowedSubjects: undefined, subjectPatterns: { patterns: ['*'], reason: 'Any client of the tenant (#77)' } }))
      .toThrow(/'subjectPatterns.patterns\[0\]' matches every subject/);
  });

  test('fails when the subject patterns are empty', () => {
    const stack = testStack();
    const provider = testProvider(stack);
    expect(() => testRole(stack, provider, { allowedSubjects: undefined, subjectPatterns: { patterns: [], reason: 'Any client of the tenant (#77)' } }))
      .toThrow(/'subjectPatterns.patterns' must not be empty/);
  });

  test('fails when exact subjects and subject patterns are combined', () => {
    const stack = testStack();
    const provider = testProvider(stack);
    expect(() => testRole(stack, provider, { subjectPatterns: { patterns: ['app_*'], reason: 'Any client of the tenant (#77)' } }))
      .toThrow(/'subjectPatterns' must not be combined with allowedSubjects/);
  });

  test('defaults the audience to the provider\'s only client id', () => {
    // GIVEN
    const stack = testStack();
    // WHEN
    const role = testRole(stack, testProvider(stack));
    // THEN
    expect(role.allowedAudiences).toEqual([TEST_AUDIENCE]);
    expect(trustOf(synthJson(stack)).Statement[0].Condition.StringEquals['oidc:aud']).toEqual([TEST_AUDIENCE]);
  });

  test('renders the chosen audiences of a provider with several client ids', () => {
    // GIVEN
    const stack = testStack();
    const provider = new OidcProvider(stack, 'Idp', { issuerUrl: TEST_ISSUER, clientIds: ['app_c', 'app_b', 'app_a'] });
    // WHEN
    testRole(stack, provider, { allowedAudiences: ['app_c', 'app_a'] });
    // THEN
    expect(trustOf(synthJson(stack)).Statement[0].Condition.StringEquals['oidc:aud']).toEqual(['app_a', 'app_c']);
  });

  test('fails when the provider has several client ids and allowedAudiences is not given', () => {
    const stack = testStack();
    const provider = new OidcProvider(stack, 'Idp', { issuerUrl: TEST_ISSUER, clientIds: ['app_a', 'app_b'] });
    expect(() => testRole(stack, provider)).toThrow(/'allowedAudiences' must be given when the provider registers several client ids/);
  });

  test('fails when an audience is not registered on the provider', () => {
    const stack = testStack();
    const provider = testProvider(stack);
    expect(() => testRole(stack, provider, { allowedAudiences: ['https://other.example.com'] }))
      .toThrow(/'allowedAudiences\[0\]' is not a client id registered on the OIDC provider test\/IdaasProvider/);
  });

  test('fails when allowedAudiences is empty', () => {
    const stack = testStack();
    const provider = testProvider(stack);
    expect(() => testRole(stack, provider, { allowedAudiences: [] })).toThrow(/'allowedAudiences' must not be empty/);
  });

  test('trusts an imported provider by its literal ARN and issuer', () => {
    // GIVEN
    const stack = testStack();
    const provider = OidcProvider.fromOidcProviderArn(stack, 'Imported', 'acs:ram::1234567890123456:oidc-provider/idaas-m2m', {
      issuerUrl: TEST_ISSUER, clientIds: [TEST_AUDIENCE],
    });
    // WHEN
    new OidcRole(stack, 'ReportingRole', { provider, allowedSubjects: [SEED_CLIENT_ID], roleName: 'reporting-m2m' });
    // THEN
    const statement = trustOf(synthJson(stack)).Statement[0];
    expect(statement.Principal).toEqual({ Federated: ['acs:ram::1234567890123456:oidc-provider/idaas-m2m'] });
    expect(statement.Condition.StringEquals['oidc:iss']).toEqual([TEST_ISSUER]);
  });

  test('fails when the description is longer than 1024 characters', () => {
    const stack = testStack();
    const provider = testProvider(stack);
    expect(() => testRole(stack, provider, { description: 'x'.repeat(1025) })).toThrow(/'description' must be 1 to 1024 characters/);
  });

  test('attaches a system policy once, referencing the created role', () => {
    // GIVEN
    const stack = testStack();
    const role = testRole(stack, testProvider(stack));
    // WHEN
    const first = role.attachSystemPolicy('AliyunOSSReadOnlyAccess');
    const second = role.attachSystemPolicy('AliyunOSSReadOnlyAccess');
    // THEN
    expect(second).toBe(first);
    const synth = synthJson(stack);
    expect(resourcesOfType(synth, ATTACHMENT)).toEqual([
      { policy_name: 'AliyunOSSReadOnlyAccess', policy_type: 'System', role_name: `\${${addressOf(synth, ROLE)}.role_name}` },
    ]);
  });

  test('fails when a system policy name is invalid', () => {
    const stack = testStack();
    const role = testRole(stack, testProvider(stack));
    expect(() => role.attachSystemPolicy('Aliyun OSS')).toThrow(/'attachSystemPolicy.policyName' must be a valid RAM policy name/);
  });

  test.each(['AdministratorAccess', 'AliyunOSSFullAccess'])('fails when attaching the broad system policy %s without a reason', (name) => {
    const stack = testStack();
    const role = testRole(stack, testProvider(stack));
    expect(() => role.attachSystemPolicy(name)).toThrow(/'attachSystemPolicy.broadAccess' is required for .*, which grants every action of a service/);
    expect(() => role.attachSystemPolicy(name, { broadAccess: { reason: 'needed' } })).toThrow(/'attachSystemPolicy.broadAccess.reason' must explain the opt-out in at least 10 characters, got "needed"/);
  });

  test('attaches a broad system policy with a reason', () => {
    // GIVEN
    const stack = testStack();
    const role = testRole(stack, testProvider(stack));
    // WHEN
    role.attachSystemPolicy('AliyunOSSFullAccess', { broadAccess: { reason: 'Migration job, removed after cutover (#88)' } });
    // THEN
    expect(onlyResource(synthJson(stack), ATTACHMENT).policy_name).toBe('AliyunOSSFullAccess');
    expect(checkStack(stack).infos).toEqual(['RAM-POL2: suppressed: broadAccess: Migration job, removed after cutover (#88)']);
  });

  test('adds a custom policy and attaches it to the role', () => {
    // GIVEN
    const stack = testStack();
    const role = testRole(stack, testProvider(stack));
    // WHEN
    role.addCustomPolicy('ReadReports', {
      policyName: 'read-reports',
      description: 'Read the reports bucket',
      document: new PolicyDocument({ statements: [{ actions: ['oss:GetObject'], resources: ['acs:oss:*:*:reports/*'] }] }),
    });
    const synth = synthJson(stack);
    // THEN
    const policy = onlyResource(synth, 'alicloud_ram_policy');
    expect(policy.policy_name).toBe('read-reports');
    expect(policy.description).toBe('Read the reports bucket');
    expect(JSON.parse(policy.policy_document)).toEqual({
      Version: '1',
      Statement: [{ Action: ['oss:GetObject'], Effect: 'Allow', Resource: ['acs:oss:*:*:reports/*'] }],
    });
    expect(onlyResource(synth, ATTACHMENT)).toEqual({
      policy_name: `\${${addressOf(synth, 'alicloud_ram_policy')}.policy_name}`,
      policy_type: 'Custom',
      role_name: `\${${addressOf(synth, ROLE)}.role_name}`,
    });
  });

  test('grants OSS read and write through one default policy, without duplicates', () => {
    // GIVEN
    const stack = testStack();
    const role = testRole(stack, testProvider(stack));
    // WHEN
    role.grantOssRead('reports-bucket');
    role.grantOssRead('reports-bucket');
    role.grantOssWrite('uploads-bucket');
    const synth = synthJson(stack);
    // THEN
    expect(JSON.parse(onlyResource(synth, 'alicloud_ram_policy').policy_document)).toEqual({
      Version: '1',
      Statement: [
        { Action: ['oss:ListObjects'], Effect: 'Allow', Resource: ['acs:oss:*:*:reports-bucket'] },
        { Action: ['oss:GetObject'], Effect: 'Allow', Resource: ['acs:oss:*:*:reports-bucket/*'] },
        { Action: ['oss:PutObject'], Effect: 'Allow', Resource: ['acs:oss:*:*:uploads-bucket/*'] },
      ],
    });
    expect(onlyResource(synth, ATTACHMENT).policy_type).toBe('Custom');
  });

  test('grants OSS read on a bucket name known only at apply', () => {
    // GIVEN
    const stack = testStack();
    const role = testRole(stack, testProvider(stack));
    const bucket = new TerraformVariable(stack, 'reports_bucket', { type: 'string' });
    // WHEN
    role.grantOssRead(bucket.stringValue);
    const synth = synthJson(stack);
    // THEN
    expect(JSON.parse(onlyResource(synth, 'alicloud_ram_policy').policy_document).Statement.map((s: any) => s.Resource)).toEqual([
      ['acs:oss:*:*:${var.reports_bucket}'],
      ['acs:oss:*:*:${var.reports_bucket}/*'],
    ]);
  });

  test.each(['Reports', 'acs:oss:*:*:reports', 'ab'])('fails when granting OSS read on the bucket name %s', (bucket) => {
    const stack = testStack();
    const role = testRole(stack, testProvider(stack));
    expect(() => role.grantOssRead(bucket)).toThrow(/'grantOssRead.bucketName' must be an OSS bucket name/);
  });

  test('imports a role by ARN and attaches policies to it by name', () => {
    // GIVEN
    const stack = testStack();
    // WHEN
    const role = OidcRole.fromRoleArn(stack, 'Existing', 'acs:ram::1234567890123456:role/legacy-m2m');
    role.attachSystemPolicy('AliyunOSSReadOnlyAccess');
    // THEN
    expect(role.roleName).toBe('legacy-m2m');
    expect(onlyResource(synthJson(stack), ATTACHMENT).role_name).toBe('legacy-m2m');
  });

  test('imports a role by name and account id', () => {
    const stack = testStack();
    const role = OidcRole.fromRoleName(stack, 'Existing', 'legacy-m2m', '1234567890123456');
    expect(role.roleArn).toBe('acs:ram::1234567890123456:role/legacy-m2m');
  });

  test.each(['acs:ram::1234567890123456:user/legacy', 'legacy-m2m', 'acs:ram::abc:role/legacy'])('fails when importing the malformed role ARN %s', (arn) => {
    const stack = testStack();
    expect(() => OidcRole.fromRoleArn(stack, 'Existing', arn)).toThrow(/'roleArn' must be a RAM role ARN/);
  });
});
