import { TerraformIterator, TerraformResource, Testing } from 'cdktf';
import { describe, expect, test } from 'vitest';
import { ApiGatewayPluginAttachment } from '../../.gen/providers/alicloud/api-gateway-plugin-attachment';
import { AlicloudProvider } from '../../.gen/providers/alicloud/provider';
import { FindingCode, inspectStack, validateStack, validateTerraformStack } from '../../validation';
import {
  gatewayApi,
  jwtPlugin,
  ociDeployment,
  oidcProvider,
  pluginAttachment,
  policyDocument,
  providerStack,
  ramRole,
  summary,
} from './util';

describe('validateTerraformStack', () => {
  test('accepts a stack of valid resources, data sources and providers', () => {
    // GIVEN
    const { stack } = providerStack();
    ramRole(stack);
    gatewayApi(stack);
    jwtPlugin(stack);
    pluginAttachment(stack);
    oidcProvider(stack);
    policyDocument(stack);
    ociDeployment(stack);
    // WHEN
    const findings = validateTerraformStack(stack);
    // THEN
    expect(summary(findings)).toEqual([]);
  });

  describe('unknown attribute', () => {
    test('fails when a resource sets an attribute the schema does not define', () => {
      // GIVEN
      const { stack } = providerStack();
      ramRole(stack).addOverride('role_nmae', 'typo');
      // WHEN
      const [finding, ...rest] = validateTerraformStack(stack);
      // THEN
      expect(rest).toEqual([]);
      expect(finding).toMatchObject({ code: FindingCode.UNKNOWN_ATTRIBUTE, stack: 'test', address: 'alicloud_ram_role.CiRole', path: 'role_nmae', value: '"typo"' });
      expect(finding.expected).toContain('did you mean "role_name"?');
      expect(finding.format()).toContain("[test] alicloud_ram_role.CiRole 'role_nmae' is not an attribute of the schema");
    });

    test('accepts Terraform meta-arguments that are not schema attributes', () => {
      // GIVEN
      const { stack } = providerStack();
      const role = ramRole(stack);
      role.addOverride('count', 2);
      role.addOverride('lifecycle', { prevent_destroy: true });
      role.addOverride('depends_on', ['alicloud_ram_role.Other']);
      // WHEN / THEN
      expect(validateTerraformStack(stack)).toEqual([]);
    });
  });

  describe('unknown block', () => {
    test('fails when a resource sets a block the schema does not define', () => {
      // GIVEN
      const { stack } = providerStack();
      gatewayApi(stack).addOverride('backend_config', { address: 'x' });
      // WHEN / THEN
      expect(summary(validateTerraformStack(stack))).toEqual(['SCHEMA_UNKNOWN_BLOCK alicloud_api_gateway_api.Api backend_config']);
    });

    test('fails when a nested block sets an attribute its block schema does not define', () => {
      // GIVEN
      const { stack } = providerStack();
      gatewayApi(stack).addOverride('request_config.verb', 'GET');
      // WHEN / THEN
      expect(summary(validateTerraformStack(stack))).toEqual(['SCHEMA_UNKNOWN_ATTRIBUTE alicloud_api_gateway_api.Api request_config[0].verb']);
    });

    test('accepts a defined optional block such as timeouts', () => {
      // GIVEN
      const { stack } = providerStack();
      oidcProvider(stack).addOverride('timeouts', { create: '5m' });
      // WHEN / THEN
      expect(validateTerraformStack(stack)).toEqual([]);
    });
  });

  describe('missing required attribute', () => {
    test('fails when a required attribute is removed', () => {
      // GIVEN
      const { stack } = providerStack();
      gatewayApi(stack).addOverride('description', null);
      // WHEN
      const findings = validateTerraformStack(stack);
      // THEN
      expect(summary(findings)).toEqual(['SCHEMA_MISSING_REQUIRED alicloud_api_gateway_api.Api description']);
      expect(findings[0].expected).toBe('string');
    });

    test('fails when a required attribute inside a block is missing', () => {
      // GIVEN
      const { stack } = providerStack();
      gatewayApi(stack).addOverride('request_config.protocol', undefined);
      // WHEN / THEN
      expect(summary(validateTerraformStack(stack))).toEqual(['SCHEMA_MISSING_REQUIRED alicloud_api_gateway_api.Api request_config[0].protocol']);
    });

    test('accepts a required attribute given as a reference', () => {
      // GIVEN
      const { stack } = providerStack();
      const role = ramRole(stack);
      gatewayApi(stack).addOverride('description', `\${${role.terraformResourceType}.${role.friendlyUniqueId}.description}`);
      // WHEN / THEN
      expect(validateTerraformStack(stack)).toEqual([]);
    });
  });

  describe('missing required block', () => {
    test('fails when a block with min_items 1 is removed', () => {
      // GIVEN
      const { stack } = providerStack();
      gatewayApi(stack).addOverride('request_config', undefined);
      // WHEN
      const findings = validateTerraformStack(stack);
      // THEN
      expect(summary(findings)).toEqual(['SCHEMA_MISSING_REQUIRED alicloud_api_gateway_api.Api request_config']);
      expect(findings[0].expected).toBe('exactly 1 "request_config" block');
    });

    test('fails when a required block is given as an empty list', () => {
      // GIVEN
      const { stack } = providerStack();
      ociDeployment(stack).addOverride('specification', []);
      // WHEN / THEN
      expect(summary(validateTerraformStack(stack))).toEqual(['SCHEMA_MISSING_REQUIRED oci_apigateway_deployment.Deployment specification']);
    });

    test('accepts a required block generated by a dynamic block', () => {
      // GIVEN
      const { stack } = providerStack();
      const api = gatewayApi(stack);
      api.addOverride('request_config', undefined);
      api.addOverride('dynamic.request_config', {
        for_each: '${toset(["/orders"])}',
        iterator: 'each',
        content: { method: 'GET', mode: 'MAPPING', path: '${each.value}', protocol: 'HTTP' },
      });
      // WHEN / THEN
      expect(validateTerraformStack(stack)).toEqual([]);
    });

    test('accepts a block generated by a TerraformIterator in construct props', () => {
      // GIVEN
      const { stack } = providerStack();
      const headers = TerraformIterator.fromList(['x-request-id', 'x-tenant']);
      gatewayApi(stack, 'Api', { constantParameters: headers.dynamic({ name: headers.value, in: 'HEAD', value: 'v' }) });
      // WHEN / THEN
      expect(validateTerraformStack(stack)).toEqual([]);
    });

    test('fails when the content of a dynamic block misses a required attribute', () => {
      // GIVEN
      const { stack } = providerStack();
      const headers = TerraformIterator.fromList(['x-request-id']);
      gatewayApi(stack, 'Api', { constantParameters: headers.dynamic({ name: headers.value, in: 'HEAD' }) });
      // WHEN / THEN
      expect(summary(validateTerraformStack(stack))).toEqual(['SCHEMA_MISSING_REQUIRED alicloud_api_gateway_api.Api dynamic.constant_parameters.content.value']);
    });

    test('fails when a dynamic block has no for_each', () => {
      // GIVEN
      const { stack } = providerStack();
      const api = gatewayApi(stack);
      api.addOverride('dynamic.request_config', { content: { method: 'GET', mode: 'MAPPING', path: '/', protocol: 'HTTP' } });
      // WHEN / THEN
      expect(summary(validateTerraformStack(stack))).toEqual(['SCHEMA_MISSING_REQUIRED alicloud_api_gateway_api.Api dynamic.request_config.for_each']);
    });
  });

  describe('wrong primitive type', () => {
    test('fails when a number attribute is a string that is not a number', () => {
      // GIVEN
      const { stack } = providerStack();
      ramRole(stack).addOverride('max_session_duration', '1h');
      // WHEN
      const findings = validateTerraformStack(stack);
      // THEN
      expect(summary(findings)).toEqual(['SCHEMA_TYPE_MISMATCH alicloud_ram_role.CiRole max_session_duration']);
      expect(findings[0].value).toBe('"1h"');
    });

    test('accepts a number attribute given as a string that parses as a number', () => {
      // GIVEN
      const { stack } = providerStack();
      ramRole(stack).addOverride('max_session_duration', '3600');
      // WHEN / THEN
      expect(validateTerraformStack(stack)).toEqual([]);
    });

    test('fails when a bool attribute is a capitalized string or a number', () => {
      // GIVEN
      const { stack } = providerStack();
      const role = ramRole(stack);
      role.addOverride('force', 'True');
      gatewayApi(stack).addOverride('force_nonce_check', 1);
      // WHEN
      const findings = validateTerraformStack(stack);
      // THEN
      expect(summary(findings)).toEqual([
        'SCHEMA_TYPE_MISMATCH alicloud_api_gateway_api.Api force_nonce_check',
        'SCHEMA_TYPE_MISMATCH alicloud_ram_role.CiRole force',
      ]);
      expect(findings[1].expected).toContain('use lowercase "true"');
    });

    test('accepts the strings Terraform converts to bool and numbers for string attributes', () => {
      // GIVEN
      const { stack } = providerStack();
      const role = ramRole(stack);
      role.addOverride('force', 'true');
      role.addOverride('description', 42);
      // WHEN / THEN
      expect(validateTerraformStack(stack)).toEqual([]);
    });

    test('fails when a string attribute is an object', () => {
      // GIVEN
      const { stack } = providerStack();
      ramRole(stack).addOverride('description', { text: 'x' });
      // WHEN / THEN
      expect(summary(validateTerraformStack(stack))).toEqual(['SCHEMA_TYPE_MISMATCH alicloud_ram_role.CiRole description']);
    });
  });

  describe('wrong collection type', () => {
    test('fails when a set attribute is a single string and a map attribute is a list', () => {
      // GIVEN
      const { stack } = providerStack();
      gatewayApi(stack).addOverride('stage_names', 'RELEASE');
      ramRole(stack).addOverride('tags', ['env']);
      // WHEN
      const findings = validateTerraformStack(stack);
      // THEN
      expect(summary(findings)).toEqual(['SCHEMA_TYPE_MISMATCH alicloud_api_gateway_api.Api stage_names', 'SCHEMA_TYPE_MISMATCH alicloud_ram_role.CiRole tags']);
      expect(findings.map((f) => f.expected)).toEqual(['set(string)', 'map(string)']);
    });

    test('fails when an element of a list has the wrong type', () => {
      // GIVEN
      const { stack } = providerStack();
      oidcProvider(stack, 'OidcProvider', { clientIds: undefined }).addOverride('client_ids', ['ci', ['nested']]);
      // WHEN / THEN
      expect(summary(validateTerraformStack(stack))).toEqual(['SCHEMA_TYPE_MISMATCH alicloud_ims_oidc_provider.OidcProvider client_ids[1]']);
    });

    test('accepts a whole collection given as a reference', () => {
      // GIVEN
      const { stack } = providerStack();
      gatewayApi(stack).addOverride('stage_names', '${toset(var.stages)}');
      ramRole(stack).addOverride('tags', '${local.tags}');
      // WHEN / THEN
      expect(validateTerraformStack(stack)).toEqual([]);
    });
  });

  describe('block count', () => {
    test('fails when a block with max_items 1 is given twice', () => {
      // GIVEN
      const { stack } = providerStack();
      const request = { method: 'GET', mode: 'MAPPING', path: '/orders', protocol: 'HTTP' };
      gatewayApi(stack).addOverride('request_config', [request, { ...request, path: '/orders/2' }]);
      // WHEN
      const findings = validateTerraformStack(stack);
      // THEN
      expect(summary(findings)).toEqual(['SCHEMA_BLOCK_COUNT alicloud_api_gateway_api.Api request_config']);
      expect(findings[0]).toMatchObject({ value: '2 blocks', expected: 'exactly 1 "request_config" block' });
    });

    test('accepts a block with max_items 1 given as an array of one', () => {
      // GIVEN
      const { stack } = providerStack();
      gatewayApi(stack).addOverride('request_config', [{ method: 'GET', mode: 'MAPPING', path: '/orders', protocol: 'HTTP' }]);
      // WHEN / THEN
      expect(validateTerraformStack(stack)).toEqual([]);
    });

    test('fails when an iterator reaches a block through addOverride (rendered as a for expression)', () => {
      // GIVEN
      const { stack } = providerStack();
      const headers = TerraformIterator.fromList(['x-request-id']);
      gatewayApi(stack).addOverride('constant_parameters', headers.dynamic({ name: headers.value, in: 'HEAD', value: 'v' }));
      // WHEN / THEN
      expect(summary(validateTerraformStack(stack))).toEqual(['SCHEMA_TYPE_MISMATCH alicloud_api_gateway_api.Api constant_parameters']);
    });

    test('fails when a block is set from an expression instead of a dynamic block', () => {
      // GIVEN
      const { stack } = providerStack();
      gatewayApi(stack).addOverride('request_config', '${local.request_config}');
      // WHEN
      const findings = validateTerraformStack(stack);
      // THEN
      expect(summary(findings)).toEqual(['SCHEMA_TYPE_MISMATCH alicloud_api_gateway_api.Api request_config']);
      expect(findings[0].expected).toContain('use a dynamic block');
    });
  });

  describe('value not allowed', () => {
    test('fails when stage_name of a plugin attachment is not a stage', () => {
      // GIVEN
      const { stack } = providerStack();
      pluginAttachment(stack).addOverride('stage_name', 'PROD');
      // WHEN
      const findings = validateTerraformStack(stack);
      // THEN
      expect(summary(findings)).toEqual(['SCHEMA_VALUE_NOT_ALLOWED alicloud_api_gateway_plugin_attachment.JwtAttachment stage_name']);
      expect(findings[0].format()).toContain('got "PROD"; expected one of "PRE", "RELEASE", "TEST"');
    });

    test('fails when plugin_type differs only in case from a case-sensitive value', () => {
      // GIVEN
      const { stack } = providerStack();
      jwtPlugin(stack).addOverride('plugin_type', 'JWTAUTH');
      // WHEN / THEN
      expect(summary(validateTerraformStack(stack))).toEqual(['SCHEMA_VALUE_NOT_ALLOWED alicloud_api_gateway_plugin.JwtPlugin plugin_type']);
    });

    test('accepts a different case where the provider ignores case', () => {
      // GIVEN
      const { stack } = providerStack();
      ociDeployment(stack).addOverride('specification.request_policies.authentication.type', 'jwt_authentication');
      // WHEN / THEN
      expect(validateTerraformStack(stack)).toEqual([]);
    });

    test('fails when a deeply nested OCI value is not allowed', () => {
      // GIVEN
      const { stack } = providerStack();
      ociDeployment(stack).addOverride('specification.request_policies.authentication.public_keys.type', 'JWKS');
      // WHEN / THEN
      expect(summary(validateTerraformStack(stack))).toEqual([
        'SCHEMA_VALUE_NOT_ALLOWED oci_apigateway_deployment.Deployment specification[0].request_policies[0].authentication[0].public_keys[0].type',
      ]);
    });

    test('accepts an unknown value (reference) for an attribute with allowed values', () => {
      // GIVEN
      const { stack } = providerStack();
      pluginAttachment(stack).addOverride('stage_name', '${var.stage}');
      // WHEN / THEN
      expect(validateTerraformStack(stack)).toEqual([]);
    });
  });

  describe('value ranges and patterns', () => {
    test('fails when issuance_limit_time is above IntBetween(0, 168)', () => {
      // GIVEN
      const { stack } = providerStack();
      oidcProvider(stack).addOverride('issuance_limit_time', 169);
      // WHEN
      const findings = validateTerraformStack(stack);
      // THEN
      expect(summary(findings)).toEqual(['SCHEMA_VALUE_OUT_OF_RANGE alicloud_ims_oidc_provider.OidcProvider issuance_limit_time']);
      expect(findings[0].expected).toBe('a number between 0 and 168');
    });

    test('accepts issuance_limit_time at the upper bound 168, also as a string', () => {
      // GIVEN
      const { stack } = providerStack();
      oidcProvider(stack).addOverride('issuance_limit_time', '168');
      // WHEN / THEN
      expect(validateTerraformStack(stack)).toEqual([]);
    });

    test('fails when plugin_name does not match the provider pattern', () => {
      // GIVEN
      const { stack } = providerStack();
      jwtPlugin(stack).addOverride('plugin_name', 'jwt-orders');
      // WHEN / THEN
      expect(summary(validateTerraformStack(stack))).toEqual(['SCHEMA_VALUE_INVALID alicloud_api_gateway_plugin.JwtPlugin plugin_name']);
    });

    test('fails when a StringIsJSON attribute holds invalid JSON', () => {
      // GIVEN
      const { stack } = providerStack();
      ramRole(stack).addOverride('assume_role_policy_document', '{"Version": 1,');
      // WHEN / THEN
      expect(summary(validateTerraformStack(stack))).toEqual(['SCHEMA_VALUE_INVALID alicloud_ram_role.CiRole assume_role_policy_document']);
    });
  });

  describe('computed-only attribute', () => {
    test('fails when arn of a RAM role is set', () => {
      // GIVEN
      const { stack } = providerStack();
      ramRole(stack).addOverride('arn', 'acs:ram::1:role/ci-deployer');
      // WHEN
      const findings = validateTerraformStack(stack);
      // THEN
      expect(summary(findings)).toEqual(['SCHEMA_COMPUTED_ONLY alicloud_ram_role.CiRole arn']);
    });

    test('accepts setting an optional+computed attribute such as role_name and id', () => {
      // GIVEN
      const { stack } = providerStack();
      ramRole(stack).addOverride('id', 'ci-deployer');
      // WHEN / THEN
      expect(validateTerraformStack(stack)).toEqual([]);
    });
  });

  describe('references', () => {
    test('accepts a reference for a number attribute', () => {
      // GIVEN
      const { stack } = providerStack();
      const role = ramRole(stack);
      ramRole(stack, 'Other').addOverride('max_session_duration', `\${alicloud_ram_role.${role.friendlyUniqueId}.arn}`);
      // WHEN / THEN
      expect(validateTerraformStack(stack)).toEqual([]);
    });

    test('accepts a token from a real construct attribute for a string attribute', () => {
      // GIVEN
      const { stack } = providerStack();
      const role = ramRole(stack);
      new ApiGatewayPluginAttachment(stack, 'ByRef', {
        apiId: role.roleId,
        groupId: role.arn,
        pluginId: role.roleName,
        stageName: 'TEST',
      });
      // WHEN / THEN
      expect(validateTerraformStack(stack)).toEqual([]);
    });

    test('fails when a literal "$${...}" escape is given for a number attribute', () => {
      // GIVEN
      const { stack } = providerStack();
      ramRole(stack).addOverride('max_session_duration', '$${var.duration}');
      // WHEN / THEN
      expect(summary(validateTerraformStack(stack))).toEqual(['SCHEMA_TYPE_MISMATCH alicloud_ram_role.CiRole max_session_duration']);
    });
  });

  describe('provider blocks', () => {
    test('fails when account_type is not Domestic or International', () => {
      // GIVEN
      const { stack, alicloud } = providerStack();
      alicloud.addOverride('account_type', 'Moon');
      // WHEN
      const findings = validateTerraformStack(stack);
      // THEN
      expect(summary(findings)).toEqual(['SCHEMA_VALUE_NOT_ALLOWED provider.alicloud[0] account_type']);
      expect(findings[0].expected).toBe('one of "Domestic", "International" (case-insensitive)');
    });

    test('fails when the provider sets an unknown attribute', () => {
      // GIVEN
      const { stack, oci } = providerStack();
      oci.addOverride('regoin', 'eu-frankfurt-1');
      // WHEN / THEN
      expect(summary(validateTerraformStack(stack))).toEqual(['SCHEMA_UNKNOWN_ATTRIBUTE provider.oci[0] regoin']);
    });

    test('fails when a provider block misses a required attribute or is out of range', () => {
      // GIVEN
      const { stack, alicloud } = providerStack();
      alicloud.addOverride('assume_role', { session_expiration: 600 });
      // WHEN / THEN
      expect(summary(validateTerraformStack(stack))).toEqual([
        'SCHEMA_VALUE_OUT_OF_RANGE provider.alicloud[0] assume_role[0].session_expiration',
        'SCHEMA_MISSING_REQUIRED provider.alicloud[0] assume_role[0].role_arn',
      ]);
    });

    test('accepts an aliased provider and a resource that selects it', () => {
      // GIVEN
      const { stack } = providerStack();
      const west = new AlicloudProvider(stack, 'west', { region: 'cn-shanghai', alias: 'west', accountType: 'international' });
      ramRole(stack).provider = west;
      // WHEN / THEN
      expect(validateTerraformStack(stack)).toEqual([]);
    });

    test('fails when required_providers pins a version other than the pinned schema', () => {
      // GIVEN
      const { stack } = providerStack();
      ramRole(stack);
      stack.addOverride('terraform.required_providers.alicloud.version', '1.200.0');
      // WHEN / THEN
      expect(summary(validateTerraformStack(stack))).toEqual(['SCHEMA_PROVIDER_VERSION_MISMATCH terraform required_providers.alicloud.version']);
    });
  });

  describe('data sources', () => {
    test('fails when a policy statement has a disallowed effect and misses its action', () => {
      // GIVEN
      const { stack } = providerStack();
      policyDocument(stack, 'TrustPolicy', { statement: undefined }).addOverride('statement', [{ effect: 'Maybe', resource: ['*'] }]);
      // WHEN / THEN
      expect(summary(validateTerraformStack(stack))).toEqual([
        'SCHEMA_VALUE_NOT_ALLOWED data.alicloud_ram_policy_document.TrustPolicy statement[0].effect',
        'SCHEMA_MISSING_REQUIRED data.alicloud_ram_policy_document.TrustPolicy statement[0].action',
      ]);
    });

    test('fails when a data source sets a computed-only or unknown attribute', () => {
      // GIVEN
      const { stack } = providerStack();
      const doc = policyDocument(stack);
      doc.addOverride('document', '{}');
      doc.addOverride('provisioner', { 'local-exec': { command: 'true' } });
      // WHEN / THEN
      expect(summary(validateTerraformStack(stack))).toEqual([
        'SCHEMA_COMPUTED_ONLY data.alicloud_ram_policy_document.TrustPolicy document',
        'SCHEMA_UNKNOWN_BLOCK data.alicloud_ram_policy_document.TrustPolicy provisioner',
      ]);
    });

    test('accepts a valid data source referenced by a resource', () => {
      // GIVEN
      const { stack } = providerStack();
      const doc = policyDocument(stack);
      ramRole(stack).addOverride('assume_role_policy_document', doc.document);
      // WHEN / THEN
      expect(validateTerraformStack(stack)).toEqual([]);
    });
  });

  describe('resource types and providers', () => {
    test('reports a resource type outside the pinned snapshot as not validated, never as an error', () => {
      // GIVEN a real alicloud resource type the snapshot does not cover, and a likely typo
      const { stack } = providerStack();
      const bucket = new TerraformResource(stack, 'Bucket', { terraformResourceType: 'alicloud_oss_bucket', terraformGeneratorMetadata: { providerName: 'alicloud' } });
      bucket.addOverride('bucket', 'exports');
      new TerraformResource(stack, 'Typo', { terraformResourceType: 'alicloud_ram_rol' });
      // WHEN
      const inspection = inspectStack('test', JSON.parse(Testing.synth(stack)) as object);
      // THEN
      expect(inspection.findings).toEqual([]);
      expect(inspection.notValidated.map((n) => n.address)).toEqual(['alicloud_oss_bucket.Bucket', 'alicloud_ram_rol.Typo']);
      expect(inspection.notValidated[0].message).toMatch(/^\[test\] alicloud_oss_bucket\.Bucket not validated: resource type outside the pinned aliyun\/alicloud \d+\.\d+\.\d+ schema snapshot; Terraform checks it at plan time$/);
      expect(inspection.notValidated[1].closestKnownType).toBe('alicloud_ram_role');
      expect(inspection.notValidated[1].message).toContain('(if you meant "alicloud_ram_role", fix the type)');
    });

    test('reports blocks not validated in the written file\'s order, also from the object cdktf serialized', () => {
      // GIVEN types and names created out of code-unit order (the in-memory object keeps creation order)
      const { stack } = providerStack();
      new TerraformResource(stack, 'Zed', { terraformResourceType: 'alicloud_ram_rol' });
      new TerraformResource(stack, 'Alpha', { terraformResourceType: 'alicloud_ram_rol' });
      new TerraformResource(stack, 'Bucket', { terraformResourceType: 'alicloud_oss_bucket' });
      const expected = ['alicloud_oss_bucket.Bucket', 'alicloud_ram_rol.Alpha', 'alicloud_ram_rol.Zed'];
      // WHEN / THEN: the same list from the serialized object and from the written (key-sorted) file
      expect(inspectStack('test', stack.toTerraform() as object).notValidated.map((n) => n.address)).toEqual(expected);
      expect(inspectStack('test', JSON.parse(Testing.synth(stack)) as object).notValidated.map((n) => n.address)).toEqual(expected);
    });

    test('still validates the snapshot\'s own types next to types outside it', () => {
      const { stack } = providerStack();
      new TerraformResource(stack, 'Bucket', { terraformResourceType: 'alicloud_oss_bucket' });
      pluginAttachment(stack).addOverride('stage_name', 'PROD');
      expect(summary(validateTerraformStack(stack))).toEqual(['SCHEMA_VALUE_NOT_ALLOWED alicloud_api_gateway_plugin_attachment.JwtAttachment stage_name']);
    });

    test('fails once per provider when no schema is pinned for it', () => {
      // GIVEN
      const { stack } = providerStack();
      new TerraformResource(stack, 'Id1', { terraformResourceType: 'random_id' });
      new TerraformResource(stack, 'Id2', { terraformResourceType: 'random_id' });
      // WHEN
      const findings = validateTerraformStack(stack);
      // THEN
      expect(summary(findings)).toEqual(['SCHEMA_UNKNOWN_PROVIDER random_id.Id1']);
      expect(findings[0].expected).toContain('registry.terraform.io/hashicorp/random');
    });

    test('skips providers listed in ignoreProviders and Terraform built-ins', () => {
      // GIVEN
      const { stack } = providerStack();
      new TerraformResource(stack, 'Id', { terraformResourceType: 'random_id' });
      new TerraformResource(stack, 'Data', { terraformResourceType: 'terraform_data' });
      // WHEN / THEN
      expect(validateTerraformStack(stack, { ignoreProviders: ['hashicorp/random'] })).toEqual([]);
    });
  });
});

