import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { probeAccessControl } from '../../access/systems/access-control-probe';
import { readAccessControlConfig } from '../../emulator';

const ISS = 'https://eiam-test.aliyunidaas.com/api/v2/iauths_system/oauth2';
const AUD = 'https://eiam-test.aliyunidaas.com';
const scopeCheck = (s: string) => `$scope = '${s}' or $scope like '${s} %' or $scope like '% ${s}' or $scope like '% ${s} %' or $scope like '%"${s}"%'`;

/** A fail-closed rule set: per-claim DENY checks, an explicit ALLOW, then an unconditional DENY. */
const FAIL_CLOSED = {
  parameters: { aud: 'Token:aud', clientId: 'Token:client_id', iss: 'Token:iss', method: 'Method', scope: 'Token:scope' },
  rules: [
    { name: 'checkIssuer', condition: `$iss = '${ISS}'`, ifFalse: 'DENY' },
    { name: 'allowM2m', condition: `$iss = '${ISS}' and ($aud = '${AUD}' or $aud like '%"${AUD}"%') and ($clientId = 'app_a' or $clientId = 'app_b') and (${scopeCheck('orders:read')}) and (${scopeCheck('orders:write')})`, ifTrue: 'ALLOW' },
    { name: 'denyOtherwise', condition: "$method like '%'", ifTrue: 'DENY', ifFalse: 'DENY' },
  ],
};

const probe = (script: object, tokenOptional = false) => probeAccessControl(readAccessControlConfig(parse(JSON.stringify(script)) as Record<string, unknown>), { method: 'GET', path: '/orders', tokenOptional });

describe('probeAccessControl', () => {
  test('finds clients, audience, issuer and every required scope of a fail-closed rule set', () => {
    expect(probe(FAIL_CLOSED)).toEqual({
      kind: 'evaluated',
      notes: [],
      callers: [
        { client: 'app_a', audiences: [AUD], scopesAllOf: ['orders:read', 'orders:write'], scopesAnyOf: [], claims: { iss: [ISS] } },
        { client: 'app_b', audiences: [AUD], scopesAllOf: ['orders:read', 'orders:write'], scopesAnyOf: [], claims: { iss: [ISS] } },
      ],
    });
  });

  test('finds nobody behind a deny-all baseline, even without a token', () => {
    const denyAll = { parameters: { method: 'Method' }, rules: [{ name: 'denyOtherwise', condition: "$method like '%'", ifTrue: 'DENY', ifFalse: 'DENY' }] };
    expect(probe(denyAll, true)).toEqual({ kind: 'evaluated', notes: [], callers: [] });
  });

  test('reports any client when the client check is gone, and one-of scopes', () => {
    const anyClient = {
      parameters: { scope: 'Token:scope' },
      rules: [{ name: 'checkScope', condition: `${scopeCheck('a')} or ${scopeCheck('b')}`, ifFalse: 'DENY' }],
    };
    expect(probe(anyClient)).toMatchObject({ callers: [{ client: '*', scopesAllOf: [], scopesAnyOf: ['a', 'b'] }] });
  });

  test('reads a rule outside the evaluated subset as skipped (the widest reading) and says so', () => {
    const odd = { parameters: { n: 'Token:n' }, rules: [{ name: 'r', condition: '$n > 3', ifFalse: 'DENY' }] };
    expect(probe(odd)).toMatchObject({
      kind: 'evaluated',
      callers: [{ client: '*' }],
      notes: [expect.stringMatching(/rule r cannot be evaluated .*read as skipped/)],
    });
  });
});
