import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ALICLOUD_PROVIDER_SOURCE, normalizeProviderSource, OCI_PROVIDER_SOURCE, SchemaRegistry } from '../../validation';

describe('SchemaRegistry', () => {
  test('resolves both pinned providers from short and full sources', () => {
    // GIVEN
    const registry = new SchemaRegistry();
    // WHEN
    const alicloud = registry.get('aliyun/alicloud');
    const oci = registry.get(OCI_PROVIDER_SOURCE);
    // THEN
    expect(alicloud).toMatchObject({ source: ALICLOUD_PROVIDER_SOURCE, version: '1.292.0' });
    expect(oci).toMatchObject({ source: OCI_PROVIDER_SOURCE, version: '8.28.0' });
    expect(alicloud?.resource('alicloud_ram_role')?.attributes.get('arn')?.computedOnly).toBe(true);
  });

  test('loads each schema once and compiles each type once', () => {
    // GIVEN
    const registry = new SchemaRegistry();
    // WHEN
    const first = registry.get('aliyun/alicloud');
    const second = registry.get('registry.terraform.io/Aliyun/AliCloud');
    // THEN
    expect(second).toBe(first);
    expect(first?.resource('alicloud_api_gateway_api')).toBe(first?.resource('alicloud_api_gateway_api'));
    expect(first?.provider()).toBe(first?.provider());
  });

  test('returns undefined for a provider without a pinned schema', () => {
    // GIVEN
    const registry = new SchemaRegistry();
    // WHEN / THEN
    expect(registry.get('hashicorp/random')).toBeUndefined();
    expect(registry.get('someone-else/alicloud')).toBeUndefined();
  });

  test('reads schemas from a custom directory', () => {
    // GIVEN
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'schemas-'));
    const schema = { format_version: '1.0', provider_schemas: { 'registry.terraform.io/acme/widget': { provider: { block: {} }, resource_schemas: { widget_thing: { block: { attributes: { name: { type: 'string', required: true } } } } } } } };
    fs.writeFileSync(path.join(dir, 'widget-0.1.0.schema.json'), JSON.stringify(schema));
    // WHEN
    const widget = new SchemaRegistry({ schemaDir: dir }).get('acme/widget');
    // THEN
    expect(widget?.resource('widget_thing')?.requiredAttributes).toEqual(['name']);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('normalizeProviderSource', () => {
  test('adds the default registry host and namespace like Terraform', () => {
    // GIVEN / WHEN / THEN
    expect(normalizeProviderSource('aliyun/alicloud')).toBe('registry.terraform.io/aliyun/alicloud');
    expect(normalizeProviderSource('random')).toBe('registry.terraform.io/hashicorp/random');
    expect(normalizeProviderSource('Registry.Terraform.io/Oracle/OCI')).toBe('registry.terraform.io/oracle/oci');
  });
});
