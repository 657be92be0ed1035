import { describe, expect, test } from 'vitest';
import { gatewayCoverage } from '../../commands/summary';

const ref = (type: string, name: string, attr = 'id') => `\${${type}.${name}.${attr}}`;

describe('gatewayCoverage', () => {
  test('counts publications with jwtAuth and accessControl in effect, from group- and API-level bindings', () => {
    // GIVEN group-level jwtAuth on RELEASE, accessControl bound to Hello only; Users also on TEST without plugins
    const stack = {
      resource: {
        alicloud_api_gateway_api: {
          Hello: { group_id: ref('alicloud_api_gateway_group', 'G'), stage_names: ['RELEASE'] },
          Users: { group_id: ref('alicloud_api_gateway_group', 'G'), stage_names: ['TEST', 'RELEASE'] },
        },
        alicloud_api_gateway_plugin: { Jwt: { plugin_type: 'jwtAuth' }, Acl: { plugin_type: 'accessControl' } },
        alicloud_api_gateway_group_plugin_attachment: {
          Jwt: { group_id: ref('alicloud_api_gateway_group', 'G'), plugin_id: ref('alicloud_api_gateway_plugin', 'Jwt'), stage_name: 'RELEASE' },
        },
        alicloud_api_gateway_plugin_attachment: {
          Acl: { api_id: ref('alicloud_api_gateway_api', 'Hello', 'api_id'), plugin_id: ref('alicloud_api_gateway_plugin', 'Acl'), stage_name: 'RELEASE' },
        },
      },
    };
    // WHEN / THEN: Hello/RELEASE guarded; Users/TEST and Users/RELEASE lack accessControl
    expect(gatewayCoverage(stack)).toEqual({ guarded: 1, published: 3 });
  });

  test('is undefined for a stack without API Gateway APIs', () => {
    expect(gatewayCoverage({ resource: { alicloud_ram_role: { R: {} } } })).toBeUndefined();
  });
});
