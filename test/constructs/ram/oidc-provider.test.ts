import { TerraformOutput, Token } from 'cdktf';
import { describe, expect, test } from 'vitest';
import { OidcProvider } from '../../../constructs';
import { synthJson, TEST_AUDIENCE, TEST_FACTS, TEST_ISSUER, testLock, testServer, testStack } from '../../util';
import {
  clientIds, factsWithFingerprints, fingerprint, onlyResource, RECORDED_FINGERPRINT, ROOT_FINGERPRINT,
  stackWithFingerprints, testProvider,
} from './helpers';

const PROVIDER = 'alicloud_ims_oidc_provider';

/** Colon-separated upper-case form, as `openssl x509 -fingerprint -sha1` prints it. */
function opensslStyle(fp: string): string {
  return fp.toUpperCase().match(/../g)!.join(':');
}

describe('OidcProvider', () => {
  test('defines a provider for an M2M server from its issuer, audience and recorded fingerprints', () => {
    // GIVEN
    const stack = testStack();
    const server = testServer(stack);
    // WHEN
    OidcProvider.forM2mServer(stack, 'IdaasProvider', server, { oidcProviderName: 'idaas-m2m', description: 'IDaaS M2M issuer' });
    // THEN
    const provider = onlyResource(synthJson(stack), PROVIDER);
    expect(provider.oidc_provider_name).toBe('idaas-m2m');
    expect(provider.issuer_url).toBe(TEST_ISSUER);
    expect(provider.client_ids).toEqual([TEST_AUDIENCE]);
    expect(provider.fingerprints).toEqual([RECORDED_FINGERPRINT]);
    expect(provider.description).toBe('IDaaS M2M issuer');
  });

  test('renders the default issuance limit of 12 hours', () => {
    // GIVEN
    const stack = testStack();
    // WHEN
    testProvider(stack);
    // THEN
    expect(onlyResource(synthJson(stack), PROVIDER).issuance_limit_time).toBe(12);
  });

  test('generates a valid name from the construct path when none is given', () => {
    // GIVEN
    const stack = testStack();
    // WHEN
    const provider = new OidcProvider(stack, 'Idp', { issuerUrl: TEST_ISSUER, clientIds: [TEST_AUDIENCE] });
    // THEN
    expect(provider.oidcProviderName).toMatch(/^test-Idp-[0-9A-F]{8}$/);
    expect(onlyResource(synthJson(stack), PROVIDER).oidc_provider_name).toBe(provider.oidcProviderName);
  });

  test('exposes the ARN as a reference to the created provider', () => {
    // GIVEN
    const stack = testStack();
    // WHEN
    const provider = testProvider(stack);
    new TerraformOutput(stack, 'OidcProviderArn', { value: provider.oidcProviderArn });
    // THEN
    expect(Token.isUnresolved(provider.oidcProviderArn)).toBe(true);
    expect(synthJson(stack).output?.OidcProviderArn.value).toMatch(/^\$\{alicloud_ims_oidc_provider\.[A-Za-z0-9_]+\.arn\}$/);
  });

  test.each([1, 168])('accepts an issuance limit of %d hours', (hours) => {
    // GIVEN
    const stack = testStack();
    // WHEN
    testProvider(stack, { issuanceLimitHours: hours });
    // THEN
    expect(onlyResource(synthJson(stack), PROVIDER).issuance_limit_time).toBe(hours);
  });

  test.each([0, 169, 1.5])('fails when issuanceLimitHours is %d', (hours) => {
    const stack = testStack();
    expect(() => testProvider(stack, { issuanceLimitHours: hours }))
      .toThrow(/'issuanceLimitHours' must be a whole number of hours between 1 and 168/);
  });

  test('fails when the issuer URL uses http', () => {
    const stack = testStack();
    expect(() => new OidcProvider(stack, 'Idp', { issuerUrl: 'http://eiam-test.aliyunidaas.com/api/v2/iauths_system/oauth2', clientIds: [TEST_AUDIENCE] }))
      .toThrow(/\[test\/Idp\] 'issuerUrl' must use https/);
  });

  test('fails when the issuer URL has a query', () => {
    const stack = testStack();
    expect(() => new OidcProvider(stack, 'Idp', { issuerUrl: `${TEST_ISSUER}?tenant=1`, clientIds: [TEST_AUDIENCE] }))
      .toThrow(/'issuerUrl' must not contain a query or fragment/);
  });

  test('fails when the issuer URL has a fragment', () => {
    const stack = testStack();
    expect(() => new OidcProvider(stack, 'Idp', { issuerUrl: `${TEST_ISSUER}#x`, clientIds: [TEST_AUDIENCE] }))
      .toThrow(/'issuerUrl' must not contain a query or fragment/);
  });

  test('fails when the issuer has no recorded lookup', () => {
    const stack = testStack();
    expect(() => new OidcProvider(stack, 'Idp', { issuerUrl: 'https://other.example.com', clientIds: [TEST_AUDIENCE] }))
      .toThrow(/'issuerUrl' has no recorded lookup in lookups.lock.json/);
  });

  test('fails when clientIds is empty', () => {
    const stack = testStack();
    expect(() => new OidcProvider(stack, 'Idp', { issuerUrl: TEST_ISSUER, clientIds: [] }))
      .toThrow(/'clientIds' must not be empty/);
  });

  test('accepts 50 client ids', () => {
    // GIVEN
    const stack = testStack();
    // WHEN
    new OidcProvider(stack, 'Idp', { issuerUrl: TEST_ISSUER, clientIds: clientIds(50) });
    // THEN
    expect(onlyResource(synthJson(stack), PROVIDER).client_ids).toHaveLength(50);
  });

  test('fails when there are 51 client ids', () => {
    const stack = testStack();
    expect(() => new OidcProvider(stack, 'Idp', { issuerUrl: TEST_ISSUER, clientIds: clientIds(51) }))
      .toThrow(/'clientIds' must have at most 50 entries/);
  });

  test('renders client ids sorted and de-duplicated', () => {
    // GIVEN
    const stack = testStack();
    // WHEN
    new OidcProvider(stack, 'Idp', { issuerUrl: TEST_ISSUER, clientIds: ['b_app', 'a_app', 'b_app'] });
    // THEN
    expect(onlyResource(synthJson(stack), PROVIDER).client_ids).toEqual(['a_app', 'b_app']);
  });

  test('fails when a client id has characters RAM rejects', () => {
    const stack = testStack();
    expect(() => new OidcProvider(stack, 'Idp', { issuerUrl: TEST_ISSUER, clientIds: ['app one'] }))
      .toThrow(/'clientIds\[0\]' must be a client id/);
  });

  test('accepts a 128-character provider name', () => {
    const stack = testStack();
    const name = `a${'b'.repeat(126)}c`;
    testProvider(stack, { oidcProviderName: name });
    expect(onlyResource(synthJson(stack), PROVIDER).oidc_provider_name).toBe(name);
  });

  test.each([
    ['too long', 'a'.repeat(129)],
    ['starting with a special character', '-idaas'],
    ['with a space', 'idaas m2m'],
  ])('fails when the provider name is %s', (_, name) => {
    const stack = testStack();
    expect(() => testProvider(stack, { oidcProviderName: name }))
      .toThrow(/'oidcProviderName' must be a valid OIDC provider name/);
  });

  test('keeps old and new fingerprints during a certificate rotation', () => {
    // GIVEN
    const stack = stackWithFingerprints([fingerprint(2), fingerprint(1)]);
    // WHEN
    const provider = testProvider(stack);
    // THEN
    expect(provider.fingerprints).toEqual([fingerprint(1), fingerprint(2)]);
    expect(onlyResource(synthJson(stack), PROVIDER).fingerprints).toEqual([fingerprint(1), fingerprint(2)]);
  });

  test('accepts 5 recorded fingerprints', () => {
    const stack = stackWithFingerprints([1, 2, 3, 4, 5].map(fingerprint));
    testProvider(stack);
    expect(onlyResource(synthJson(stack), PROVIDER).fingerprints).toHaveLength(5);
  });

  test('fails when there are 6 fingerprints', () => {
    const stack = stackWithFingerprints([1, 2, 3, 4, 5, 6].map(fingerprint));
    expect(() => testProvider(stack)).toThrow(/'fingerprints' must have at most 5 entries/);
  });

  test('fails when the lock records no fingerprint', () => {
    const stack = stackWithFingerprints([]);
    expect(() => testProvider(stack)).toThrow(/'issuerUrl' has no recorded TLS fingerprint/);
  });

  test('fails when a recorded fingerprint is malformed', () => {
    const stack = stackWithFingerprints(['not-a-fingerprint']);
    expect(() => testProvider(stack)).toThrow(/'issuerUrl' has a malformed recorded fingerprint/);
  });

  test('accepts a pinned fingerprint the lookup recorded, in openssl notation', () => {
    // GIVEN
    const stack = testStack();
    // WHEN
    const provider = testProvider(stack, { expectedFingerprints: [opensslStyle(RECORDED_FINGERPRINT)] });
    // THEN
    expect(provider.fingerprints).toEqual([RECORDED_FINGERPRINT]);
  });

  test('fails when a pinned fingerprint was not observed, pointing at a possible attack and a refresh', () => {
    const stack = testStack();
    expect(() => testProvider(stack, { expectedFingerprints: [fingerprint(9)] }))
      .toThrow(/'expectedFingerprints\[0\]' was not observed by the synth-time lookup.*might be under attack.*npm run lookups -- --refresh/);
  });

  test('fails when the pinned fingerprint is the root CA one', () => {
    const stack = testStack();
    expect(() => testProvider(stack, { expectedFingerprints: [ROOT_FINGERPRINT] }))
      .toThrow(/'expectedFingerprints\[0\]' is the fingerprint of the root CA/);
  });

  test('fails when a pinned fingerprint is malformed', () => {
    const stack = testStack();
    expect(() => testProvider(stack, { expectedFingerprints: ['abc123'] }))
      .toThrow(/'expectedFingerprints\[0\]' must be a 40-character hex SHA-1 fingerprint/);
  });

  test('adds a pinned fingerprint the issuer presented but the lock no longer lists', () => {
    // GIVEN: the recorded list was pruned to the new certificate; the host still presents the old one
    const stack = testStack({ lock: testLock([factsWithFingerprints([fingerprint(7)])]) });
    // WHEN
    const provider = testProvider(stack, { expectedFingerprints: [TEST_FACTS.hosts[0].presentedTop.sha1] });
    // THEN
    expect(provider.fingerprints).toEqual([RECORDED_FINGERPRINT, fingerprint(7)].sort());
  });

  test('imports a provider by ARN', () => {
    // GIVEN
    const stack = testStack();
    // WHEN
    const provider = OidcProvider.fromOidcProviderArn(stack, 'Imported', 'acs:ram::1234567890123456:oidc-provider/idaas-m2m', {
      issuerUrl: TEST_ISSUER, clientIds: [TEST_AUDIENCE],
    });
    // THEN
    expect(provider.oidcProviderName).toBe('idaas-m2m');
    expect(provider.oidcProviderArn).toBe('acs:ram::1234567890123456:oidc-provider/idaas-m2m');
    expect(provider.clientIds).toEqual([TEST_AUDIENCE]);
    expect(synthJson(stack).resource?.[PROVIDER]).toBeUndefined();
  });

  test.each([
    'acs:ram::1234567890123456:role/idaas-m2m',
    'acs:ram:cn-hangzhou:1234567890123456:oidc-provider/idaas-m2m',
    'acs:ram::1234567890123456:oidc-provider/',
    'idaas-m2m',
  ])('fails when importing the malformed ARN %s', (arn) => {
    const stack = testStack();
    expect(() => OidcProvider.fromOidcProviderArn(stack, 'Imported', arn, { issuerUrl: TEST_ISSUER, clientIds: [TEST_AUDIENCE] }))
      .toThrow(/'oidcProviderArn' must be an OIDC provider ARN of the form acs:ram::<account id>:oidc-provider\/<name>/);
  });

  test('fails when importing with an http issuer', () => {
    const stack = testStack();
    expect(() => OidcProvider.fromOidcProviderArn(stack, 'Imported', 'acs:ram::1234567890123456:oidc-provider/idaas-m2m', {
      issuerUrl: 'http://eiam-test.aliyunidaas.com', clientIds: [TEST_AUDIENCE],
    })).toThrow(/'issuerUrl' must use https/);
  });
});
