import { describe, expect, test } from 'vitest';
import { ConfigError, ENVIRONMENTS, validateEnvironments } from '../../config';
import type { EnvironmentConfig } from '../../config';
import { FIXTURE_DEV as DEV, FIXTURE_ENVIRONMENTS, FIXTURE_PROD as PROD } from '../fixtures/environments';

/** Validates one environment and returns the error message ('' when valid). */
function problemsOf(env: EnvironmentConfig): string {
  try {
    validateEnvironments([env]);
    return '';
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
}

describe('validateEnvironments', () => {
  test('accepts the fixture environments', () => {
    expect(() => validateEnvironments(FIXTURE_ENVIRONMENTS)).not.toThrow();
  });

  test('accepts the actual config/ (whatever it holds)', () => {
    expect(() => validateEnvironments(ENVIRONMENTS)).not.toThrow();
  });

  test('fails when a production environment keeps local state', () => {
    const env: EnvironmentConfig = { ...PROD, state: {} };
    expect(problemsOf(env)).toMatch(/environment 'prod', field 'state\.oss': is required in a production environment/);
  });

  test('a non-production environment may keep local state', () => {
    expect(problemsOf({ ...DEV, state: {} })).toBe('');
  });

  test('fails when the issuer is missing, naming environment and field', () => {
    const env = { ...PROD, m2mServer: { ...PROD.m2mServer, issuer: '' } };
    expect(problemsOf(env)).toMatch(/environment 'prod', field 'm2mServer.issuer': is missing/);
  });

  test('fails when the issuer is not https', () => {
    const env = { ...DEV, m2mServer: { ...DEV.m2mServer, issuer: 'http://idp.example.com' } };
    expect(problemsOf(env)).toMatch(/field 'm2mServer.issuer': must be an https URL/);
  });

  test('fails when an API requires a scope the server does not define', () => {
    const env = { ...DEV, gateway: { ...DEV.gateway, apis: [{ ...DEV.gateway.apis[0], requiredScopes: ['user:delete:all'] }] } };
    expect(problemsOf(env)).toMatch(/environment 'dev', field 'gateway.apis\[0\].requiredScopes\[0\]': is not a scope of the M2M server, got "user:delete:all"/);
  });

  test('fails when a client is granted a scope the server does not define', () => {
    const env = { ...DEV, clients: [{ ...DEV.clients[0], grantedScopes: ['admin'] }] };
    expect(problemsOf(env)).toMatch(/field 'clients\[0\].grantedScopes\[0\]': is not a scope/);
  });

  test('fails when two APIs share method and path', () => {
    const api = DEV.gateway.apis[0];
    const env = { ...DEV, gateway: { ...DEV.gateway, apis: [api, { ...api, name: 'hello_again' }] } };
    expect(problemsOf(env)).toMatch(/field 'gateway.apis\[1\].path': duplicates another API's method and path, got "GET \/hello"/);
  });

  test('fails when two APIs share a name', () => {
    const api = DEV.gateway.apis[0];
    const env = { ...DEV, gateway: { ...DEV.gateway, apis: [api, { ...api, path: '/other' }] } };
    expect(problemsOf(env)).toMatch(/field 'gateway.apis\[1\].name': is used by two APIs/);
  });

  test('refuses a plain preventJtiReplay: false in any environment, naming the opt-out', () => {
    for (const base of [DEV, PROD]) {
      const env = { ...base, gateway: { ...base.gateway, preventJtiReplay: false } };
      expect(problemsOf(env)).toMatch(new RegExp(`environment '${base.name}', field 'gateway\\.preventJtiReplay': must not be false: turning jti replay protection off is the reasoned opt-out gateway\\.allowJtiReplay\\. Remove it .*write gateway\\.allowJtiReplay: \\{ reason: `));
    }
  });

  test('accepts preventJtiReplay: true (the default)', () => {
    expect(problemsOf({ ...PROD, gateway: { ...PROD.gateway, preventJtiReplay: true } })).toBe('');
  });

  test('allows jti replay protection off outside production through gateway.allowJtiReplay with a reason', () => {
    const env = { ...DEV, gateway: { ...DEV.gateway, allowJtiReplay: { reason: 'Clients cache tokens until #77 ships' } } };
    expect(problemsOf(env)).toBe('');
  });

  test('refuses gateway.allowJtiReplay in production', () => {
    const env = { ...PROD, gateway: { ...PROD.gateway, allowJtiReplay: { reason: 'Clients cache tokens until #77 ships' } } };
    expect(problemsOf(env)).toMatch(/environment 'prod', field 'gateway\.allowJtiReplay': must not be set in a production environment: .* Remove it\./);
  });

  test('refuses gateway.allowJtiReplay without a real reason, naming the path and the fix', () => {
    const short = { ...DEV, gateway: { ...DEV.gateway, allowJtiReplay: { reason: ' tmp ' } } };
    expect(problemsOf(short)).toMatch(/field 'gateway\.allowJtiReplay\.reason': must explain the opt-out in at least 10 characters, got " tmp "\. Say why tokens may be replayed here \(e\.g\. a ticket\), or remove gateway\.allowJtiReplay/);
    const missing = { ...DEV, gateway: { ...DEV.gateway, allowJtiReplay: {} } } as unknown as EnvironmentConfig;
    expect(problemsOf(missing)).toMatch(/field 'gateway\.allowJtiReplay\.reason': is missing \(expected string\)/);
    const bare = { ...DEV, gateway: { ...DEV.gateway, allowJtiReplay: true } } as unknown as EnvironmentConfig;
    expect(problemsOf(bare)).toMatch(/field 'gateway\.allowJtiReplay': must be a object, got true/);
    const extra = { ...DEV, gateway: { ...DEV.gateway, allowJtiReplay: { reason: 'Clients cache tokens until #77 ships', ticket: 77 } } } as unknown as EnvironmentConfig;
    expect(problemsOf(extra)).toMatch(/field 'gateway\.allowJtiReplay\.ticket': is not a known field, so it would be ignored\. Known fields: reason\./);
  });

  test('refuses preventJtiReplay: true together with gateway.allowJtiReplay', () => {
    const env = { ...DEV, gateway: { ...DEV.gateway, preventJtiReplay: true, allowJtiReplay: { reason: 'Clients cache tokens until #77 ships' } } };
    expect(problemsOf(env)).toMatch(/field 'gateway\.preventJtiReplay': contradicts gateway\.allowJtiReplay\. Remove one of the two\./);
  });

  test('fails when an API allows a client that is not configured', () => {
    const env = { ...DEV, gateway: { ...DEV.gateway, apis: [{ ...DEV.gateway.apis[0], allowedClients: ['ghost'] }] } };
    expect(problemsOf(env)).toMatch(/field 'gateway.apis\[0\].allowedClients\[0\]': is not a configured client, got "ghost"/);
  });

  test('fails when an allowed client lacks a required scope', () => {
    const env = { ...DEV, gateway: { ...DEV.gateway, apis: [{ ...DEV.gateway.apis[1], allowedClients: ['reporting'] }] } };
    expect(problemsOf(env)).toMatch(/client "reporting" is not granted \["user:write:one"\]/);
  });

  test('fails when a path does not start with a slash', () => {
    const env = { ...DEV, gateway: { ...DEV.gateway, apis: [{ ...DEV.gateway.apis[0], path: 'hello' }] } };
    expect(problemsOf(env)).toMatch(/field 'gateway.apis\[0\].path': must start with "\/"/);
  });

  test('fails when a stage is unknown', () => {
    const env = { ...DEV, stages: ['PROD'] } as unknown as EnvironmentConfig;
    expect(problemsOf(env)).toMatch(/field 'stages\[0\]': is not a stage, got "PROD"/);
  });

  test('fails when a role has no subjects', () => {
    const env = { ...DEV, federation: { ...DEV.federation, roles: [{ ...DEV.federation.roles[0], subjects: [] }] } };
    expect(problemsOf(env)).toMatch(/field 'federation.roles\[0\].subjects': must list the exact token subjects/);
  });

  test('fails when the session duration is out of range, and accepts the bounds', () => {
    const role = DEV.federation.roles[0];
    const withDuration = (d: number) => ({ ...DEV, federation: { ...DEV.federation, roles: [{ ...role, maxSessionDurationSeconds: d }] } });
    expect(problemsOf(withDuration(3599))).toMatch(/maxSessionDurationSeconds': must be an integer from 3600 to 43200, got 3599/);
    expect(problemsOf(withDuration(43201))).toMatch(/got 43201/);
    expect(problemsOf(withDuration(3600))).toBe('');
    expect(problemsOf(withDuration(43200))).toBe('');
  });

  test('fails when OSS state lacks TableStore locking', () => {
    const env = { ...PROD, state: { oss: { ...PROD.state.oss!, tablestoreTable: '' } } };
    expect(problemsOf(env)).toMatch(/field 'state.oss.tablestoreTable': is missing/);
  });

  test('fails when an expected fingerprint is malformed', () => {
    const env = { ...DEV, m2mServer: { ...DEV.m2mServer, expectedFingerprints: ['AB:CD'] } };
    expect(problemsOf(env)).toMatch(/field 'm2mServer.expectedFingerprints\[0\]': must be a SHA-1 fingerprint/);
  });

  test('fails when two environments share a name', () => {
    expect(() => validateEnvironments([DEV, DEV])).toThrow(/field 'name': is used by two environments/);
  });

  test('lists every problem at once', () => {
    const env = { ...DEV, region: 'Hangzhou', accountId: '42' };
    const message = problemsOf(env);
    expect(message).toMatch(/2 problems/);
    expect(message).toMatch(/field 'region'/);
    expect(message).toMatch(/field 'accountId'/);
  });

  test('fails when an optional key is misspelled, naming the field path and the likely fix', () => {
    // GIVEN the typo the issue reports: the pin would silently not apply
    const env = { ...DEV, m2mServer: { ...DEV.m2mServer, expectedFingerprint: ['a'.repeat(40)] } } as unknown as EnvironmentConfig;
    // WHEN / THEN
    expect(problemsOf(env)).toMatch(/environment 'dev', field 'm2mServer\.expectedFingerprint': is not a known field, so it would be ignored\. Did you mean 'expectedFingerprints'\?/);
  });

  test('fails on unknown keys at any depth, with the array index in the path', () => {
    const api = { ...DEV.gateway.apis[1], stage: ['TEST'] };
    const env = { ...DEV, gateway: { ...DEV.gateway, apis: [DEV.gateway.apis[0], api] }, extra: true } as unknown as EnvironmentConfig;
    const message = problemsOf(env);
    expect(message).toMatch(/field 'gateway\.apis\[1\]\.stage': is not a known field.*Did you mean 'stages'\?/);
    expect(message).toMatch(/field 'extra': is not a known field/);
  });

  test('fails when a field has the wrong type, naming the value', () => {
    const env = { ...DEV, production: 'yes', gateway: { ...DEV.gateway, apis: 'hello' } } as unknown as EnvironmentConfig;
    const message = problemsOf(env);
    expect(message).toMatch(/field 'production': must be a boolean, got "yes"/);
    expect(message).toMatch(/field 'gateway\.apis': must be an array, got "hello"/);
  });

  test('fails when a required field is missing', () => {
    const { audience: _, ...server } = DEV.m2mServer;
    expect(problemsOf({ ...DEV, m2mServer: server } as unknown as EnvironmentConfig)).toMatch(/field 'm2mServer\.audience': is missing/);
  });

  test('fails when two environments in one account would define the same RAM OIDC provider or roles', () => {
    // GIVEN staging in dev's account, same issuer, new names
    const staging: EnvironmentConfig = { ...DEV, name: 'staging' };
    // WHEN
    let message = '';
    try { validateEnvironments([DEV, staging]); } catch (error) { message = (error as Error).message; }
    // THEN
    expect(message).toMatch(/environment 'staging', field 'federation\.providerName': OIDC provider name "m2m-fixture-dev" is also defined by environment 'dev' in the same account 1111111111111111/);
    expect(message).toMatch(/environment 'staging', field 'm2mServer\.issuer': OIDC provider issuer URL ".*" is also defined by environment 'dev'/);
    expect(message).toMatch(/environment 'staging', field 'federation\.roles\[0\]\.name': RAM role name "m2m-reporting-dev" is also defined/);
  });

  test('environments in different accounts may use the same issuer and names', () => {
    const staging: EnvironmentConfig = { ...DEV, name: 'staging', accountId: '3333333333333333' };
    expect(() => validateEnvironments([DEV, staging])).not.toThrow();
  });

  test('accepts credential settings: a profile, or a role in the environment\'s account', () => {
    expect(problemsOf({ ...DEV, credentials: { profile: 'dev-admin' } })).toBe('');
    expect(problemsOf({ ...DEV, credentials: { assumeRole: { roleArn: 'acs:ram::1111111111111111:role/terraform', sessionName: 'ci' } } })).toBe('');
    expect(problemsOf({ ...DEV, credentials: { assumeRoleWithOidc: { roleArn: 'acs:ram::1111111111111111:role/terraform', oidcProviderArn: 'acs:ram::1111111111111111:oidc-provider/github' } } })).toBe('');
  });

  test('fails when the role to assume is in another account than accountId', () => {
    const env: EnvironmentConfig = { ...DEV, credentials: { assumeRole: { roleArn: 'acs:ram::2222222222222222:role/terraform' } } };
    expect(problemsOf(env)).toMatch(/field 'credentials\.assumeRole\.roleArn': is a role in account 2222222222222222, but the environment deploys into accountId 1111111111111111/);
  });

  test('fails when credentials carry a secret or set several kinds', () => {
    const secret = { ...DEV, credentials: { accessKey: 'LTAI...', secretKey: 'x' } } as unknown as EnvironmentConfig;
    expect(problemsOf(secret)).toMatch(/field 'credentials\.accessKey': is not a known field/);
    const both: EnvironmentConfig = { ...DEV, credentials: { profile: 'p', assumeRole: { roleArn: 'acs:ram::1111111111111111:role/terraform' } } };
    expect(problemsOf(both)).toMatch(/field 'credentials': sets profile and assumeRole; set at most one/);
  });
});
