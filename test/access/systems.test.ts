import { generateKeyPairSync } from 'node:crypto';
import { Testing } from 'cdktf';
import type { TerraformStack } from 'cdktf';
import { describe, expect, test } from 'vitest';
import { buildAccessMap, parseStack, renderAccessMapMarkdown, renderMermaid, reviewChanges } from '../../access';
import type { ApigAccess, ClassicGatewayAccess, OciAccess, SynthesizedApp } from '../../access';
import {
  AccessControlPlugin, Api, ApiGroup, ApigAuthorization, ApigJwtAuthentication, Backend, JwtAuthPlugin, Stage,
} from '../../constructs';
import { SEED_CLIENT_ID, TEST_ISSUER, testServer, testStack } from '../util';
import { apigTestStack, testGateway } from '../constructs/apig/helpers';
import { OCI_FACTS, OCI_ISSUER, ociTestStack, seedDeployment } from '../constructs/oci/helpers';
import { OTHER_CLIENT_ID } from './support';
import { jwkThumbprint } from '../../lookups/jwk-thumbprint';

/** Synthesizes a construct-level stack (aspects on) and reads it like the commands read cdktf.out. */
function appOf(stack: TerraformStack): SynthesizedApp {
  return { dir: '', stacks: [parseStack(stack.node.id, JSON.parse(Testing.synth(stack)))] };
}

describe('classic gateway: group-level bindings', () => {
  test('group-level jwtAuth and accessControl apply to every API of the group; an API-level plugin of the same type overrides the group one', () => {
    // GIVEN a group-wide JWT check and a group-wide deny-all, and one API with its own access control
    const stack = testStack();
    const server = testServer(stack);
    const reporting = server.addClient('Reporting', { clientId: SEED_CLIENT_ID, grantedScopes: ['user:read:one'] });
    const other = server.addClient('Other', { clientId: OTHER_CLIENT_ID, grantedScopes: ['user:read:one'] });
    const group = new ApiGroup(stack, 'Group', { groupName: 'group_fx', description: 'group' });
    const backend = new Backend(stack, 'Backend', { address: 'https://backend.example.com', backendName: 'backend_fx' });
    const open = new Api(stack, 'Open', { group, backend, apiName: 'open', path: '/open', backendPath: '/open', stages: [Stage.TEST] });
    const closed = new Api(stack, 'Closed', { group, backend, apiName: 'closed', path: '/closed', backendPath: '/closed', stages: [Stage.TEST] });
    new JwtAuthPlugin(stack, 'GroupJwt', { server }).bindToGroup(group, [Stage.TEST]);
    AccessControlPlugin.denyAll(stack, 'DenyAll').bindToGroup(group, [Stage.TEST]);
    new AccessControlPlugin(stack, 'OpenAcl', { m2m: { server, allowedClients: [reporting, other], requiredScopes: ['user:read:one'] } }).bindToApi(open, [Stage.TEST]);
    // WHEN
    const routes = (buildAccessMap(appOf(stack)).stacks[0].systems.apigateway as ClassicGatewayAccess).routes;
    // THEN
    const byApi = Object.fromEntries(routes.map((r) => [r.api, r]));
    expect(byApi.open.jwt).toMatchObject({ binding: 'group' });
    expect(byApi.open.accessControl).toMatchObject({ binding: 'api' });
    expect(byApi.open.callers?.map((c) => c.client)).toEqual([OTHER_CLIENT_ID, SEED_CLIENT_ID].sort());
    expect(byApi.closed.accessControl).toMatchObject({ binding: 'group' });
    expect(byApi.closed.callers).toEqual([]);
    expect(closed.node.id).toBe('Closed');
  });
});

