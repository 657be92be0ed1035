import { TerraformVariable } from 'cdktf';
import { describe, expect, test } from 'vitest';
import { OciApiGateway, OciHttpMethod, OciJwtApiDeployment } from '../../../constructs';
import { validateTerraformStack } from '../../../validation';
import { synthJson } from '../../util';
import {
  COMPARTMENT_ID, GATEWAY_ID, OCI_AUDIENCE, OCI_CLIENT_ID, OCI_FACTS, OCI_ISSUER, OCI_JWKS_URI,
  ociServer, ociTestStack, seedDeployment, synthDeployment,
} from './helpers';

const BACKEND = 'https://backend.example.com/1';

describe('OciJwtApiDeployment', () => {
  test('reproduces seed 002: JWT from Authorization Bearer, remote JWKS, issuer, audience, ANY_OF scopes per route', () => {
    // GIVEN
    const stack = ociTestStack();
    const server = ociServer(stack);
    // WHEN
    new OciJwtApiDeployment(stack, 'Api', {
      gateway: OciApiGateway.fromGatewayId(stack, 'Gateway', GATEWAY_ID),
      compartmentId: COMPARTMENT_ID,
      pathPrefix: '/test',
      server,
      allowedClientIds: [OCI_CLIENT_ID],
      routes: [
        { path: '/1', backendUrl: BACKEND, requiredScopes: ['ApplicationReadA'] },
        { path: '/1', methods: [OciHttpMethod.POST, OciHttpMethod.PUT], backendUrl: BACKEND, requiredScopes: ['ApplicationWriteA'] },
      ],
    });
    // THEN
    const deployment = synthDeployment(synthJson(stack));
    expect(deployment.compartment_id).toBe(COMPARTMENT_ID);
    expect(deployment.gateway_id).toBe(GATEWAY_ID);
    expect(deployment.path_prefix).toBe('/test');
    expect(deployment.display_name).toBe('oci-test/Api');
    expect(deployment.specification.request_policies.authentication).toEqual({
      type: 'JWT_AUTHENTICATION',
      is_anonymous_access_allowed: false,
      issuers: [OCI_ISSUER],
      audiences: [OCI_AUDIENCE],
      token_header: 'Authorization',
      token_auth_scheme: 'Bearer',
      max_clock_skew_in_seconds: 60,
      public_keys: { type: 'REMOTE_JWKS', uri: OCI_JWKS_URI, is_ssl_verify_disabled: false },
      verify_claims: [{ key: 'client_id', values: [OCI_CLIENT_ID], is_required: true }],
    });
    expect(deployment.specification.routes).toEqual([
      {
        path: '/1',
        methods: ['GET'],
        backend: { type: 'HTTP_BACKEND', url: BACKEND, is_ssl_verify_disabled: false },
        request_policies: { authorization: { type: 'ANY_OF', allowed_scope: ['ApplicationReadA'] } },
      },
      {
        path: '/1',
        methods: ['POST', 'PUT'],
        backend: { type: 'HTTP_BACKEND', url: BACKEND, is_ssl_verify_disabled: false },
        request_policies: { authorization: { type: 'ANY_OF', allowed_scope: ['ApplicationWriteA'] } },
      },
    ]);
  });

  test('synthesizes a stack with no schema findings against the pinned OCI schema', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN
    seedDeployment(stack, { allowedClientIds: [OCI_CLIENT_ID] });
    // THEN
    expect(validateTerraformStack(stack)).toEqual([]);
  });

  test('takes the JWKS URI from the recorded lookup, not from the props', () => {
    // GIVEN
    const rotatedJwks = 'https://keys.example.com/jwks';
    const stack = ociTestStack({ facts: { ...OCI_FACTS, jwksUri: rotatedJwks } });
    // WHEN
    const api = seedDeployment(stack);
    // THEN
    expect(api.jwksUri).toBe(rotatedJwks);
    expect(synthDeployment(synthJson(stack)).specification.request_policies.authentication.public_keys.uri).toBe(rotatedJwks);
  });

  test('defaults: GET only, 60 s clock skew, Authorization Bearer, no client claim check', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN
    seedDeployment(stack);
    // THEN
    const deployment = synthDeployment(synthJson(stack));
    const auth = deployment.specification.request_policies.authentication;
    expect(deployment.specification.routes[0].methods).toEqual(['GET']);
    expect(auth.max_clock_skew_in_seconds).toBe(60);
    expect(auth.token_header).toBe('Authorization');
    expect(auth.token_auth_scheme).toBe('Bearer');
    expect(auth.is_anonymous_access_allowed).toBe(false);
    expect(auth.verify_claims).toBeUndefined();
  });

  test('renders a custom token header, scheme and clock skew', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN
    seedDeployment(stack, { tokenHeader: 'X-Api-Token', tokenAuthScheme: 'Token', maxClockSkewSeconds: 0, displayName: 'reports' });
    // THEN
    const deployment = synthDeployment(synthJson(stack));
    expect(deployment.display_name).toBe('reports');
    expect(deployment.specification.request_policies.authentication).toMatchObject({ token_header: 'X-Api-Token', token_auth_scheme: 'Token', max_clock_skew_in_seconds: 0 });
  });

  test('exposes issuer, audience and the deployment attributes', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN
    const api = seedDeployment(stack);
    // THEN
    expect(api.issuer).toBe(OCI_ISSUER);
    expect(api.audience).toBe(OCI_AUDIENCE);
    expect(api.deploymentId).toMatch(/TfToken/);
    expect(api.deploymentEndpoint).toMatch(/TfToken/);
  });

  test('accepts a gateway id that is a token', () => {
    // GIVEN
    const stack = ociTestStack();
    const gatewayId = new TerraformVariable(stack, 'GatewayId', { type: 'string' }).stringValue;
    // WHEN
    seedDeployment(stack, { gateway: OciApiGateway.fromGatewayId(stack, 'Imported', gatewayId) });
    // THEN
    expect(synthDeployment(synthJson(stack)).gateway_id).toBe('${var.GatewayId}');
  });

  test('fails when gatewayId is not an API gateway OCID', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => OciApiGateway.fromGatewayId(stack, 'Gateway', 'gw-123')).toThrow(/'gatewayId' must be an OCID/);
    expect(() => OciApiGateway.fromGatewayId(stack, 'Gateway2', COMPARTMENT_ID)).toThrow(/'gatewayId' must be the OCID of a apigateway/);
  });

  test('fails when compartmentId is not a compartment or tenancy OCID', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedDeployment(stack, { compartmentId: GATEWAY_ID })).toThrow(/'compartmentId' must be the OCID of a compartment or tenancy/);
  });

  test('accepts a tenancy OCID as compartmentId (root compartment)', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedDeployment(stack, { compartmentId: 'ocid1.tenancy.oc1..aaaaaaaaexampletenancy' })).not.toThrow();
  });

  test('fails when pathPrefix does not start with "/"', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedDeployment(stack, { pathPrefix: 'test' })).toThrow(/'pathPrefix' must start with "\/"/);
  });

  test('fails when routes is empty', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedDeployment(stack, { routes: [] })).toThrow(/'routes' must not be empty/);
  });

  test('fails when a route path does not start with "/"', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedDeployment(stack, { routes: [{ path: '1', backendUrl: BACKEND, requiredScopes: ['ApplicationReadA'] }] }))
      .toThrow(/'routes\[0\]\.path' must start with "\/"/);
  });

  test('fails when a route has no required scopes', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedDeployment(stack, { routes: [{ path: '/1', backendUrl: BACKEND, requiredScopes: [] }] }))
      .toThrow(/'routes\[0\]\.requiredScopes' must not be empty/);
  });

  test('fails when a required scope is not in the server catalog', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedDeployment(stack, { routes: [{ path: '/1', backendUrl: BACKEND, requiredScopes: ['ApplicationReadA', 'ApplicationAdmin'] }] }))
      .toThrow(/'routes\[0\]\.requiredScopes\[1\]' is not a scope of the M2M server/);
  });

  test('fails when the same path and method are routed twice', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedDeployment(stack, {
      routes: [
        { path: '/1', methods: [OciHttpMethod.GET, OciHttpMethod.POST], backendUrl: BACKEND, requiredScopes: ['ApplicationReadA'] },
        { path: '/1', methods: [OciHttpMethod.POST], backendUrl: BACKEND, requiredScopes: ['ApplicationWriteA'] },
      ],
    })).toThrow(/'routes\[1\]\.methods\[0\]' duplicates an earlier route for \/1/);
  });

  test('fails when ANY overlaps another method on the same path', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedDeployment(stack, {
      routes: [
        { path: '/1', backendUrl: BACKEND, requiredScopes: ['ApplicationReadA'] },
        { path: '/1', methods: [OciHttpMethod.ANY], backendUrl: BACKEND, requiredScopes: ['ApplicationWriteA'] },
      ],
    })).toThrow(/'routes\[1\]\.methods\[0\]' duplicates an earlier route/);
  });

  test('accepts the same method on different paths', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedDeployment(stack, {
      routes: [
        { path: '/1', backendUrl: BACKEND, requiredScopes: ['ApplicationReadA'] },
        { path: '/2', backendUrl: BACKEND, requiredScopes: ['ApplicationReadA'] },
      ],
    })).not.toThrow();
  });

  test('fails when methods is empty', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedDeployment(stack, { routes: [{ path: '/1', methods: [], backendUrl: BACKEND, requiredScopes: ['ApplicationReadA'] }] }))
      .toThrow(/'routes\[0\]\.methods' must not be empty/);
  });

  test('fails when the backend URL uses http without allowPlaintextBackend', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedDeployment(stack, { routes: [{ path: '/1', backendUrl: 'http://10.0.1.5/1', requiredScopes: ['ApplicationReadA'] }] }))
      .toThrow(/'routes\[0\]\.backendUrl' must use https/);
  });

  test('accepts an http backend with allowPlaintextBackend', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN
    seedDeployment(stack, { routes: [{ path: '/1', backendUrl: 'http://10.0.1.5/1', requiredScopes: ['ApplicationReadA'], allowPlaintextBackend: true }] });
    // THEN
    expect(synthDeployment(synthJson(stack)).specification.routes[0].backend.url).toBe('http://10.0.1.5/1');
  });

  test('fails when the backend URL is not an http(s) URL', () => {
    // GIVEN / WHEN / THEN: a fresh stack per case
    expect(() => seedDeployment(ociTestStack(), { routes: [{ path: '/1', backendUrl: 'backend/1', requiredScopes: ['ApplicationReadA'] }] }))
      .toThrow(/'routes\[0\]\.backendUrl' must be an absolute URL/);
    expect(() => seedDeployment(ociTestStack(), { routes: [{ path: '/1', backendUrl: 'ftp://backend/1', requiredScopes: ['ApplicationReadA'] }] }))
      .toThrow(/'routes\[0\]\.backendUrl' must be an http\(s\) URL/);
  });

  test('fails when maxClockSkewSeconds is above 300 or negative', () => {
    // GIVEN / WHEN / THEN: a fresh stack per case
    expect(() => seedDeployment(ociTestStack(), { maxClockSkewSeconds: 301 })).toThrow(/'maxClockSkewSeconds' must be a whole number of seconds from 0 to 300/);
    expect(() => seedDeployment(ociTestStack(), { maxClockSkewSeconds: -1 })).toThrow(/'maxClockSkewSeconds' must be a whole number/);
  });

  test('accepts maxClockSkewSeconds of 300', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN
    seedDeployment(stack, { maxClockSkewSeconds: 300 });
    // THEN
    expect(synthDeployment(synthJson(stack)).specification.request_policies.authentication.max_clock_skew_in_seconds).toBe(300);
  });

  test('fails when allowedClientIds is empty or holds a malformed id', () => {
    // GIVEN / WHEN / THEN: a fresh stack per case
    expect(() => seedDeployment(ociTestStack(), { allowedClientIds: [] })).toThrow(/'allowedClientIds' must not be empty when given/);
    expect(() => seedDeployment(ociTestStack(), { allowedClientIds: ['a b'] })).toThrow(/'allowedClientIds\[0\]' must not contain/);
  });

  test('fails when tokenHeader is not a header name', () => {
    // GIVEN / WHEN / THEN: a fresh stack per case
    expect(() => seedDeployment(ociTestStack(), { tokenHeader: 'Authorization: Bearer' })).toThrow(/'tokenHeader' must be an HTTP header name/);
    expect(() => seedDeployment(ociTestStack(), { tokenAuthScheme: 'Bearer x' })).toThrow(/'tokenAuthScheme' must be a single authentication scheme token/);
  });

  test('fails when the recorded JWKS URI is not https', () => {
    // GIVEN
    const stack = ociTestStack({ facts: { ...OCI_FACTS, jwksUri: 'http://keys.example.com/jwks' } });
    // WHEN / THEN
    expect(() => seedDeployment(stack)).toThrow(/'server\.facts\.jwksUri' must use https/);
  });

  test('fails when the issuer has no recorded lookup', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => ociServer(stack, { issuer: 'https://idcs-unknown.identity.oraclecloud.com' })).toThrow(/has no recorded lookup/);
  });
});
