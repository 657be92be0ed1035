/**
 * Loading stacks the constructs do not produce (imported groups, APIs and plugins, unresolved
 * scripts, other plugin types) and the JWT checks the demo issuer cannot exercise (no kid,
 * alg none, no exp, ignoreExpirationCheck). Tokens here are signed by keys made in the test.
 */
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, test } from 'vitest';
import { renderYaml } from '../../constructs/apigateway/plugin-script';
import { escapeTemplate } from '../../core/plugin-data';
import { GatewayEmulator, JwtAuthVerifier, identityKey, loadStack, readJwtAuthConfig } from '../../emulator';

const API = (name: string, path: string, group: string, extra: Record<string, unknown> = {}) => ({
  name, group_id: group, auth_type: 'ANONYMOUS', stage_names: ['TEST'], request_config: { method: 'GET', path, mode: 'PASSTHROUGH', protocol: 'HTTPS' }, ...extra,
});
const plugin = (type: string, script: unknown) => ({ plugin_name: `p_${type}`, plugin_type: type, plugin_data: escapeTemplate(renderYaml(script)) });

let jwk: Record<string, string>;
let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  privateKey = pair.privateKey;
  jwk = (await exportJWK(pair.publicKey)) as unknown as Record<string, string>;
});

function sign(claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', ...header }).sign(privateKey);
}

describe('loadStack', () => {
  test('fails when the input is not a synthesized stack', () => {
    expect(() => loadStack([])).toThrow('a synthesized stack (cdk.tf.json) must be a JSON object');
  });

  test('applies a group-wide binding to the APIs of an imported group (literal ids) and warns about unknown targets', async () => {
    // GIVEN
    const stack = {
      resource: {
        alicloud_api_gateway_api: { a: API('a', '/a', 'grp-imported'), b: API('b', '/b', 'grp-other') },
        alicloud_api_gateway_plugin: { acl: plugin('accessControl', { parameters: { verb: 'Method' }, rules: [{ name: 'onlyPost', condition: "$verb = 'POST'", ifFalse: 'DENY', statusCode: 405, errorMessage: 'no ${verb}' }] }) },
        alicloud_api_gateway_group_plugin_attachment: { g: { group_id: 'grp-imported', plugin_id: '${alicloud_api_gateway_plugin.acl.id}', stage_name: 'TEST' } },
        alicloud_api_gateway_plugin_attachment: { lost: { api_id: 'api-imported', group_id: 'grp-imported', plugin_id: '${alicloud_api_gateway_plugin.acl.id}', stage_name: 'TEST' } },
      },
    };

    // WHEN
    const gateway = GatewayEmulator.fromStack(stack);
    const a = await gateway.handle({ stage: 'TEST', method: 'GET', path: '/a' });
    const b = await gateway.handle({ stage: 'TEST', method: 'GET', path: '/b' });

    // THEN
    expect(gateway.model.warnings).toEqual(['alicloud_api_gateway_plugin_attachment.lost: binds to id "api-imported", which is not an API of this stack; the binding is ignored']);
    expect(a).toMatchObject({ status: 405, decision: 'DENY', headers: { 'x-ca-error-message': 'no GET' } });
    expect(b).toMatchObject({ status: 200, decision: 'ALLOW' });
  });

  test.each([
    ['an imported plugin (literal plugin_id)', { plugin_id: 'plg-123' }, 'plugin plg-123 is not defined in this stack (imported)'],
    ['a plugin whose script references other resources', { plugin_id: '${alicloud_api_gateway_plugin.unresolved.id}' }, 'plugin_data references other resources'],
    ['a plugin whose script is not YAML', { plugin_id: '${alicloud_api_gateway_plugin.broken.id}' }, 'plugin_data is not valid YAML'],
  ])('reports %s as unsupported (500), never as a decision', async (_, attachment, reason) => {
    // GIVEN
    const stack = {
      resource: {
        alicloud_api_gateway_group: { grp: { name: 'grp' } },
        alicloud_api_gateway_api: { a: API('a', '/a', '${alicloud_api_gateway_group.grp.id}') },
        alicloud_api_gateway_plugin: {
          unresolved: { plugin_name: 'u', plugin_type: 'jwtAuth', plugin_data: 'parameter: ${var.x}' },
          broken: { plugin_name: 'b', plugin_type: 'jwtAuth', plugin_data: 'parameter: [unclosed' },
          neq: plugin('accessControl', { parameters: { verb: 'Method' }, rules: [{ name: 'neq', condition: "$verb != 'GET'", ifTrue: 'DENY' }] }),
        },
        alicloud_api_gateway_plugin_attachment: { att: { api_id: '${alicloud_api_gateway_api.a.api_id}', stage_name: 'TEST', ...attachment } },
      },
    };

    // WHEN
    const res = await GatewayEmulator.fromStack(stack).handle({ stage: 'TEST', method: 'GET', path: '/a' });

    // THEN
    expect(res).toMatchObject({ status: 500, decision: 'DENY', unsupported: true });
    expect(res.reason).toContain(reason);
  });

  test('skips a rule outside the evaluated subset, as the gateway may: a rule set without a final DENY then lets the request through', async () => {
    // GIVEN a hand-written rule set (APIGW-ACL2 flags it) whose only rule the emulator cannot evaluate
    const stack = {
      resource: {
        alicloud_api_gateway_api: { a: API('a', '/a', 'g') },
        alicloud_api_gateway_plugin: { neq: plugin('accessControl', { parameters: { verb: 'Method' }, rules: [{ name: 'neq', condition: "$verb != 'GET'", ifTrue: 'DENY' }] }) },
        alicloud_api_gateway_plugin_attachment: { att: { api_id: '${alicloud_api_gateway_api.a.api_id}', stage_name: 'TEST', plugin_id: '${alicloud_api_gateway_plugin.neq.id}' } },
      },
    };

    // WHEN
    const res = await GatewayEmulator.fromStack(stack).handle({ stage: 'TEST', method: 'GET', path: '/a' });

    // THEN
    expect(res).toMatchObject({ status: 200, decision: 'ALLOW' });
    expect(res.reason).toContain('skipped as unevaluable: neq (unsupported syntax');
  });

  test('lists bound plugin types it does not enforce, and reports APP authentication as not verified', async () => {
    // GIVEN
    const stack = {
      resource: {
        alicloud_api_gateway_api: { open: API('open', '/open', 'g'), app: API('app', '/app', 'g', { auth_type: 'APP' }) },
        alicloud_api_gateway_plugin: { cors: plugin('cors', { allowOrigins: '*' }) },
        alicloud_api_gateway_plugin_attachment: { c: { api_id: '${alicloud_api_gateway_api.open.api_id}', plugin_id: '${alicloud_api_gateway_plugin.cors.id}', stage_name: 'TEST' } },
      },
    };
    const gateway = GatewayEmulator.fromStack(stack);

    // WHEN
    const open = await gateway.handle({ stage: 'TEST', method: 'GET', path: '/open' });
    const app = await gateway.handle({ stage: 'TEST', method: 'GET', path: '/app' });

    // THEN
    expect(open).toMatchObject({ status: 200, decision: 'ALLOW', notEmulated: ['cors'] });
    expect(app).toMatchObject({ status: 401, decision: 'DENY', unsupported: true });
  });

  test('asks for the group when several groups have the route, and routes within the given one', async () => {
    // GIVEN
    const stack = {
      resource: {
        alicloud_api_gateway_group: { one: { name: 'one' }, two: { name: 'two' } },
        alicloud_api_gateway_api: { a: API('a1', '/a', '${alicloud_api_gateway_group.one.id}'), b: API('a2', '/a', '${alicloud_api_gateway_group.two.id}') },
      },
    };
    const gateway = GatewayEmulator.fromStack(stack);

    // WHEN
    const ambiguous = await gateway.handle({ stage: 'TEST', method: 'GET', path: '/a' });
    const routed = await gateway.handle({ stage: 'TEST', method: 'GET', path: '/a', group: 'two' });

    // THEN
    expect(ambiguous).toMatchObject({ status: 500, unsupported: true });
    expect(routed).toMatchObject({ status: 200, api: 'a2' });
  });

  test('identifies references by address and literal ids as literals', () => {
    expect(identityKey('${alicloud_api_gateway_api.Api-hello_5B17D1E1.api_id}')).toBe('alicloud_api_gateway_api.Api-hello_5B17D1E1');
    expect(identityKey('grp-1')).toBe('literal:grp-1');
    expect(identityKey('${join("", [var.x])}')).toBeUndefined();
  });
});

