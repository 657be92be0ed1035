import { describe, expect, test } from 'vitest';
import { M2mAuthorizationServer } from '../../../constructs';
import { SEED_CLIENT_ID, TEST_AUDIENCE, TEST_FACTS, TEST_ISSUER, testLock, testServer, testStack } from '../../util';
import { IssuerLookup } from '../../../constructs';
import { Testing, TerraformStack } from 'cdktf';

describe('M2mAuthorizationServer', () => {
  test('exposes the facts recorded by the synth-time lookup', () => {
    // GIVEN
    const stack = testStack();
    // WHEN
    const server = testServer(stack);
    // THEN
    expect(server.tokenEndpoint).toBe(TEST_FACTS.tokenEndpoint);
    expect(server.signingKeys.map((k) => k.kid)).toEqual(['AUTHSKEY7Ph6QS83xkN76oRwvZsJT68ejJ4PdAXmk']);
    expect(server.fingerprints).toEqual(TEST_FACTS.fingerprints);
  });

  test('renders the <audience>|<scope> request string', () => {
    // GIVEN
    const server = testServer(testStack());
    // WHEN / THEN
    expect(server.requestScope(['user:read:one'])).toBe(`${TEST_AUDIENCE}|user:read:one`);
    expect(server.requestScope(['user:read:one', 'user:write:one'])).toBe(`${TEST_AUDIENCE}|user:read:one ${TEST_AUDIENCE}|user:write:one`);
    expect(server.requestScope()).toBe(`${TEST_AUDIENCE}|.all`);
  });

  test('fails when the issuer is plain http', () => {
    expect(() => testServer(testStack(), { issuer: 'http://eiam-test.aliyunidaas.com/oauth2' })).toThrow(/'issuer' must use https/);
  });

  test('fails when the issuer has a query or fragment', () => {
    expect(() => testServer(testStack(), { issuer: `${TEST_ISSUER}?x=1` })).toThrow(/'issuer' must not contain a query or fragment/);
    expect(() => testServer(testStack(), { issuer: `${TEST_ISSUER}#frag` })).toThrow(/'issuer' must not contain a query or fragment/);
  });

  test('fails when the issuer was never looked up', () => {
    expect(() => testServer(testStack(), { issuer: 'https://other.example.com/oauth2' })).toThrow(/'issuer' has no recorded lookup in lookups.lock.json.*npm run lookups -- --issuer https:\/\/other.example.com\/oauth2/);
  });

  test('fails when no lookup lock is attached to the app', () => {
    // GIVEN
    const stack = new TerraformStack(Testing.app(), 'bare');
    // WHEN / THEN
    expect(() => testServer(stack)).toThrow(/no lookup lock is attached/);
  });

  test('fails when the scope catalog is empty', () => {
    expect(() => testServer(testStack(), { scopes: [] })).toThrow(/'scopes' must not be empty/);
  });

  test('fails when a scope contains a quote or whitespace', () => {
    expect(() => testServer(testStack(), { scopes: ["user:read:one' or '1'='1"] })).toThrow(/'scopes\[0\]' must not contain quotes/);
    expect(() => testServer(testStack(), { scopes: ['a b'] })).toThrow(/'scopes\[0\]' must not contain/);
  });

  test('fails when a scope is listed twice', () => {
    expect(() => testServer(testStack(), { scopes: ['a', 'a'] })).toThrow(/'scopes\[1\]' is listed twice/);
  });

  test('fails when the audience is empty', () => {
    expect(() => testServer(testStack(), { audience: ' ' })).toThrow(/'audience' must be the non-empty audience identifier/);
  });

  test('attaching a lock makes its issuers available to every construct below the app', () => {
    // GIVEN
    const app = Testing.app();
    IssuerLookup.attach(app, testLock());
    const stack = new TerraformStack(app, 's');
    // WHEN
    const server = new M2mAuthorizationServer(stack, 'S', { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, scopes: ['a'] });
    // THEN
    expect(server.facts.jwksUri).toBe(TEST_FACTS.jwksUri);
  });
});

describe('M2mClient', () => {
  test('is granted a subset of the server catalog', () => {
    // GIVEN
    const server = testServer(testStack());
    // WHEN
    const client = server.addClient('Seed', { clientId: SEED_CLIENT_ID, grantedScopes: ['user:read:one'] });
    // THEN
    expect(client.isGranted('user:read:one')).toBe(true);
    expect(client.isGranted('user:write:one')).toBe(false);
    expect(server.clients).toEqual([client]);
  });

  test('fails when a granted scope is not in the catalog', () => {
    const server = testServer(testStack());
    expect(() => server.addClient('C', { clientId: 'app_1', grantedScopes: ['admin'] })).toThrow(/'grantedScopes\[0\]' is not a scope of the M2M server/);
  });

  test('fails when granted scopes are empty', () => {
    const server = testServer(testStack());
    expect(() => server.addClient('C', { clientId: 'app_1', grantedScopes: [] })).toThrow(/'grantedScopes' must not be empty/);
  });

  test('fails when the client id contains a quote', () => {
    const server = testServer(testStack());
    expect(() => server.addClient('C', { clientId: "app_1'", grantedScopes: ['user:read:one'] })).toThrow(/'clientId' must not contain quotes/);
  });

  test('fails when two clients share a client id', () => {
    const server = testServer(testStack());
    server.addClient('A', { clientId: 'app_1', grantedScopes: ['user:read:one'] });
    expect(() => server.addClient('B', { clientId: 'app_1', grantedScopes: ['user:read:one'] })).toThrow(/'clientId' is already used by/);
  });
});
