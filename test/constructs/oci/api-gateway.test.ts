import { describe, expect, test } from 'vitest';
import { OciApiGateway, OciGatewayEndpointType } from '../../../constructs';
import { validateTerraformStack } from '../../../validation';
import { synthJson } from '../../util';
import { COMPARTMENT_ID, ociTestStack, seedDeployment } from './helpers';

const SUBNET_ID = 'ocid1.subnet.oc1.eu-frankfurt-1.aaaaaaaaexamplesubnet';

describe('OciApiGateway', () => {
  test('defines a gateway, private by default, and deployments reference it', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN
    const gateway = new OciApiGateway(stack, 'Gateway', { compartmentId: COMPARTMENT_ID, subnetId: SUBNET_ID });
    seedDeployment(stack, { gateway });
    // THEN
    const synth = synthJson(stack);
    const [name, rendered] = Object.entries(synth.resource?.oci_apigateway_gateway ?? {})[0] as [string, Record<string, unknown>];
    expect(rendered).toEqual({ compartment_id: COMPARTMENT_ID, subnet_id: SUBNET_ID, endpoint_type: 'PRIVATE', display_name: 'oci-test/Gateway' });
    const deployment = Object.values(synth.resource?.oci_apigateway_deployment ?? {})[0] as Record<string, unknown>;
    expect(deployment.gateway_id).toBe(`\${oci_apigateway_gateway.${name}.id}`);
    expect(validateTerraformStack(stack)).toEqual([]);
  });

  test('renders a public endpoint, a certificate and network security groups', () => {
    // GIVEN
    const stack = ociTestStack();
    // WHEN
    new OciApiGateway(stack, 'Gateway', {
      compartmentId: COMPARTMENT_ID,
      subnetId: SUBNET_ID,
      endpointType: OciGatewayEndpointType.PUBLIC,
      displayName: 'm2m',
      certificateId: 'ocid1.certificate.oc1.eu-frankfurt-1.aaaaaaaaexamplecert',
      networkSecurityGroupIds: ['ocid1.networksecuritygroup.oc1.eu-frankfurt-1.aaaaaaaaexamplensg'],
    });
    // THEN
    const rendered = Object.values(synthJson(stack).resource?.oci_apigateway_gateway ?? {})[0] as Record<string, unknown>;
    expect(rendered).toMatchObject({ endpoint_type: 'PUBLIC', display_name: 'm2m', certificate_id: 'ocid1.certificate.oc1.eu-frankfurt-1.aaaaaaaaexamplecert' });
    expect(rendered.network_security_group_ids).toEqual(['ocid1.networksecuritygroup.oc1.eu-frankfurt-1.aaaaaaaaexamplensg']);
    expect(validateTerraformStack(stack)).toEqual([]);
  });

  test('fails on a subnet, compartment or certificate that is not the right OCID, or an unknown endpoint type', () => {
    const make = (props: Record<string, unknown>) => () => new OciApiGateway(ociTestStack(), 'Gateway', { compartmentId: COMPARTMENT_ID, subnetId: SUBNET_ID, ...props });
    expect(make({ subnetId: COMPARTMENT_ID })).toThrow(/'subnetId' must be the OCID of a subnet/);
    expect(make({ compartmentId: SUBNET_ID })).toThrow(/'compartmentId' must be the OCID of a compartment or tenancy/);
    expect(make({ certificateId: 'cert' })).toThrow(/'certificateId' must be an OCID/);
    expect(make({ endpointType: 'INTERNAL' })).toThrow(/'endpointType' must be PUBLIC or PRIVATE/);
  });
});
