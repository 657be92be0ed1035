import { describe, expect, test } from 'vitest';
import { OciIdentityDomainConfidentialApp, OciIdentityDomainResourceServer } from '../../../constructs';
import type { OciIdentityDomainConfidentialAppProps } from '../../../constructs';
import { validateTerraformStack } from '../../../validation';
import { synthJson } from '../../util';
import type { SynthesizedStack } from '../../util';
import { OCI_DOMAIN_URL, ociResourceServer, ociServer, ociTestStack } from './helpers';

type Stack = ReturnType<typeof ociTestStack>;

/** The seed's confidential client (step 2): client credentials, granted `ApplicationReadA`. */
function seedClient(stack: Stack, props: Partial<OciIdentityDomainConfidentialAppProps> = {}): OciIdentityDomainConfidentialApp {
  return new OciIdentityDomainConfidentialApp(stack, 'ReportingClient', {
    resourceServer: props.resourceServer ?? ociResourceServer(stack),
    grantedScopes: ['ApplicationReadA'],
    ...props,
  });
}

function apps(synth: SynthesizedStack): Record<string, Record<string, any>> {
  return (synth.resource?.oci_identity_domains_app ?? {}) as Record<string, Record<string, any>>;
}

function appOf(synth: SynthesizedStack, idPrefix: string): Record<string, any> {
  const found = Object.entries(apps(synth)).filter(([name]) => name.startsWith(idPrefix));
  if (found.length !== 1) throw new Error(`expected one app ${idPrefix}, got ${found.length}`);
  return found[0][1];
}

describe('OciIdentityDomainResourceServer', () => {
  test('defines the seed\'s resource server (step 1): audience and scopes of the server reference', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN
    new OciIdentityDomainResourceServer(stack, 'ResourceServer', { idcsEndpoint: OCI_DOMAIN_URL, server: ociServer(stack), displayName: 'application1', description: 'Seed resource server' });
    // THEN
    expect(appOf(synthJson(stack), 'ResourceServer')).toEqual({
      idcs_endpoint: OCI_DOMAIN_URL,
      schemas: ['urn:ietf:params:scim:schemas:oracle:idcs:App'],
      display_name: 'application1',
      description: 'Seed resource server',
      based_on_template: { value: 'CustomWebAppTemplateId' },
      is_oauth_resource: true,
      audience: 'application1',
      scopes: [{ value: 'ApplicationReadA', requires_consent: false }, { value: 'ApplicationWriteA', requires_consent: false }],
      active: true,
    });
    expect(validateTerraformStack(stack)).toEqual([]);
  });

  test('fails when idcsEndpoint is not https or displayName is blank', () => {
    const stack = ociTestStack();
    const server = ociServer(stack);
    expect(() => new OciIdentityDomainResourceServer(stack, 'A', { idcsEndpoint: 'http://idcs-0123.identity.oraclecloud.com', server })).toThrow(/'idcsEndpoint' must use https/);
    expect(() => new OciIdentityDomainResourceServer(stack, 'B', { idcsEndpoint: OCI_DOMAIN_URL, server, displayName: ' ' })).toThrow(/'displayName' must not be empty/);
  });
});

describe('OciIdentityDomainConfidentialApp', () => {
  test('defines a confidential client limited to the client-credentials grant, granted the resource server\'s scopes by reference', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN
    const client = seedClient(stack, { displayName: 'ResourceServerUse', description: 'Reporting job' });
    // THEN
    const synth = synthJson(stack);
    const resourceServerName = Object.keys(apps(synth)).find((n) => n.startsWith('ResourceServer'));
    expect(appOf(synth, 'ReportingClient')).toEqual({
      idcs_endpoint: OCI_DOMAIN_URL,
      schemas: ['urn:ietf:params:scim:schemas:oracle:idcs:App'],
      display_name: 'ResourceServerUse',
      description: 'Reporting job',
      based_on_template: { value: 'CustomWebAppTemplateId' },
      client_type: 'confidential',
      is_oauth_client: true,
      allowed_grants: ['client_credentials'],
      allowed_scopes: [{ fqs: `\${oci_identity_domains_app.${resourceServerName}.audience}ApplicationReadA` }],
      active: true,
    });
    expect(client.grantedScopes).toEqual(['ApplicationReadA']);
    expect(client.isGranted('ApplicationReadA')).toBe(true);
    expect(client.isGranted('ApplicationWriteA')).toBe(false);
    expect(client.clientId).toMatch(/TfToken/);
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
    seedClient(stack);
    // THEN
    const rendered = appOf(synthJson(stack), 'ReportingClient');
    expect(rendered.active).toBe(true);
    expect(rendered.display_name).toBe('oci-test/ReportingClient');
    expect(rendered.description).toBeUndefined();
  });

  test('synthesizes with no schema findings against the pinned OCI schema', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN
    seedClient(stack, { grantedScopes: ['ApplicationReadA', 'ApplicationWriteA'], active: false });
    // THEN
    expect(validateTerraformStack(stack)).toEqual([]);
  });

  test('fails when grantedScopes is empty', () => {
    expect(() => seedClient(ociTestStack(), { grantedScopes: [] })).toThrow(/'grantedScopes' must not be empty/);
  });

  test('fails when a scope is not in the resource server\'s catalog', () => {
    expect(() => seedClient(ociTestStack(), { grantedScopes: ['ApplicationDelete'] })).toThrow(/'grantedScopes\[0\]' is not a scope of the M2M server/);
  });

  test('fails when displayName is blank', () => {
    expect(() => seedClient(ociTestStack(), { displayName: ' ' })).toThrow(/'displayName' must not be empty/);
  });
});
