import type { App } from 'cdktf';
import { describe, expect, test } from 'vitest';
import {
  AccessControlPlugin,
  Api,
  ApiAuthType,
  ApiGroup,
  ApiProtocol,
  Backend,
  BackendContentType,
  HttpMethod,
  ParameterLocation,
  ParameterType,
  JwtAuthPlugin,
  RequestMode,
  Stage,
  Suppressions,
} from '../../../constructs';
import { synthJson, testServer, testStack } from '../../util';
import { findingsOf, onlyResource, resourcesByName } from './helpers';

function base() {
  const stack = testStack();
  const group = new ApiGroup(stack, 'Group');
  const backend = new Backend(stack, 'Backend', { address: 'https://backend.example.com' });
  return { stack, group, backend };
}

describe('Api', () => {
  test('defaults to GET, MAPPING mode, HTTPS, ANONYMOUS, the request path on the backend, 10 s timeout and no stage', () => {
    // GIVEN
    const { stack, group, backend } = base();
    // WHEN
    new Api(stack, 'Hello', { group, backend, path: '/hello' });
    // THEN
    const api = onlyResource(synthJson(stack), 'alicloud_api_gateway_api');
    expect(api.name).toBe('Hello');
    expect(api.description).toBe('GET /hello');
    expect(api.auth_type).toBe('ANONYMOUS');
    expect(api.request_config).toEqual({ method: 'GET', mode: 'MAPPING', path: '/hello', protocol: 'HTTPS' });
    expect(api.http_service_config).toEqual({ address: 'https://backend.example.com', method: 'GET', path: '/hello', timeout: 10000 });
    expect(api.stage_names).toBeUndefined();
    expect(api.request_parameters).toBeUndefined();
    expect(api.backend_enabled).toBeUndefined();
  });

  test('renders method, mode, protocol, auth type, backend settings, content type and stages', () => {
    // GIVEN
    const { stack, group, backend } = base();
    // WHEN
    const api = new Api(stack, 'Orders', {
      group,
      backend,
      apiName: 'create_order',
      description: 'Creates an order',
      path: '/orders/[orderId]',
      method: HttpMethod.POST,
      mode: RequestMode.PASSTHROUGH,
      protocol: ApiProtocol.HTTP_AND_HTTPS,
      allowPlainHttp: { reason: 'Legacy devices without TLS until 2027 (#118)' },
      authType: ApiAuthType.APP,
      backendPath: '/internal/orders/[orderId]',
      backendMethod: HttpMethod.PUT,
      backendTimeoutMillis: 3000,
      backendContentType: BackendContentType.custom('application/json; charset=UTF-8'),
      requestParameters: [{ name: 'orderId', location: ParameterLocation.PATH, required: true, type: ParameterType.LONG, backendName: 'id' }],
      stages: [Stage.RELEASE, Stage.PRE],
    });
    // THEN
    const rendered = onlyResource(synthJson(stack), 'alicloud_api_gateway_api');
    expect(rendered.name).toBe('create_order');
    expect(rendered.auth_type).toBe('APP');
    expect(rendered.request_config).toEqual({ method: 'POST', mode: 'PASSTHROUGH', path: '/orders/[orderId]', protocol: 'HTTP,HTTPS' });
    expect(rendered.http_service_config).toEqual({
      address: 'https://backend.example.com', method: 'PUT', path: '/internal/orders/[orderId]', timeout: 3000,
      content_type_category: 'CUSTOM', content_type_value: 'application/json; charset=UTF-8',
    });
    expect(rendered.request_parameters).toEqual([{ name: 'orderId', in: 'PATH', in_service: 'PATH', name_service: 'id', type: 'LONG', required: 'REQUIRED' }]);
    expect(rendered.stage_names).toEqual(['PRE', 'RELEASE']);
    expect(api.stages).toEqual([Stage.PRE, Stage.RELEASE]);
  });

  test('renders the DEFAULT and CLIENT content type categories', () => {
    const { stack, group, backend } = base();
    new Api(stack, 'A', { group, backend, path: '/a', backendContentType: BackendContentType.CLIENT });
    new Api(stack, 'B', { group, backend, path: '/b', backendContentType: BackendContentType.DEFAULT });
    const apis = Object.values(resourcesByName(synthJson(stack), 'alicloud_api_gateway_api'));
    expect(apis.map((a) => a.http_service_config.content_type_category).sort()).toEqual(['CLIENT', 'DEFAULT']);
  });

  test('accepts the same path with another method, and the same route in another group', () => {
    // GIVEN
    const { stack, group, backend } = base();
    const other = new ApiGroup(stack, 'Other');
    new Api(stack, 'Get', { group, backend, path: '/hello' });
    // WHEN / THEN
    expect(() => new Api(stack, 'Post', { group, backend, path: '/hello', method: HttpMethod.POST })).not.toThrow();
    expect(() => new Api(stack, 'Elsewhere', { group: other, backend, path: '/hello' })).not.toThrow();
  });

  test('fails when the method and path are already defined in the group', () => {
    const { stack, group, backend } = base();
    new Api(stack, 'First', { group, backend, path: '/hello' });
    expect(() => new Api(stack, 'Second', { group, backend, path: '/hello' }))
      .toThrow(/\[test\/Second\] 'path' duplicates GET \/hello of test\/First in the same group/);
  });

  test('fails when the path does not start with /', () => {
    const { stack, group, backend } = base();
    expect(() => new Api(stack, 'Api', { group, backend, path: 'hello' })).toThrow(/'path' must start with "\/", got "hello"/);
    expect(() => new Api(stack, 'Api2', { group, backend, path: '/ok', backendPath: 'v1/hello' })).toThrow(/'backendPath' must start with "\/"/);
  });

  test('fails when the path holds a query string or whitespace', () => {
    const { stack, group, backend } = base();
    expect(() => new Api(stack, 'Api', { group, backend, path: '/hello?x=1' })).toThrow(/'path' must only contain/);
    expect(() => new Api(stack, 'Api2', { group, backend, path: '/hel lo' })).toThrow(/'path' must only contain/);
  });

  test('fails when a stage is unknown', () => {
    const { stack, group, backend } = base();
    expect(() => new Api(stack, 'Api', { group, backend, path: '/hello', stages: ['PROD' as Stage] }))
      .toThrow(/'stages\[0\]' is not a stage of API Gateway, got "PROD". Use Stage.TEST, Stage.PRE or Stage.RELEASE./);
  });

  test('fails when a stage is listed twice', () => {
    const { stack, group, backend } = base();
    expect(() => new Api(stack, 'Api', { group, backend, path: '/hello', stages: [Stage.TEST, Stage.TEST] })).toThrow(/'stages\[1\]' is listed twice/);
  });

  test('fails when the method is not an HTTP method', () => {
    const { stack, group, backend } = base();
    expect(() => new Api(stack, 'Api', { group, backend, path: '/hello', method: 'FETCH' as HttpMethod })).toThrow(/'method' is not an HTTP method/);
  });

  test('fails when the backend timeout is not a positive integer of milliseconds', () => {
    const { stack, group, backend } = base();
    expect(() => new Api(stack, 'Api', { group, backend, path: '/a', backendTimeoutMillis: 0 })).toThrow(/'backendTimeoutMillis' must be an integer from 1 to 600000/);
    expect(() => new Api(stack, 'Api2', { group, backend, path: '/b', backendTimeoutMillis: 1.5 })).toThrow(/'backendTimeoutMillis' must be an integer/);
    expect(() => new Api(stack, 'Api3', { group, backend, path: '/c', backendTimeoutMillis: 1 })).not.toThrow();
  });

  test('fails when a request parameter is declared twice', () => {
    const { stack, group, backend } = base();
    expect(() => new Api(stack, 'Api', {
      group, backend, path: '/a',
      requestParameters: [{ name: 'q', location: ParameterLocation.QUERY }, { name: 'q', location: ParameterLocation.QUERY }],
    })).toThrow(/'requestParameters\[1\].name' is already declared in QUERY/);
  });

  test('fails when the API name is not a valid name', () => {
    const { stack, group, backend } = base();
    expect(() => new Api(stack, 'Api', { group, backend, path: '/a', apiName: 'a b' })).toThrow(/'apiName' must be 4 to 50 letters/);
  });

  test('imports an existing API for plugin bindings', () => {
    const { stack, group } = base();
    const api = Api.fromApiAttributes(stack, 'Legacy', { apiId: 'api-123', group, requestPath: '/legacy', stages: [Stage.RELEASE] });
    expect(api.apiId).toBe('api-123');
    expect(api.stages).toEqual([Stage.RELEASE]);
    expect(() => Api.fromApiAttributes(stack, 'Bad', { apiId: 'api-1', group, requestPath: '/x', stages: ['LIVE' as Stage] })).toThrow(/'stages\[0\]' is not a stage/);
  });
});

