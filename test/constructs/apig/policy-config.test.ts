import { describe, expect, test } from 'vitest';
import { isCatchAllPath, matchesAuthResource, readJwtAuthPolicyConfig, renderJwtAuthPolicyConfig } from '../../../constructs';
import type { ApigJwtAuthSettings } from '../../../constructs';

const SETTINGS: ApigJwtAuthSettings = {
  enabled: true,
  issuer: 'https://idp.example.com/oauth2',
  jwks: { keys: [{ kty: 'RSA', kid: 'k1', n: 'abc', e: 'AQAB' }] },
  tokenPosition: 'HEADER',
  tokenName: 'Authorization',
  tokenNamePrefix: 'Bearer ',
  tokenPass: false,
  whitelist: true,
  resources: [{ path: '/health', domain: '*' }],
};

describe('renderJwtAuthPolicyConfig', () => {
  test('renders every key, sorted at every depth, without whitespace, and omits sub when unset', () => {
    expect(renderJwtAuthPolicyConfig(SETTINGS)).toBe(
      '{"authResourceList":[{"domain":"*","path":"/health"}],"enable":true,"isWhite":true,"issuer":"https://idp.example.com/oauth2",'
      + '"jwks":"{\\"keys\\":[{\\"e\\":\\"AQAB\\",\\"kid\\":\\"k1\\",\\"kty\\":\\"RSA\\",\\"n\\":\\"abc\\"}]}",'
      + '"tokenName":"Authorization","tokenNamePrefix":"Bearer ","tokenPass":false,"tokenPosition":"HEADER","type":"JWT"}',
    );
  });

  test('renders renamed keys in canonical order', () => {
    const text = renderJwtAuthPolicyConfig({ ...SETTINGS, subject: 'app_1' }, { sub: 'Sub', domain: 'host' });
    expect(text).toMatch(/^\{"Sub":"app_1","authResourceList":\[\{"host":"\*","path":"\/health"\}\]/);
  });
});

describe('readJwtAuthPolicyConfig', () => {
  test('reads back what the renderer writes', () => {
    expect(readJwtAuthPolicyConfig(renderJwtAuthPolicyConfig({ ...SETTINGS, subject: 'app_1' }))).toEqual({
      enable: true, type: 'JWT', issuer: SETTINGS.issuer, sub: 'app_1', jwks: { keys: [{ e: 'AQAB', kid: 'k1', kty: 'RSA', n: 'abc' }] },
      tokenPosition: 'HEADER', tokenName: 'Authorization', tokenNamePrefix: 'Bearer ', tokenPass: false, isWhite: true,
      authResourceList: [{ domain: '*', path: '/health' }], problems: [],
    });
  });

  test('matches keys case-insensitively (MSE PascalCase) and reads a JWKS object or URL', () => {
    const parsed = readJwtAuthPolicyConfig(JSON.stringify({ Issuer: 'https://i', IsWhite: false, Jwks: { keys: [{ kty: 'EC' }] }, AuthResourceList: [{ Domain: 'a.example.com', Path: '/x' }] }));
    expect(parsed).toMatchObject({ issuer: 'https://i', isWhite: false, jwks: { keys: [{ kty: 'EC' }] }, authResourceList: [{ domain: 'a.example.com', path: '/x' }] });
    expect(readJwtAuthPolicyConfig('{"jwks":"https://i/jwks"}')).toMatchObject({ jwks: { uri: 'https://i/jwks' } });
  });

  test('reports values of the wrong type and text that is not a JSON object', () => {
    expect(readJwtAuthPolicyConfig('{"enable":"yes","jwks":"nope"}')).toMatchObject({ enable: undefined, problems: ['enable is not a boolean: "yes"'], jwks: { problem: expect.stringMatching(/neither a URL nor a JSON Web Key Set/) } });
    expect(readJwtAuthPolicyConfig('[1]')).toBe('policy_config is not a JSON object');
    expect(readJwtAuthPolicyConfig('enable: true')).toMatch(/^policy_config is not JSON/);
  });
});

describe('matchesAuthResource', () => {
  test.each([
    [{ domain: '*', path: '/health' }, 'any.example.com:443', '/health', true],
    [{ domain: '*', path: '/health' }, 'a.example.com', '/health/x', false],
    [{ domain: 'API.example.com', path: '/x' }, 'api.example.com', '/x', true],
    [{ domain: 'api.example.com', path: '/x' }, 'evil-api.example.com', '/x', false],
    [{ domain: '*.example.com', path: '/x' }, 'a.example.com', '/x', true],
    [{ domain: '*.example.com', path: '/x' }, 'example.com', '/x', false],
    [{ domain: '*', path: '/public/*' }, 'a', '/public/', true],
    [{ domain: '*', path: '/public/**' }, 'a', '/public/a/b', true],
    [{ domain: '*', path: '/public/*' }, 'a', '/publicity', false],
  ])('%j matches %s%s: %s', (resource, host, path, expected) => {
    expect(matchesAuthResource(resource, host, path)).toBe(expected);
  });

  test('calls "/", "/*" and "/**" catch-all paths, and nothing narrower', () => {
    expect(['/', '/*', '/**', ''].map(isCatchAllPath)).toEqual([true, true, true, true]);
    expect(['/a', '/a/*', '/health'].map(isCatchAllPath)).toEqual([false, false, false]);
  });
});
