import { describe, expect, test } from 'vitest';
import { ApigGateway, ApigJwtAuthentication, ApigNetworkAccess, ApigPaymentType } from '../../../constructs';
import type { ApigGatewayProps } from '../../../constructs';
import { validateTerraformStack } from '../../../validation';
import { resourcesOfType, synthJson, testServer } from '../../util';
import { ENVIRONMENT_ID, GATEWAY_ID, apigTestStack } from './helpers';

const INSTANCE: ApigGatewayProps = {
  billedInstanceReason: 'Dedicated gateway for the orders team (FIN-123)',
  gatewayName: 'orders-gw',
  spec: 'apigw.small.x1',
  paymentType: ApigPaymentType.PAY_AS_YOU_GO,
  vpcId: 'vpc-abc123',
  vswitchId: 'vsw-abc123',
};

describe('ApigGateway', () => {
  test('references an existing gateway and environment by id, creating nothing', () => {
    // GIVEN
    const stack = apigTestStack();
    // WHEN
    const gateway = ApigGateway.fromGatewayAttributes(stack, 'Gateway', { gatewayId: GATEWAY_ID, environmentId: ENVIRONMENT_ID });
    // THEN
    expect(gateway.gatewayId).toBe(GATEWAY_ID);
    expect(gateway.environmentId).toBe(ENVIRONMENT_ID);
    expect(synthJson(stack).resource).toBeUndefined();
  });

  test('fails when the ids are not APIG ids', () => {
    const stack = apigTestStack();
    expect(() => ApigGateway.fromGatewayAttributes(stack, 'A', { gatewayId: 'my-gateway', environmentId: ENVIRONMENT_ID })).toThrow(/'gatewayId' must be an APIG id such as "gw-/);
    expect(() => ApigGateway.fromGatewayAttributes(stack, 'B', { gatewayId: GATEWAY_ID, environmentId: '' })).toThrow(/'environmentId' must be an APIG id such as "env-/);
  });

  test('creates a billed instance only when instantiated, intranet-only by default, and policies use its first environment', () => {
    // GIVEN
    const stack = apigTestStack();
    // WHEN
    const gateway = new ApigGateway(stack, 'Gateway', INSTANCE);
    new ApigJwtAuthentication(stack, 'Jwt', { gateway, server: testServer(stack), policyName: 'm2m-jwt' });
    const synth = synthJson(stack);
    // THEN
    const [resource] = resourcesOfType(synth, 'alicloud_apig_gateway');
    expect(resource).toMatchObject({
      gateway_name: 'orders-gw', spec: 'apigw.small.x1', payment_type: 'PayAsYouGo',
      vpc: { vpc_id: 'vpc-abc123' }, vswitch: { vswitch_id: 'vsw-abc123' },
      network_access_config: { type: ApigNetworkAccess.INTRANET }, zone_config: { select_option: 'Auto' },
    });
    const [policy] = resourcesOfType(synth, 'alicloud_apig_policy');
    expect(policy.gateway_id).toMatch(/^\$\{alicloud_apig_gateway\.[^.]+\.id\}$/);
    expect(policy.environment_id).toMatch(/^\$\{alicloud_apig_gateway\.[^.]+\.environments\[0\]\.environment_id\}$/);
    expect(validateTerraformStack(stack)).toEqual([]);
  });

  test('fails when a billed instance is created without a reason', () => {
    // GIVEN
    const stack = apigTestStack();
    // WHEN / THEN
    expect(() => new ApigGateway(stack, 'Gateway', { ...INSTANCE, billedInstanceReason: 'because' })).toThrow(/'billedInstanceReason' must say in at least 10 characters/);
  });
});