describe('JwtAuthVerifier', () => {
  const config = (extra: Record<string, unknown> = {}) => readJwtAuthConfig({ parameter: 'Authorization', parameterLocation: 'header', preventJtiReplay: true, ...extra, jwk: (extra.jwk as object) ?? jwk });
  const now = new Date();
  const exp = Math.floor(now.getTime() / 1000) + 60;

  test('accepts a token with a kid when the configured JWK has none (documented: keys without kid)', async () => {
    expect(await new JwtAuthVerifier(config()).verify(await sign({ exp, jti: '1' }, { kid: 'any' }), now)).toMatchObject({ ok: true });
  });

  test('denies an unsigned token (alg none)', async () => {
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ exp, jti: '2' })).toString('base64url')}.`;
    expect(await new JwtAuthVerifier(config()).verify(none, now)).toMatchObject({ ok: false, status: 401, reason: expect.stringContaining('alg "none" is not accepted') });
  });

  test('denies a token without exp, accepts an expired one only with ignoreExpirationCheck', async () => {
    const expired = await sign({ exp: exp - 3600, jti: '3' });
    expect(await new JwtAuthVerifier(config()).verify(await sign({ jti: '4' }), now)).toMatchObject({ ok: false, reason: expect.stringContaining('no numeric exp') });
    expect(await new JwtAuthVerifier(config()).verify(expired, now)).toMatchObject({ ok: false, reason: expect.stringContaining('expired') });
    expect(await new JwtAuthVerifier(config({ ignoreExpirationCheck: true })).verify(expired, now)).toMatchObject({ ok: true });
  });

  test('denies a token without jti when preventJtiReplay is on', async () => {
    expect(await new JwtAuthVerifier(config()).verify(await sign({ exp }), now)).toMatchObject({ ok: false, reason: expect.stringContaining('no jti') });
  });

  test('lets a missing token through only with bypassEmptyToken, without claims', async () => {
    expect(await new JwtAuthVerifier(config()).verify(undefined, now)).toMatchObject({ ok: false, status: 401 });
    expect(await new JwtAuthVerifier(config({ bypassEmptyToken: true })).verify(undefined, now)).toEqual({ ok: true, reason: expect.stringContaining('bypassEmptyToken') });
  });

  test('fails when the configured JWK holds private members', () => {
    expect(() => config({ jwk: { ...jwk, d: 'secret' } })).toThrow('private or symmetric members (d)');
  });
});