describe('classic gateway: bindings only known at apply', () => {
  test('make the callers unknown instead of guessed', () => {
    // GIVEN an API-level access control whose stage is only known at apply
    const stack = testStack();
    const server = testServer(stack);
    const reporting = server.addClient('Reporting', { clientId: SEED_CLIENT_ID, grantedScopes: ['user:read:one'] });
    const group = new ApiGroup(stack, 'Group', { groupName: 'group_fx', description: 'group' });
    const backend = new Backend(stack, 'Backend', { address: 'https://backend.example.com', backendName: 'backend_fx' });
    const api = new Api(stack, 'Open', { group, backend, apiName: 'open', path: '/open', backendPath: '/open', stages: [Stage.TEST] });
    new JwtAuthPlugin(stack, 'Jwt', { server }).bindToApi(api, [Stage.TEST]);
    new AccessControlPlugin(stack, 'Acl', { m2m: { server, allowedClients: [reporting], requiredScopes: ['user:read:one'] } }).bindToApi(api, [Stage.TEST]);
    const app = appOf(stack);
    const json = structuredClone(app.stacks[0].json) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const acl = Object.entries(json.resource.alicloud_api_gateway_plugin_attachment).find(([name]) => name.startsWith('Acl'))?.[1] as Record<string, unknown>;
    acl.stage_name = '${var.stage}';
    // WHEN
    const route = (buildAccessMap({ dir: '', stacks: [parseStack('s', json)] }).stacks[0].systems.apigateway as ClassicGatewayAccess).routes[0];
    // THEN
    expect(route.callers).toBeNull();
    expect(route.notes).toContainEqual(expect.stringMatching(/plugins in effect unknown until apply: alicloud_api_gateway_plugin_attachment\.Acl/));
  });
});

describe('classic gateway: replacement of an API-level binding under a group baseline', () => {
  test('is neutral when a group-level plugin of the same type covers the gap', () => {
    // GIVEN a group-wide deny-all and an API-level access control, whose binding is re-created
    const build = () => {
      const stack = testStack();
      const server = testServer(stack);
      const reporting = server.addClient('Reporting', { clientId: SEED_CLIENT_ID, grantedScopes: ['user:read:one'] });
      const group = new ApiGroup(stack, 'Group', { groupName: 'group_fx', description: 'group' });
      const backend = new Backend(stack, 'Backend', { address: 'https://backend.example.com', backendName: 'backend_fx' });
      const api = new Api(stack, 'Open', { group, backend, apiName: 'open', path: '/open', backendPath: '/open', stages: [Stage.TEST, Stage.PRE] });
      new JwtAuthPlugin(stack, 'GroupJwt', { server }).bindToGroup(group, [Stage.TEST, Stage.PRE]);
      AccessControlPlugin.denyAll(stack, 'DenyAll').bindToGroup(group, [Stage.TEST, Stage.PRE]);
      new AccessControlPlugin(stack, 'OpenAcl', { m2m: { server, allowedClients: [reporting], requiredScopes: ['user:read:one'] } }).bindToApi(api, [Stage.TEST]);
      return appOf(stack);
    };
    const base = build();
    const head = build();
    const attachment = head.stacks[0].resources.find((r) => r.type === 'alicloud_api_gateway_plugin_attachment' && String(r.config.plugin_id).includes('OpenAcl'));
    (attachment?.config as Record<string, unknown>).stage_name = 'PRE';
    // WHEN
    const replacement = reviewChanges({ base, head }).changes.find((c) => c.category === 'replacement');
    // THEN
    expect(replacement).toMatchObject({ effect: 'neutral', summary: expect.stringMatching(/the group-level accessControl plugin applies to API open on TEST/) });
  });
});