describe('Api contract (validated by the construct itself, without the SecurityChecks aspect)', () => {
  /** An app whose stack has no security aspect: only the constructs' own validations run. */
  function bare() {
    const stack = testStack({ securityChecks: false });
    const group = new ApiGroup(stack, 'Group');
    const backend = new Backend(stack, 'Backend', { address: 'https://backend.example.com' });
    return { stack, group, backend, app: stack.node.scope as App };
  }

  test('fails synth when an ANONYMOUS API is published to RELEASE without jwtAuth and accessControl', () => {
    // GIVEN
    const { app, group, backend } = bare();
    // WHEN
    new Api(group.node.scope as never, 'Open', { group, backend, path: '/open', stages: [Stage.RELEASE] });
    // THEN
    expect(() => app.synth()).toThrow(/\[test\/Open\] 'stages' publishes this ANONYMOUS API to RELEASE without jwtAuth and accessControl bound there \(API or group level\), so anyone could call it/);
  });

  test('names only the stages and plugin types that are missing', () => {
    // GIVEN
    const { stack, group, backend } = bare();
    const api = new Api(stack, 'Half', { group, backend, path: '/half', stages: [Stage.TEST, Stage.RELEASE] });
    const server = testServer(stack);
    // WHEN jwtAuth on both stages (one at group level), accessControl on TEST only
    new JwtAuthPlugin(stack, 'Jwt', { server }).bindToGroup(group, [Stage.RELEASE]);
    new JwtAuthPlugin(stack, 'JwtTest', { server }).bindToApi(api, [Stage.TEST]);
    AccessControlPlugin.denyAll(stack, 'Acl').bindToApi(api, [Stage.TEST]);
    // THEN
    expect(api.node.validate()).toEqual([expect.stringMatching(/^'stages' publishes this ANONYMOUS API to RELEASE without accessControl bound there/)]);
  });

  test('passes with bindings at API or group level on every stage', () => {
    // GIVEN
    const { app, stack, group, backend } = bare();
    const api = new Api(stack, 'Closed', { group, backend, path: '/closed', stages: [Stage.TEST, Stage.RELEASE] });
    const server = testServer(stack);
    // WHEN
    new JwtAuthPlugin(stack, 'Jwt', { server }).bindToGroup(group, [Stage.TEST, Stage.RELEASE]);
    AccessControlPlugin.denyAll(stack, 'Acl').bindToApi(api);
    // THEN
    expect(api.node.validate()).toEqual([]);
    expect(() => app.synth()).not.toThrow();
  });

  test('passes for a stage covered by a reasoned APIGW-AUTH1 suppression, and for APP authentication', () => {
    // GIVEN
    const { app, stack, group, backend } = bare();
    // WHEN
    const health = new Api(stack, 'Health', { group, backend, path: '/health', stages: [Stage.TEST] });
    Suppressions.add(health, [{ id: 'APIGW-AUTH1', reason: 'Public health check, returns no data (#42)', appliesTo: ['stage:TEST'] }]);
    new Api(stack, 'Signed', { group, backend, path: '/signed', authType: ApiAuthType.APP, stages: [Stage.RELEASE] });
    // THEN
    expect(() => app.synth()).not.toThrow();
  });

  test('fails when plain HTTP is accepted without a reasoned opt-out, and reports the opt-out as an APIGW-TLS1 finding', () => {
    // GIVEN
    const { stack, group, backend } = base();
    // WHEN / THEN
    expect(() => new Api(stack, 'Plain', { group, backend, path: '/plain', protocol: ApiProtocol.HTTP }))
      .toThrow(/'protocol' accepts plain HTTP, where bearer tokens travel in clear text, got "HTTP". Use ApiProtocol.HTTPS, or opt out with allowPlainHttp: \{ reason \}/);
    expect(() => new Api(stack, 'Short', { group, backend, path: '/short', protocol: ApiProtocol.HTTP, allowPlainHttp: { reason: 'legacy' } }))
      .toThrow(/'allowPlainHttp.reason' must explain the opt-out in at least 10 characters, got "legacy"/);
    new Api(stack, 'Legacy', { group, backend, path: '/legacy', protocol: ApiProtocol.HTTP_AND_HTTPS, allowPlainHttp: { reason: 'Legacy devices without TLS until 2027 (#118)' } });
    expect(findingsOf(stack, 'APIGW-TLS1')).toEqual({ errors: [], warnings: [], infos: ['APIGW-TLS1: suppressed: allowPlainHttp: Legacy devices without TLS until 2027 (#118)'] });
  });
});
