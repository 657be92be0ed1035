import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, DefaultTokenResolver, Lazy, StringConcat, TerraformStack, Testing, Tokenization, dependable } from 'cdktf';
import { describe, expect, test } from 'vitest';
import { ApiGatewayApi } from '../../.gen/providers/alicloud/api-gateway-api';
import { AlicloudProvider } from '../../.gen/providers/alicloud/provider';
import { Api, ApiGroup, Backend, M2mProtectedApis, Stage } from '../../constructs';
import { exposeReference, lean, localDependency, localValue, withoutUndefined } from '../../constructs/private/lean-resource';
import { SEED_CLIENT_ID, testApp, testServer } from '../util';

/** The bytes `app.synth()` writes for `stack` (its `cdk.tf.json`). */
function writtenJson(stack: TerraformStack): string {
  const app = App.of(stack);
  app.synth();
  return fs.readFileSync(path.join(app.outdir, 'stacks', stack.node.id, 'cdk.tf.json'), 'utf8');
}

/** What cdktf resolves `value` to in `stack` (its own resolver: the oracle for the literals). */
function resolved(stack: TerraformStack, value: string): unknown {
  return Tokenization.resolve(value, { scope: stack, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) });
}

function providerStack(app = Testing.app(), id = 'test'): TerraformStack {
  const stack = new TerraformStack(app, id);
  new AlicloudProvider(stack, 'alicloud', { region: 'cn-hangzhou' });
  return stack;
}

describe('withoutUndefined', () => {
  test('drops undefined members of plain objects at any depth, through arrays', () => {
    const input = { a: 1, b: undefined, c: { d: undefined, e: [{ f: undefined, g: 'x' }, 'y', undefined] }, h: null, i: [] };
    expect(withoutUndefined(input)).toStrictEqual({ a: 1, c: { e: [{ g: 'x' }, 'y', undefined] }, h: null, i: [] });
    // the input is not modified
    expect(Object.keys(input)).toEqual(['a', 'b', 'c', 'h', 'i']);
  });

  test('never looks into class instances (tokens, resolvables) and keeps them as they are', () => {
    const lazy = Lazy.anyValue({ produce: () => ({ x: undefined }) });
    class Holder {
      public readonly x = undefined;
    }
    const holder = new Holder();
    const out = withoutUndefined({ lazy, holder, list: [holder] });
    expect(out.lazy).toBe(lazy);
    expect(out.holder).toBe(holder);
    expect(out.list[0]).toBe(holder);
  });

  test('returns the same object when there is nothing to drop', () => {
    const clean = { a: 1, b: { c: [1, { d: 'x' }] } };
    expect(withoutUndefined(clean)).toBe(clean);
  });
});

describe('lean', () => {
  const LeanApi = lean(ApiGatewayApi);

  /** An API resource with nested blocks, some members unset, escape hatches and overrides. */
  function define(stack: TerraformStack, cls: typeof ApiGatewayApi): ApiGatewayApi {
    const api = new cls(stack, 'Api', {
      groupId: 'group-1',
      name: 'api_one',
      authType: 'ANONYMOUS',
      serviceType: 'HTTP',
      description: 'replaced by an override',
      requestConfig: { protocol: 'HTTPS', method: 'GET', path: '/a', mode: 'MAPPING' },
      httpServiceConfig: { address: 'https://b.example.com', path: '/a', method: 'GET', timeout: 1000, contentTypeCategory: undefined },
      stageNames: ['TEST'],
    });
    api.putRequestParameters([{ name: 'q', in: 'QUERY', type: 'STRING', required: 'OPTIONAL', inService: 'QUERY', nameService: 'q', description: undefined }]);
    api.addOverride('description', 'set by an override');
    api.addOverride('http_service_config.content_type_category', 'CLIENT');
    api.addOverride('request_config.mode', undefined);
    api.forceNonceCheck = Lazy.anyValue({ produce: () => true }) as unknown as boolean;
    api.dependsOn = ['alicloud_api_gateway_group.other'];
    api.lifecycle = { createBeforeDestroy: true, ignoreChanges: ['description'], preventDestroy: undefined };
    return api;
  }

  test('writes exactly what the generated class writes', () => {
    const plain = providerStack();
    define(plain, ApiGatewayApi);
    const pruned = providerStack();
    const api = define(pruned, LeanApi);
    expect(api).toBeInstanceOf(ApiGatewayApi);
    expect(writtenJson(pruned)).toBe(writtenJson(plain));
  });

  test('keeps the class name and static members of the generated class', () => {
    expect(LeanApi.name).toBe('ApiGatewayApi');
    expect(LeanApi.tfResourceType).toBe(ApiGatewayApi.tfResourceType);
  });
});

