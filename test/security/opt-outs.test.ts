/**
 * Every security opt-out of the library has one shape, `{ reason }`, refuses a missing or short
 * reason, and shows up as a finding of its own rule (suppressed, with the reason) instead of
 * passing silently.
 */
import type { TerraformStack } from 'cdktf';
import { describe, expect, test } from 'vitest';
import { AccessControlPlugin, Api, ApiProtocol, JwtAuthPlugin, recordOptOut, Suppressions } from '../../constructs';
import type { SecurityOptOut } from '../../constructs';
import { checkStack, testStack } from '../util';
import { seedFixture } from '../constructs/apigateway/helpers';
import { testProvider, testRole } from '../constructs/ram/helpers';

const REASON = 'Reviewed exception for this test (#11)';

interface OptOutCase {
  /** The prop path the error names. */
  readonly prop: string;
  /** The rule whose finding the opt-out accepts. */
  readonly ruleId: string;
  /** Builds the construct with the opt-out given. */
  readonly build: (stack: TerraformStack, optOut: SecurityOptOut) => void;
  /** The stack to build in. */
  readonly stack: () => TerraformStack;
}

const CASES: readonly OptOutCase[] = [
  {
    prop: 'bypassEmptyToken',
    ruleId: 'APIGW-JWT1',
    build: (stack, optOut) => {
      const { server } = fixtureOn(stack);
      new JwtAuthPlugin(stack, 'Jwt', { server, bypassEmptyToken: optOut });
    },
    stack: gatewayStack,
  },
  {
    prop: 'allowJtiReplay',
    ruleId: 'APIGW-JWT4',
    build: (stack, optOut) => {
      const { server } = fixtureOn(stack);
      new JwtAuthPlugin(stack, 'Jwt', { server, allowJtiReplay: optOut });
    },
    stack: gatewayStack,
  },
  {
    prop: 'm2m.skipAudienceCheck',
    ruleId: 'APIGW-ACL4',
    build: (stack, optOut) => {
      const { server, client } = fixtureOn(stack);
      new AccessControlPlugin(stack, 'Acl', { m2m: { server, allowedClients: [client], requiredScopes: ['user:read:one'], skipAudienceCheck: optOut } });
    },
    stack: gatewayStack,
  },
  {
    prop: 'allowPlainHttp',
    ruleId: 'APIGW-TLS1',
    build: (stack, optOut) => {
      const { group, backend } = fixtureOn(stack);
      new Api(stack, 'Plain', { group, backend, path: '/plain', protocol: ApiProtocol.HTTP_AND_HTTPS, allowPlainHttp: optOut });
    },
    stack: gatewayStack,
  },
  {
    prop: 'subjectPatterns',
    ruleId: 'RAM-OIDC4',
    build: (stack, optOut) => {
      testRole(stack, testProvider(stack), { allowedSubjects: undefined, subjectPatterns: { patterns: ['app_reporting_*'], ...optOut } });
    },
    stack: () => testStack(),
  },
  {
    prop: 'attachSystemPolicy.broadAccess',
    ruleId: 'RAM-POL2',
    build: (stack, optOut) => {
      testRole(stack, testProvider(stack)).attachSystemPolicy('AliyunOSSFullAccess', { broadAccess: optOut });
    },
    stack: () => testStack(),
  },
];

/** The seed's server, client, group and backend in `stack` (no API published). */
const fixtures = new WeakMap<TerraformStack, ReturnType<typeof seedFixture>>();
function fixtureOn(stack: TerraformStack): ReturnType<typeof seedFixture> {
  return fixtures.get(stack) as ReturnType<typeof seedFixture>;
}
function gatewayStack(): TerraformStack {
  const fixture = seedFixture({ api: { stages: [] } });
  fixtures.set(fixture.stack, fixture);
  return fixture.stack;
}

describe('security opt-outs', () => {
  test.each(CASES)('$prop needs a reason of at least 10 characters', ({ prop, build, stack }) => {
    // GIVEN / WHEN / THEN
    expect(() => build(stack(), { reason: 'because' })).toThrow(new RegExp(`'${prop.replace('.', '\\.')}\\.reason' must explain the opt-out in at least 10 characters, got "because"`));
    expect(() => build(stack(), {} as SecurityOptOut)).toThrow(/must explain the opt-out in at least 10 characters, got undefined/);
  });

  test.each(CASES)('$prop is reported as a suppressed $ruleId finding with its reason', ({ prop, ruleId, build, stack }) => {
    // GIVEN
    const target = stack();
    // WHEN
    build(target, { reason: REASON });
    // THEN
    const found = checkStack(target);
    const mine = (list: string[]) => list.filter((m) => m.startsWith(ruleId));
    expect(mine(found.errors)).toEqual([]);
    expect(mine(found.infos)).toEqual([expect.stringMatching(new RegExp(`^${ruleId}(\\[.+\\])?: suppressed: ([a-zA-Z0-9]+\\.)?${prop.split('.').pop()}: ${REASON.replace(/[()#]/g, '\\$&')}$`))]);
  });

  test('recordOptOut is the one helper other constructs use (e.g. a plaintext backend)', () => {
    // GIVEN
    const stack = testStack();
    // WHEN
    const reason = recordOptOut(stack, 'allowPlaintextBackend', { reason: `  ${REASON}  ` }, { target: stack, ruleId: 'OCI-EXAMPLE1' });
    // THEN
    expect(reason).toBe(REASON);
    expect(Suppressions.of(stack)).toEqual([{ id: 'OCI-EXAMPLE1', reason: `allowPlaintextBackend: ${REASON}` }]);
    expect(() => recordOptOut(stack, 'allowPlaintextBackend', 'yes' as never, { target: stack, ruleId: 'OCI-EXAMPLE1' }))
      .toThrow(/'allowPlaintextBackend' must be an opt-out object \{ reason \}, got "yes"/);
  });
});
