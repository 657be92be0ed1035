import { describe, expect, test } from 'vitest';
import { Backend } from '../../../constructs';
import { synthJson, testStack } from '../../util';
import { onlyResource } from './helpers';

describe('Backend', () => {
  test('defines an HTTP backend service and carries the address APIs use', () => {
    const stack = testStack();
    const backend = new Backend(stack, 'Backend', { address: 'https://backend.example.com:8443/', description: 'Users service' });
    expect(backend.address).toBe('https://backend.example.com:8443');
    expect(onlyResource(synthJson(stack), 'alicloud_api_gateway_backend')).toEqual({ backend_name: 'test_Backend', backend_type: 'HTTP', description: 'Users service' });
  });

  test('fails when the address is not an absolute http(s) URL', () => {
    const stack = testStack();
    expect(() => new Backend(stack, 'A', { address: 'backend.example.com' })).toThrow(/'address' must be an absolute http\(s\) URL/);
    expect(() => new Backend(stack, 'B', { address: 'ftp://backend.example.com' })).toThrow(/'address' must use http or https/);
  });

  test('fails when the address has a path, query or credentials', () => {
    const stack = testStack();
    expect(() => new Backend(stack, 'A', { address: 'https://backend.example.com/v1' })).toThrow(/'address' must not contain a path, query or fragment/);
    expect(() => new Backend(stack, 'B', { address: 'https://backend.example.com?x=1' })).toThrow(/must not contain a path, query or fragment/);
    expect(() => new Backend(stack, 'C', { address: 'https://u:p@backend.example.com' })).toThrow(/'address' must not contain credentials/);
    expect(() => new Backend(stack, 'D', { address: 'https://u:s3cr3t@backend.example.com/x' })).toThrow(/^(?![\s\S]*s3cr3t)[\s\S]*must not contain credentials/);
  });

  test('imports an existing backend service', () => {
    const stack = testStack();
    const backend = Backend.fromBackendAttributes(stack, 'Existing', { backendId: 'b-1', address: 'http://10.0.0.1:8080' });
    expect(backend.address).toBe('http://10.0.0.1:8080');
  });
});