describe('APIG JWTAuth', () => {
  test('reads hand-written policy_config keys in any case (MSE-style PascalCase too) and says when it cannot read one', () => {
    // GIVEN
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = { ...(publicKey.export({ format: 'jwk' }) as Record<string, string>), kid: 'k1' };
    const policy = (policyConfig: string) => ({ policy_class_name: 'JWTAuth', attach_resource_type: 'Gateway', attach_resource_ids: ['gw-1'], environment_id: 'env-1', policy_config: policyConfig });
    const json = {
      resource: {
        alicloud_apig_policy: {
          pascal: policy(JSON.stringify({ Enable: false, Issuer: 'https://i.example.test', Sub: 'app_1', IsWhite: false, AuthResourceList: [{ Domain: 'a.example.com', Path: '/x' }, { Path: '/b' }], TokenPosition: 'HEADER', TokenName: 'Authorization', TokenNamePrefix: 'Bearer ', Jwks: { keys: [jwk] } })),
          broken: policy('{"enable": tru'),
          other: { ...policy('{}'), policy_class_name: 'Cors' },
        },
      },
    };
    // WHEN
    const map = buildAccessMap({ dir: '', stacks: [parseStack('apig-hand', json)] }).stacks[0].systems.apig as ApigAccess;
    // THEN
    expect(map.policies).toEqual([
      { address: 'alicloud_apig_policy.broken', attachedTo: 'Gateway gw-1', environment: 'env-1', enabled: true, mode: 'whitelist', rules: [], token: 'unknown', keys: [], problem: expect.stringMatching(/^policy_config is not JSON/) },
      {
        address: 'alicloud_apig_policy.pascal', attachedTo: 'Gateway gw-1', environment: 'env-1', enabled: false, issuer: 'https://i.example.test', subject: 'app_1', mode: 'blacklist',
        rules: ['* /b', 'a.example.com /x'], token: 'HEADER Authorization Bearer ', keys: [`k1:${jwkThumbprint(jwk)}`],
      },
    ]);
  });

  test('a value of the wrong type (a string "false") is reported, and a review flags it as widening: what the gateway makes of it is unknown', () => {
    // GIVEN the generated policy, then the same with "enable": "false" as a string
    const stack = apigTestStack();
    new ApigJwtAuthentication(stack, 'GlobalJwt', { gateway: testGateway(stack), server: testServer(stack), policyName: 'm2m-jwt' });
    const base = appOf(stack);
    const json = structuredClone(base.stacks[0].json) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    for (const policy of Object.values(json.resource.alicloud_apig_policy)) policy.policy_config = JSON.stringify({ ...JSON.parse(String(policy.policy_config)), enable: 'false' });
    const head = { dir: '', stacks: [parseStack(base.stacks[0].name, json)] };
    // WHEN
    const policy = (buildAccessMap(head).stacks[0].systems.apig as ApigAccess).policies[0];
    const changes = reviewChanges({ base, head }).changes;
    // THEN
    expect(policy.problem).toBe('enable is not a boolean: "false"');
    // One finding, flagged: no field-by-field "narrows" read off a config only partly understood.
    expect(changes.filter((c) => c.subject.startsWith('APIG JWTAuth'))).toEqual([
      expect.objectContaining({ effect: 'widens', category: 'plugin', summary: 'policy_config cannot be read fully (enable is not a boolean: "false"): what the gateway enforces is unknown' }),
    ]);
    // The map never shows such a policy as enforcing the rules that could be read of it.
    const markdown = renderAccessMapMarkdown(buildAccessMap(head));
    const row = markdown.split('\n').find((line) => line.includes('alicloud_apig_policy.'));
    expect(row).toContain('| **unknown** |');
    expect(row).toContain('what the gateway enforces is unknown');
    const diagram = renderMermaid(buildAccessMap(head));
    expect(diagram).toContain('what the gateway enforces is unknown');
    expect(diagram).not.toContain('every request needs a token');
  });

  test('a policy added with an unreadable config is not claimed to narrow access', () => {
    // GIVEN no APIG policy, then one whose policy_config is not JSON
    const json = { resource: { alicloud_apig_policy: { broken: { policy_class_name: 'JWTAuth', attach_resource_type: 'Gateway', attach_resource_ids: ['gw-1'], policy_config: '{"enable": tru' } } } };
    const head = { dir: '', stacks: [parseStack('apig-hand', json)] };
    const base = { dir: '', stacks: [parseStack('apig-hand', { resource: {} })] };
    // WHEN
    const changes = reviewChanges({ base, head }).changes;
    // THEN
    expect(changes).toEqual([expect.objectContaining({ effect: 'neutral', summary: expect.stringMatching(/^JWT authentication added: policy_config cannot be read fully \(policy_config is not JSON.*what the gateway enforces is unknown$/) })]);
  });

  test('maps the rule mode and exempt paths; a newly exempt path widens', () => {
    // GIVEN
    const build = (exempt: { domain: string; path: string }[]) => {
      const stack = apigTestStack();
      new ApigJwtAuthentication(stack, 'GlobalJwt', { gateway: testGateway(stack), server: testServer(stack), policyName: 'm2m-jwt', authorization: ApigAuthorization.whitelist(exempt) });
      return appOf(stack);
    };
    const base = build([]);
    const head = build([{ domain: 'api.example.com', path: '/health' }]);
    // WHEN
    const map = buildAccessMap(head).stacks[0].systems.apig as ApigAccess;
    const review = reviewChanges({ base, head });
    // THEN
    expect(map.policies[0]).toMatchObject({ mode: 'whitelist', rules: ['api.example.com /health'], issuer: TEST_ISSUER, enabled: true });
    expect(review.changes).toContainEqual(expect.objectContaining({ effect: 'widens', category: 'access', summary: 'path api.example.com /health is now exempt from authentication' }));
  });

  test('re-attaching the policy replaces it (attach_resource_ids is ForceNew): the gateway is unauthenticated meanwhile', () => {
    // GIVEN the same policy attached to other resources in the head
    const stack = apigTestStack();
    new ApigJwtAuthentication(stack, 'GlobalJwt', { gateway: testGateway(stack), server: testServer(stack), policyName: 'm2m-jwt' });
    const base = appOf(stack);
    const json = structuredClone(base.stacks[0].json) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    for (const policy of Object.values(json.resource.alicloud_apig_policy)) policy.attach_resource_ids = ['gw-other'];
    const head = { dir: '', stacks: [parseStack(base.stacks[0].name, json)] };
    // WHEN
    const replacement = reviewChanges({ base, head }).changes.find((c) => c.category === 'replacement');
    // THEN
    expect(replacement).toMatchObject({ effect: 'widens', summary: expect.stringMatching(/attach_resource_ids .* \(ForceNew\); between destroy and create, Gateway gw-\S+ has no JWT authentication/) });
  });
});

describe('OCI API Gateway', () => {
  test('shows each authentication as declared: token or JWT layout, static keys, anonymous access, routes without authorization', () => {
    // GIVEN hand-written deployments (the constructs only write the first form)
    const json = {
      resource: {
        oci_apigateway_deployment: {
          token: {
            path_prefix: '/t',
            specification: {
              request_policies: { authentication: { type: 'TOKEN_AUTHENTICATION', token_header: 'Authorization', token_auth_scheme: 'Bearer', is_anonymous_access_allowed: false, validation_policy: { type: 'REMOTE_DISCOVERY', source_uri_details: { type: 'DISCOVERY_URI', uri: 'https://idp.example.test/.well-known/openid-configuration' }, additional_validation_policy: { issuers: ['https://b.example.test', 'https://a.example.test'], audiences: ['api'] } } } },
              routes: [{ path: '/z', methods: ['POST', 'GET'], request_policies: { authorization: { type: 'ANY_OF', allowed_scope: ['w', 'r'] } } }, { path: '/a', methods: ['GET'] }],
            },
          },
          jwt: {
            path_prefix: '/j',
            specification: {
              request_policies: { authentication: { type: 'JWT_AUTHENTICATION', token_query_param: 'jwt', is_anonymous_access_allowed: 'true', issuers: ['https://i.example.test'], audiences: ['aud'], public_keys: { type: 'STATIC_KEYS', keys: [{ kid: 'k1', format: 'JSON_WEB_KEY' }, { key: 'PEM', format: 'PEM' }] } } },
              routes: [{ path: '/open', methods: ['GET'], request_policies: { authorization: { type: 'ANONYMOUS' } } }],
            },
          },
          none: { path_prefix: '/n', specification: { routes: [{ path: '/x', methods: ['GET'], request_policies: { authorization: { type: 'AUTHENTICATION_ONLY' } } }] } },
          custom: { path_prefix: '/c', specification: { request_policies: { authentication: { type: 'CUSTOM_AUTHENTICATION', function_id: 'ocid1.fnfunc.oc1..x' } }, routes: [] } },
        },
      },
    };
    // WHEN
    const map = buildAccessMap({ dir: '', stacks: [parseStack('oci-hand', json)] }).stacks[0].systems.oci as OciAccess;
    // THEN
    expect(map.deployments).toEqual([
      { address: 'oci_apigateway_deployment.custom', pathPrefix: '/c', authentication: 'CUSTOM_AUTHENTICATION', anonymousAllowed: false, issuers: [], audiences: [], keys: 'none', token: '', routes: [] },
      {
        address: 'oci_apigateway_deployment.jwt', pathPrefix: '/j', authentication: 'JWT_AUTHENTICATION', anonymousAllowed: true, issuers: ['https://i.example.test'], audiences: ['aud'], keys: 'STATIC_KEYS k1, PEM', token: 'jwt',
        routes: [{ path: '/j/open', methods: ['GET'], authorization: 'ANONYMOUS', scopes: [] }],
      },
      {
        address: 'oci_apigateway_deployment.none', pathPrefix: '/n', authentication: 'none', anonymousAllowed: true, issuers: [], audiences: [], keys: 'none', token: '',
        routes: [{ path: '/n/x', methods: ['GET'], authorization: 'AUTHENTICATION_ONLY', scopes: [] }],
      },
      {
        address: 'oci_apigateway_deployment.token', pathPrefix: '/t', authentication: 'TOKEN_AUTHENTICATION', anonymousAllowed: false, issuers: ['https://a.example.test', 'https://b.example.test'], audiences: ['api'], keys: 'REMOTE_DISCOVERY https://idp.example.test/.well-known/openid-configuration', token: 'Authorization Bearer',
        routes: [{ path: '/t/a', methods: ['GET'], authorization: 'AUTHENTICATION_ONLY', scopes: [] }, { path: '/t/z', methods: ['GET', 'POST'], authorization: 'ANY_OF', scopes: ['r', 'w'] }],
      },
    ]);
  });

  test('maps per-route scopes; a scope that now suffices and a new route widen', () => {
    // GIVEN
    const build = (routes: { path: string; scopes: string[] }[]) => {
      const stack = ociTestStack();
      seedDeployment(stack, { routes: routes.map((r) => ({ path: r.path, backendUrl: `https://backend.example.com${r.path}`, anyOfScopes: r.scopes })) });
      return appOf(stack);
    };
    const base = build([{ path: '/1', scopes: ['ApplicationReadA'] }]);
    const head = build([{ path: '/1', scopes: ['ApplicationReadA', 'ApplicationWriteA'] }, { path: '/2', scopes: ['ApplicationWriteA'] }]);
    // WHEN
    const map = buildAccessMap(base).stacks[0].systems.oci as OciAccess;
    const review = reviewChanges({ base, head });
    // THEN
    expect(map.deployments[0]).toMatchObject({ pathPrefix: '/test', authentication: 'TOKEN_AUTHENTICATION', anonymousAllowed: false, issuers: [OCI_ISSUER], audiences: ['application1'], keys: `REMOTE_JWKS ${OCI_FACTS.jwksUri}` });
    expect(map.deployments[0].routes).toEqual([{ path: '/test/1', methods: ['GET'], authorization: 'ANY_OF', scopes: ['ApplicationReadA'] }]);
    expect(review.changes.filter((c) => c.effect === 'widens').map((c) => c.summary)).toEqual([
      '/test/1: scope ApplicationWriteA now suffices',
      'new route GET /test/2: a token with one of ApplicationWriteA',
    ]);
  });
});
