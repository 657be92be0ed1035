import { describe, expect, test } from 'vitest';
import {
  AccessControlPlugin,
  ClaimParameterLocation,
  JwtAuthPlugin,
  TokenLocation,
} from '../../../constructs';
import { evaluateCondition } from '../../../emulator/condition';
import { validateTerraformStack } from '../../../validation';
import { checkStack, SEED_CLIENT_ID, synthJson, TEST_AUDIENCE, TEST_ISSUER, TEST_JWK } from '../../util';
import { addressOf, onlyResource, parseScript, pluginOfType, resourcesByName, seedFixture } from './helpers';

/** The seed's JWT and access-control plugins, bound to the `hello` API on its stages. */
function seedStack() {
  const fixture = seedFixture();
  const { server, client, api } = fixture;
  const jwt = new JwtAuthPlugin(fixture.stack, 'Jwt', {
    server,
    tokenLocation: TokenLocation.query('id_token'),
    claimParameters: [
      { claimName: 'aud', parameterName: 'aud', location: ClaimParameterLocation.QUERY },
      { claimName: 'scope', parameterName: 'scope', location: ClaimParameterLocation.QUERY },
      { claimName: 'client_id', parameterName: 'client_id', location: ClaimParameterLocation.QUERY },
    ],
  });
  const acl = new AccessControlPlugin(fixture.stack, 'Acl', {
    m2m: {
      server,
      allowedClients: [client],
      requiredScopes: ['user:read:one'],
      denyResponse: {
        statusCode: 403,
        errorMessage: 'No permission by client id: ${clientId}',
        headers: { 'Content-Type': 'application/json', 'X-IDaaS-clientId': '${clientId}', 'X-IDaaS-scope': '${scope}' },
        body: '<Reason>No permission by client id: ${clientId}</Reason>\n',
      },
    },
  });
  jwt.bindToApi(api);
  acl.bindToApi(api);
  return { ...fixture, jwt, acl };
}

