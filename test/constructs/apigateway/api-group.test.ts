import { describe, expect, test } from 'vitest';
import { ApiGroup } from '../../../constructs';
import { synthJson, testStack } from '../../util';
import { onlyResource } from './helpers';

describe('ApiGroup', () => {
  test('derives a valid group name from the construct path and defaults to a shared instance', () => {
    const stack = testStack();
    const group = new ApiGroup(stack, 'Group');
    expect(group.groupName).toBe('test_Group');
    expect(group.instanceType).toBe('SHARED');
    expect(onlyResource(synthJson(stack), 'alicloud_api_gateway_group')).toEqual({ name: 'test_Group' });
  });

  test('renders name, description and instance', () => {
    const stack = testStack();
    new ApiGroup(stack, 'Group', { groupName: 'orders_api', description: 'Orders', instanceId: 'apigateway-cn-abc123' });
    expect(onlyResource(synthJson(stack), 'alicloud_api_gateway_group')).toEqual({ name: 'orders_api', description: 'Orders', instance_id: 'apigateway-cn-abc123' });
  });

  test('fails when the group name is not 4 to 50 letters, digits or underscores', () => {
    const stack = testStack();
    expect(() => new ApiGroup(stack, 'A', { groupName: 'abc' })).toThrow(/'groupName' must be 4 to 50/);
    expect(() => new ApiGroup(stack, 'B', { groupName: '_abcd' })).toThrow(/'groupName' must be 4 to 50/);
    expect(() => new ApiGroup(stack, 'C', { groupName: 'x'.repeat(51) })).toThrow(/'groupName' must be 4 to 50/);
    expect(() => new ApiGroup(stack, 'D', { groupName: 'abcd' })).not.toThrow();
    expect(() => new ApiGroup(stack, 'E', { groupName: 'x'.repeat(50) })).not.toThrow();
  });

  test('imports an existing group', () => {
    const stack = testStack();
    const group = ApiGroup.fromGroupAttributes(stack, 'Existing', { groupId: 'grp-1' });
    expect(group.groupId).toBe('grp-1');
    expect(group.instanceType).toBe('SHARED');
    expect(() => ApiGroup.fromGroupAttributes(stack, 'Empty', { groupId: ' ' })).toThrow(/'groupId' must be a non-empty group id/);
  });
});