describe('localValue and localDependency', () => {
  test('write the text the token resolves to within one stack, and keep unknown values', () => {
    const stack = providerStack();
    const group = new ApiGroup(stack, 'Group', { groupName: 'group_one' });
    expect(localValue(stack, group.groupId)).toBe(resolved(stack, group.groupId));
    expect(localValue(stack, group.groupId)).toMatch(/^\$\{alicloud_api_gateway_group\.[A-Za-z0-9_-]+\.id\}$/);
    const unrelated = group.resource.name;
    expect(localValue(stack, unrelated)).toBe(unrelated);
    expect(localValue(stack, 'plain')).toBe('plain');
    expect(localDependency(stack, group.resource)).toBe(resolved(stack, dependable(group.resource)));
  });

  test('keep the token across stacks, where cdktf wires the value through remote state', () => {
    const app = Testing.app();
    const shared = providerStack(app, 'shared');
    const other = providerStack(app, 'other');
    const group = new ApiGroup(shared, 'Group', { groupName: 'group_one' });
    expect(localValue(other, group.groupId)).toBe(group.groupId);
    expect(localDependency(other, group.resource)).not.toMatch(/^alicloud_/);
    const backend = new Backend(other, 'Backend', { address: 'https://backend.example.com' });
    new Api(other, 'Api', { group, backend, path: '/a' });
    const written = JSON.parse(writtenJson(other)) as { resource: Record<string, Record<string, { group_id: string }>> };
    const api = Object.values(written.resource.alicloud_api_gateway_api)[0];
    expect(api.group_id).not.toContain('alicloud_api_gateway_group.');
    expect(api.group_id).toMatch(/^\$\{data\.terraform_remote_state\./);
  });

  test('keep the token of a resource with for_each', () => {
    const stack = providerStack();
    const group = new ApiGroup(stack, 'Group', { groupName: 'group_one' });
    group.resource.forEach = { _getForEachExpression: () => 'x', _getKey: () => 'k', _getValue: () => 'v' } as never;
    expect(localValue(stack, group.groupId)).toBe(group.groupId);
  });

  test('only tokens recorded for a resource become literals', () => {
    const stack = providerStack();
    const group = new ApiGroup(stack, 'Group', { groupName: 'group_one' });
    const unrecorded = group.resource.subDomain;
    expect(localValue(stack, unrecorded)).toBe(unrecorded);
    const token = exposeReference(group.resource, 'sub_domain');
    expect(localValue(stack, token)).toBe(resolved(stack, token));
  });
});

describe('references in a protected API set', () => {
  /** Every `${type.name.attr}` reference and depends_on entry, with whether its block exists. */
  function danglingReferences(json: string): string[] {
    const written = JSON.parse(json) as { resource: Record<string, Record<string, { depends_on?: string[] }>> };
    const exists = (type: string, name: string): boolean => written.resource[type]?.[name] !== undefined;
    const dangling: string[] = [];
    for (const [, type, name] of json.matchAll(/\$\{(alicloud_[a-z_]+)\.([^.}]+)\.[a-z_]+\}/g)) {
      if (!exists(type, name)) dangling.push(`${type}.${name}`);
    }
    for (const blocks of Object.values(written.resource)) {
      for (const block of Object.values(blocks)) {
        for (const entry of block.depends_on ?? []) {
          const [type, name] = entry.split('.');
          if (!exists(type, name)) dangling.push(entry);
        }
      }
    }
    return dangling;
  }

  function protectedApis(rename: boolean): { json: string; stack: TerraformStack; group: ApiGroup; api: Api } {
    const app = testApp();
    const stack = providerStack(app);
    const server = testServer(stack);
    const client = server.addClient('Client', { clientId: SEED_CLIENT_ID, grantedScopes: ['user:read:one'] });
    const group = new ApiGroup(stack, 'Group', { groupName: 'group_one' });
    const backend = new Backend(stack, 'Backend', { address: 'https://backend.example.com' });
    const api = new Api(stack, 'Hello', { group, backend, path: '/hello', stages: [Stage.TEST, Stage.RELEASE] });
    const protection = new M2mProtectedApis(stack, 'Protection', { server, apis: [{ api, requiredScopes: ['user:read:one'], allowedClients: [client] }] });
    if (rename) {
      // A user renaming resources after the constructs wired them (cdktf keeps a logical id once used).
      group.resource.overrideLogicalId('renamed_group');
      api.resource.overrideLogicalId('renamed_api');
      protection.jwtPlugin.resource.overrideLogicalId('renamed_jwt');
    }
    return { json: writtenJson(stack), stack, group, api };
  }

  test('every reference and depends_on entry names a block of the stack', () => {
    const { json, stack, group, api } = protectedApis(false);
    expect(danglingReferences(json)).toEqual([]);
    expect(json).toContain(JSON.stringify(resolved(stack, group.groupId)));
    expect(json).toContain(JSON.stringify(resolved(stack, api.apiId)));
  });

  test('stay consistent when the user overrides logical ids afterwards, as the tokens would', () => {
    const { json, stack, group, api } = protectedApis(true);
    expect(danglingReferences(json)).toEqual([]);
    // The references are what cdktf resolves the constructs' own tokens to.
    expect(json).toContain(JSON.stringify(resolved(stack, group.groupId)));
    expect(json).toContain(JSON.stringify(resolved(stack, api.apiId)));
  });
});