describe('Api with JwtAuthPlugin and AccessControlPlugin (seed 000)', () => {
  test('synthesizes the group, backend service and the hello API as the tutorial registers them', () => {
    // GIVEN
    const { stack } = seedStack();
    // WHEN
    const synth = synthJson(stack);
    // THEN
    expect(onlyResource(synth, 'alicloud_api_gateway_group')).toEqual({ name: 'm2m_demo', description: 'M2M protected APIs' });
    expect(onlyResource(synth, 'alicloud_api_gateway_backend')).toEqual({ backend_name: 'hello_backend', backend_type: 'HTTP' });
    const api = onlyResource(synth, 'alicloud_api_gateway_api');
    expect(api.name).toBe('hello');
    expect(api.auth_type).toBe('ANONYMOUS');
    expect(api.group_id).toBe(`\${${addressOf(synth, 'alicloud_api_gateway_group')}.id}`);
    expect(api.service_type).toBe('HTTP');
    expect(api.request_config).toEqual({ protocol: 'HTTPS', method: 'GET', path: '/hello', mode: 'MAPPING' });
    expect(api.http_service_config).toEqual({ address: 'https://backend.example.com', path: '/v1/hello', method: 'GET', timeout: 10000 });
    expect(api.stage_names).toEqual(['TEST', 'RELEASE']);
    expect(api.request_parameters).toEqual([{
      name: 'id_token', in: 'QUERY', in_service: 'QUERY', name_service: 'id_token', type: 'STRING', required: 'REQUIRED',
      description: 'JWT access token read by the JWT authentication plugin',
    }]);
  });

  test('renders the JWT plugin script field by field, with the key from the synth-time JWKS lookup', () => {
    // GIVEN
    const { stack } = seedStack();
    // WHEN
    const plugin = pluginOfType(synthJson(stack), 'jwtAuth');
    const script = parseScript(plugin);
    // THEN
    expect(plugin.plugin_name).toBe('test_Jwt');
    expect(Object.keys(script)).toEqual(['parameter', 'parameterLocation', 'bypassEmptyToken', 'claimParameters', 'preventJtiReplay', 'ignoreExpirationCheck', 'jwk']);
    expect(script.parameter).toBe('id_token');
    expect(script.parameterLocation).toBe('query');
    expect(script.bypassEmptyToken).toBe(false);
    expect(script.claimParameters).toEqual([
      { claimName: 'aud', parameterName: 'aud', location: 'query' },
      { claimName: 'scope', parameterName: 'scope', location: 'query' },
      { claimName: 'client_id', parameterName: 'client_id', location: 'query' },
    ]);
    expect(script.preventJtiReplay).toBe(true);
    expect(script.ignoreExpirationCheck).toBe(false);
    expect(script.jwk).toEqual({ kid: 'AUTHSKEY7Ph6QS83xkN76oRwvZsJT68ejJ4PdAXmk', kty: 'RSA', alg: 'RS256', use: 'sig', e: TEST_JWK.e, n: TEST_JWK.n });
    expect(plugin.plugin_data.startsWith('---\n')).toBe(true);
  });

  test('renders the access-control script with issuer, audience, client id and whole-scope checks, a combined ALLOW and a final DENY', () => {
    // GIVEN
    const { stack } = seedStack();
    // WHEN
    const script = parseScript(pluginOfType(synthJson(stack), 'accessControl'));
    // THEN
    expect(script.parameters).toEqual({ aud: 'Token:aud', clientId: 'Token:client_id', iss: 'Token:iss', method: 'Method', scope: 'Token:scope' });
    expect(script.rules.map((r: any) => r.name)).toEqual(['checkIssuer', 'checkAudience', 'checkClient', 'checkScope', 'allowM2m', 'denyOtherwise']);
    const byName = Object.fromEntries(script.rules.map((r: any) => [r.name, r]));
    expect(byName.checkIssuer.condition).toBe(`$iss = '${TEST_ISSUER}'`);
    expect(byName.checkClient.condition).toBe(`$clientId = '${SEED_CLIENT_ID}'`);
    expect(byName.checkScope.condition).toBe(
      "$scope = 'user:read:one' or $scope like 'user:read:one %' or $scope like '% user:read:one' or $scope like '% user:read:one %' or $scope like '%\"user:read:one\"%'");
    expect(byName.allowM2m).toEqual({ name: 'allowM2m', condition: expect.stringContaining(`$iss = '${TEST_ISSUER}' and (`), ifTrue: 'ALLOW' });
    expect(byName.denyOtherwise).toMatchObject({ condition: "$method like '%'", ifTrue: 'DENY', ifFalse: 'DENY' });
    for (const rule of script.rules.filter((r: any) => r.name !== 'allowM2m')) {
      expect(rule.ifFalse).toBe('DENY');
      expect(rule.statusCode).toBe(403);
      expect(rule.errorMessage).toBe('No permission by client id: ${clientId}');
      expect(rule.responseHeaders).toEqual({ 'Content-Type': 'application/json', 'X-IDaaS-clientId': '${clientId}', 'X-IDaaS-scope': '${scope}' });
      expect(rule.responseBody).toBe('<Reason>No permission by client id: ${clientId}</Reason>\n');
    }
  });

  test('escapes the scripts\' ${name} interpolation from Terraform', () => {
    // GIVEN
    const { stack } = seedStack();
    // WHEN
    const raw = pluginOfType(synthJson(stack), 'accessControl').plugin_data as string;
    // THEN
    expect(raw).toContain('$${clientId}');
    expect(raw).not.toMatch(/(^|[^$])\$\{/);
  });

  test('admits the seed client with user:read:one and denies user:read:one-admin, another issuer or audience', () => {
    // GIVEN
    const { stack } = seedStack();
    const script = parseScript(pluginOfType(synthJson(stack), 'accessControl'));
    const decide = (values: Record<string, string>): 'ALLOW' | 'DENY' => {
      for (const rule of script.rules) {
        const action = evaluateCondition(rule.condition, { method: 'GET', ...values }) ? rule.ifTrue : rule.ifFalse;
        if (action) return action;
      }
      throw new Error('the rule set fell off its end');
    };
    const token = { iss: TEST_ISSUER, aud: TEST_AUDIENCE, clientId: SEED_CLIENT_ID };
    // WHEN / THEN
    expect(decide({ ...token, scope: 'user:read:one' })).toBe('ALLOW');
    expect(decide({ ...token, scope: 'openid user:read:one profile' })).toBe('ALLOW');
    expect(decide({ ...token, scope: 'user:read:one-admin' })).toBe('DENY');
    expect(decide({ ...token, clientId: 'app_other', scope: 'user:read:one' })).toBe('DENY');
    expect(decide({ ...token, iss: 'https://evil.example.com', scope: 'user:read:one' })).toBe('DENY');
    expect(decide({ ...token, aud: 'https://other-api.example.com', scope: 'user:read:one' })).toBe('DENY');
    expect(decide(token)).toBe('DENY');
  });

  test('binds both plugins on every stage the API is published to', () => {
    // GIVEN
    const { stack } = seedStack();
    // WHEN
    const synth = synthJson(stack);
    // THEN
    const attachments = Object.values(resourcesByName(synth, 'alicloud_api_gateway_plugin_attachment'));
    const apiRef = `\${${addressOf(synth, 'alicloud_api_gateway_api')}.api_id}`;
    const plugins = resourcesByName(synth, 'alicloud_api_gateway_plugin');
    const bound = attachments.map((a) => {
      expect(a.api_id).toBe(apiRef);
      expect(a.group_id).toBe(`\${${addressOf(synth, 'alicloud_api_gateway_group')}.id}`);
      const name = /^\$\{alicloud_api_gateway_plugin\.([^.]+)\.id\}$/.exec(a.plugin_id)![1];
      return `${plugins[name].plugin_type}@${a.stage_name}`;
    });
    expect(bound.sort()).toEqual(['accessControl@RELEASE', 'accessControl@TEST', 'jwtAuth@RELEASE', 'jwtAuth@TEST']);
  });

  test('passes every security rule and the offline schema validation', () => {
    // GIVEN
    const { stack } = seedStack();
    // WHEN
    const annotations = checkStack(stack);
    const findings = validateTerraformStack(stack);
    // THEN
    expect(annotations).toEqual({ errors: [], warnings: [], infos: [] });
    expect(findings).toEqual([]);
  });

  test('renders byte-identical scripts on every synth', () => {
    // GIVEN
    const first = seedStack();
    const second = seedStack();
    // WHEN / THEN
    expect(first.jwt.pluginData).toBe(second.jwt.pluginData);
    expect(first.acl.pluginData).toBe(second.acl.pluginData);
    expect(synthJson(first.stack)).toEqual(synthJson(second.stack));
  });
});
