import { describe, expect, test } from 'vitest';
import { AccessParameter, Condition, ExpressionError } from '../../../constructs';
import { HAS_AUDIENCE, WHOLE_SCOPE, oracle } from '../../support/condition-oracle';

const SCOPE = AccessParameter.tokenClaim('scope', 'scope');
const CLIENT = AccessParameter.tokenClaim('clientId', 'client_id');
const AUD = AccessParameter.tokenClaim('aud', 'aud');

describe('Condition', () => {
  describe('hasScope (whole-scope semantics)', () => {
    const condition = Condition.hasScope(SCOPE, 'user:read:one');
    // decided by the hand-written oracle for the rendered text, never by the project's evaluator
    const admits = (scope: string | undefined): boolean => oracle(condition.render(), scope === undefined ? {} : { scope });

    test('admits the exact scope', () => {
      expect(admits('user:read:one')).toBe(true);
    });

    test('admits the scope anywhere in a space-delimited string', () => {
      expect(admits('a user:read:one b')).toBe(true);
      expect(admits('user:read:one b')).toBe(true);
      expect(admits('a user:read:one')).toBe(true);
    });

    test('admits the scope as a member of an array claim rendered as JSON text', () => {
      expect(admits('["user:read:one"]')).toBe(true);
      expect(admits('["openid","user:read:one","profile"]')).toBe(true);
    });

    test('denies a scope that only contains the required one as a substring', () => {
      expect(admits('user:read:one-admin')).toBe(false);
      expect(admits('xuser:read:one')).toBe(false);
      expect(admits('a user:read:one-admin b')).toBe(false);
      expect(admits('["user:read:one-admin"]')).toBe(false);
      expect(admits('user:read:onex user:read')).toBe(false);
    });

    test('fails closed for absent claims and unknown array renderings', () => {
      expect(admits(undefined)).toBe(false);
      expect(admits('')).toBe(false);
      expect(admits('user:read:one,profile')).toBe(false);
    });

    test('where the seed\'s substring condition admits user:read:one-admin', () => {
      // The seed: $scope like '%user:read:one%'
      expect(oracle("$scope like '%user:read:one%'", { scope: 'user:read:one-admin' })).toBe(true);
      expect(admits('user:read:one-admin')).toBe(false);
    });

    test('renders a flat disjunction of = and like comparisons only', () => {
      expect(condition.render()).toBe(WHOLE_SCOPE);
      expect(condition.parameters().map((p) => p.name)).toEqual(['scope', 'scope', 'scope', 'scope', 'scope']);
    });
  });

  test('hasValue admits a string or JSON-array audience, not a look-alike', () => {
    const condition = Condition.hasValue(AUD, 'https://eiam-test.aliyunidaas.com');
    expect(condition.render()).toBe(HAS_AUDIENCE);
    expect(oracle(condition.render(), { aud: 'https://eiam-test.aliyunidaas.com' })).toBe(true);
    expect(oracle(condition.render(), { aud: '["x","https://eiam-test.aliyunidaas.com"]' })).toBe(true);
    expect(oracle(condition.render(), { aud: 'https://eiam-test.aliyunidaas.com.evil' })).toBe(false);
    expect(oracle(condition.render(), { aud: '["https://eiam-test.aliyunidaas.com.evil"]' })).toBe(false);
  });

  test('oneOf compares exactly', () => {
    const condition = Condition.oneOf(CLIENT, ['app_a', 'app_b']);
    expect(condition.render()).toBe("$clientId = 'app_a' or $clientId = 'app_b'");
    expect(oracle(condition.render(), { clientId: 'app_b' })).toBe(true);
    expect(oracle(condition.render(), { clientId: 'app_bb' })).toBe(false);
  });

  test('allOf parenthesises nested disjunctions', () => {
    const condition = Condition.allOf(Condition.oneOf(CLIENT, ['a1', 'b1']), Condition.equals(SCOPE, 'x1'));
    expect(condition.render()).toBe("($clientId = 'a1' or $clientId = 'b1') and $scope = 'x1'");
    expect(oracle(condition.render(), { clientId: 'b1', scope: 'x1' })).toBe(true);
    expect(oracle(condition.render(), { clientId: 'b1', scope: 'x2' })).toBe(false);
  });

  test('sameAs compares two parameters', () => {
    const path = AccessParameter.custom('pathUserId', 'Parameter', 'userId');
    const condition = Condition.sameAs(AccessParameter.tokenClaim('userId', 'sub'), path);
    expect(condition.render()).toBe('$userId = $pathUserId');
    expect(oracle(condition.render(), { userId: 'u1', pathUserId: 'u1' })).toBe(true);
    expect(oracle(condition.render(), { userId: 'u1' })).toBe(false);
  });

  test('startsWith, endsWith and contains render like patterns', () => {
    expect(Condition.startsWith(CLIENT, 'app-').render()).toBe("$clientId like 'app-%'");
    expect(Condition.endsWith(CLIENT, '-x').render()).toBe("$clientId like '%-x'");
    expect(Condition.contains(CLIENT, 'mid').render()).toBe("$clientId like '%mid%'");
  });

  test('fails when a value in a like pattern holds a wildcard ("%" or "_"), but compares it with = as-is', () => {
    expect(() => Condition.startsWith(CLIENT, 'app_')).toThrow(/must not contain "%" or "_" here: it is matched with a like pattern/);
    expect(() => Condition.endsWith(CLIENT, '%x')).toThrow(/must not contain "%" or "_"/);
    expect(() => Condition.hasScope(SCOPE, 'user_read')).toThrow(/must not contain "%" or "_"/);
    expect(Condition.equals(CLIENT, 'app_50%').render()).toBe("$clientId = 'app_50%'");
    expect(oracle(Condition.equals(CLIENT, 'app_50%').render(), { clientId: 'appX50Y' })).toBe(false);
    expect(Condition.hasValue(AUD, 'api_x').render()).toBe("$aud = 'api_x'");
  });

  test('isPresent holds for any value and fails for an absent one', () => {
    const method = AccessParameter.method('method');
    expect(Condition.isPresent(method).render()).toBe("$method like '%'");
    expect(oracle(Condition.isPresent(method).render(), { method: 'GET' })).toBe(true);
    expect(oracle(Condition.isPresent(method).render(), {})).toBe(false);
  });

  test('fails when a value could break out of the quoted string', () => {
    expect(() => Condition.equals(CLIENT, "app_x' or '1'='1")).toThrow(ExpressionError);
    expect(() => Condition.equals(CLIENT, "app_x' or '1'='1")).toThrow(/must not contain quotes/);
    expect(() => Condition.equals(CLIENT, 'a"b')).toThrow(/must not contain quotes/);
    expect(() => Condition.equals(CLIENT, 'a\\b')).toThrow(/backslashes/);
    expect(() => Condition.equals(CLIENT, 'a${x}')).toThrow(/"\$"/);
    expect(() => Condition.equals(CLIENT, 'a\nb')).toThrow(/control characters/);
    expect(() => Condition.hasScope(SCOPE, "user:read' or '")).toThrow(/must not contain quotes/);
    expect(() => Condition.contains(SCOPE, 'a%b')).toThrow(/"%"/);
  });

  test('fails when a scope is not a single token', () => {
    expect(() => Condition.hasScope(SCOPE, 'a b')).toThrow(/single non-empty token/);
    expect(() => Condition.hasScope(SCOPE, '')).toThrow(/non-empty/);
  });

  test('fails when a junction is empty', () => {
    expect(() => Condition.anyOf()).toThrow(/at least one/);
    expect(() => Condition.oneOf(CLIENT, [])).toThrow(/at least one/);
  });
});

describe('AccessParameter', () => {
  test('renders Location:name', () => {
    expect(AccessParameter.tokenClaim('clientId', 'client_id').location).toBe('Token:client_id');
    expect(AccessParameter.query('q1', 'action').location).toBe('Query:action');
    expect(AccessParameter.header('key', 'X-Ca-Key').location).toBe('Header:X-Ca-Key');
    expect(AccessParameter.system('appId', 'CaAppId').location).toBe('System:CaAppId');
    expect(AccessParameter.method('method').location).toBe('Method');
    expect(AccessParameter.requestPath('path').location).toBe('Path');
  });

  test('fails when the name does not match [a-zA-Z_][a-zA-Z0-9]+', () => {
    expect(() => AccessParameter.tokenClaim('client_id', 'client_id')).toThrow(/must match/);
    expect(() => AccessParameter.tokenClaim('x', 'client_id')).toThrow(/must match/);
    expect(() => AccessParameter.tokenClaim('1x', 'client_id')).toThrow(/must match/);
  });

  test('fails when the location could inject text', () => {
    expect(() => AccessParameter.tokenClaim('scope', 'scope"\n')).toThrow(/parameter location/);
  });
});
