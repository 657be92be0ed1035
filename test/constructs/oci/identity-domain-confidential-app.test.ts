import { describe, expect, test } from 'vitest';
import { OciIdentityDomainConfidentialApp } from '../../../constructs';
import type { OciIdentityDomainConfidentialAppProps } from '../../../constructs';
import { validateTerraformStack } from '../../../validation';
import { synthJson } from '../../util';
import type { SynthesizedStack } from '../../util';
import { OCI_DOMAIN_URL, ociServer, ociTestStack } from './helpers';

type Stack = ReturnType<typeof ociTestStack>;

/** The seed's confidential client (step 2): client credentials, granted `ApplicationReadA`. */
function seedClient(stack: Stack, props: Partial<OciIdentityDomainConfidentialAppProps> = {}): OciIdentityDomainConfidentialApp {
  return new OciIdentityDomainConfidentialApp(stack, 'ReportingClient', {
    idcsEndpoint: OCI_DOMAIN_URL,
    server: props.server ?? ociServer(stack),
    allowedScopes: ['ApplicationReadA'],
    ...props,
  });
}

function synthApp(synth: SynthesizedStack): Record<string, any> {
  const all = Object.values(synth.resource?.oci_identity_domains_app ?? {});
  if (all.length !== 1) throw new Error(`expected one app, got ${all.length}`);
  return all[0];
}

describe('OciIdentityDomainConfidentialApp', () => {
  test('defines a confidential client limited to the client-credentials grant and the granted scopes', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN
    seedClient(stack, { displayName: 'ResourceServerUse', description: 'Reporting job' });
    // THEN
    expect(synthApp(synthJson(stack))).toEqual({
      idcs_endpoint: OCI_DOMAIN_URL,
      schemas: ['urn:ietf:params:scim:schemas:oracle:idcs:App'],
      display_name: 'ResourceServerUse',
      description: 'Reporting job',
      based_on_template: { value: 'CustomWebAppTemplateId' },
      client_type: 'confidential',
      is_oauth_client: true,
      allowed_grants: ['client_credentials'],
      allowed_scopes: [{ fqs: 'application1ApplicationReadA' }],
      active: true,
    });
  });

  test('never sets or outputs a client secret', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN
    seedClient(stack);
    // THEN
    const synth = synthJson(stack);
    expect(JSON.stringify(synth)).not.toMatch(/secret/i);
    expect(synth.output).toBeUndefined();
  });

  test('defaults: active, display name from the construct path', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN
    const app = seedClient(stack);
    // THEN
    const rendered = synthApp(synthJson(stack));
    expect(rendered.active).toBe(true);
    expect(rendered.display_name).toBe('oci-test/ReportingClient');
    expect(rendered.description).toBeUndefined();
    expect(app.grantedFullyQualifiedScopes).toEqual(['application1ApplicationReadA']);
  });

  test('synthesizes with no schema findings against the pinned OCI schema', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN
    seedClient(stack, { allowedScopes: ['ApplicationReadA', 'ApplicationWriteA'], active: false });
    // THEN
    expect(validateTerraformStack(stack)).toEqual([]);
  });

  test('fails when allowedScopes is empty', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedClient(stack, { allowedScopes: [] })).toThrow(/'allowedScopes' must not be empty/);
  });

  test('fails when a scope is not in the server catalog', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedClient(stack, { allowedScopes: ['ApplicationDelete'] })).toThrow(/'allowedScopes\[0\]' is not a scope of the M2M server/);
  });

  test('fails when idcsEndpoint is not https', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedClient(stack, { idcsEndpoint: 'http://idcs-0123.identity.oraclecloud.com' })).toThrow(/'idcsEndpoint' must use https/);
  });

  test('fails when displayName is blank', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN / THEN
    expect(() => seedClient(stack, { displayName: ' ' })).toThrow(/'displayName' must not be empty/);
  });
});