describe('validateStack', () => {
  test('names the construct path from cdktf metadata in findings', () => {
    // GIVEN
    const { stack } = providerStack('platform-dev');
    pluginAttachment(stack).addOverride('stage_name', 'PROD');
    const synthesized = stack.toTerraform();
    // WHEN
    const [finding] = validateStack('platform-dev', synthesized);
    // THEN
    expect(finding.constructPath).toBe('platform-dev/JwtAttachment');
    expect(finding.format()).toMatch(/^\[platform-dev\] alicloud_api_gateway_plugin_attachment\.JwtAttachment 'stage_name' value is not allowed, got "PROD"; expected .* \(SCHEMA_VALUE_NOT_ALLOWED\) at platform-dev\/JwtAttachment$/);
  });

  test('reports a data source type outside the pinned snapshot as not validated', () => {
    // GIVEN
    const { stack } = providerStack();
    policyDocument(stack);
    const synthesized = JSON.parse(Testing.synth(stack));
    synthesized.data.alicloud_ram_policy_documents = synthesized.data.alicloud_ram_policy_document;
    delete synthesized.data.alicloud_ram_policy_document;
    // WHEN
    const inspection = inspectStack('test', synthesized);
    // THEN
    expect(inspection.findings).toEqual([]);
    expect(inspection.notValidated.map((n) => [n.address, n.closestKnownType])).toEqual([['data.alicloud_ram_policy_documents.TrustPolicy', 'alicloud_ram_policy_document']]);
  });

  test('validates 10,000 resources in well under a second', () => {
    // GIVEN
    const { stack } = providerStack();
    ramRole(stack);
    gatewayApi(stack);
    pluginAttachment(stack);
    oidcProvider(stack);
    ociDeployment(stack);
    const synthesized = JSON.parse(Testing.synth(stack));
    for (const [type, instances] of Object.entries(synthesized.resource as Record<string, Record<string, unknown>>)) {
      const [body] = Object.values(instances);
      for (let i = 0; i < 2_000; i++) instances[`${type}_${i}`] = structuredClone(body);
    }
    validateStack('warm-up', synthesized);
    // WHEN
    const started = performance.now();
    const findings = validateStack('test', synthesized);
    const elapsed = performance.now() - started;
    // THEN
    expect(findings).toEqual([]);
    expect(elapsed).toBeLessThan(500);
  });
});
