import { Token } from 'cdktf';
import { Construct } from 'constructs';
import type { IConstruct } from 'constructs';
import { ApiGatewayBackend } from '../../.gen/providers/alicloud/api-gateway-backend';
import { invalidProp } from '../private/errors';
import { lean } from '../private/lean-resource';
import { physicalName, validatePhysicalName } from './internal';

const LeanApiGatewayBackend = /* @__PURE__ */ lean(ApiGatewayBackend);

/** An HTTP backend service, defined here or imported. */
export interface IBackend extends IConstruct {
  /** The backend service id (`alicloud_api_gateway_backend.id`). */
  readonly backendId: string;
  /** Base address APIs forward to, e.g. `https://orders.internal.example.com:8443`. */
  readonly address: string;
}

/** Properties for {@link Backend}. */
export interface BackendProps {
  /**
   * Base address of the business service: `http(s)://host[:port]`, without path, query or
   * fragment (each API adds its own backend path).
   */
  readonly address: string;
  /**
   * Name of the backend service: 4 to 50 letters, digits, underscores or CJK characters.
   * @default - derived from the construct path
   */
  readonly backendName?: string;
  /**
   * Description of the backend service.
   * @default - no description
   */
  readonly description?: string;
}

/** Attributes of an existing backend service, for {@link Backend.fromBackendAttributes}. */
export interface BackendAttributes {
  /** The backend service id. */
  readonly backendId: string;
  /** Base address APIs forward to. */
  readonly address: string;
}

/**
 * Defines an HTTP backend service (the seed's "Backend Services > Create Backend Service").
 *
 * The alicloud provider 1.292.0 schema this project pins has no per-stage backend address
 * resource (`alicloud_api_gateway_backend_model`, which the provider documents since v1.279.0,
 * is not in the pinned schema subset), so the backend service itself carries no address in
 * Terraform. This construct therefore also carries the {@link Backend.address} that each
 * {@link Api} writes into its own `http_service_config.address`; every stage uses that address.
 *
 * @see https://registry.terraform.io/providers/aliyun/alicloud/1.292.0/docs/resources/api_gateway_backend
 * @see https://www.alibabacloud.com/help/en/idaas/eiam/user-guide/configure-api-gateway
 * @example
 * const backend = new Backend(stack, 'Users', { address: 'https://users.internal.example.com' });
 */
export class Backend extends Construct implements IBackend {
  /** Imports an existing backend service. */
  public static fromBackendAttributes(scope: Construct, id: string, attrs: BackendAttributes): IBackend {
    class Imported extends Construct implements IBackend {
      public readonly backendId = attrs.backendId;
      public readonly address = attrs.address;
    }
    const imported = new Imported(scope, id);
    validateAddress(imported, 'address', attrs.address);
    return imported;
  }

  /** The underlying `alicloud_api_gateway_backend` (escape hatch). */
  public readonly resource: ApiGatewayBackend;
  /** The backend service id. */
  public readonly backendId: string;
  /** Base address APIs forward to. */
  public readonly address: string;

  public constructor(scope: Construct, id: string, props: BackendProps) {
    super(scope, id);
    validateAddress(this, 'address', props.address);
    validatePhysicalName(this, 'backendName', props.backendName);
    this.address = Token.isUnresolved(props.address) ? props.address : props.address.replace(/\/$/, '');
    this.resource = new LeanApiGatewayBackend(this, 'Resource', {
      backendName: props.backendName ?? physicalName(this),
      backendType: 'HTTP',
      description: props.description,
    });
    this.backendId = this.resource.id;
  }
}

function validateAddress(scope: IConstruct, prop: string, value: string): void {
  if (Token.isUnresolved(value)) return;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidProp(scope, prop, 'must be an absolute http(s) URL', value, 'Use the service base address, e.g. "https://users.internal.example.com:8443".');
  }
  if (url.username !== '' || url.password !== '') {
    // Never echo the credentials back into logs.
    url.username = '';
    url.password = '';
    throw invalidProp(scope, prop, 'must not contain credentials', url.origin, 'Remove the user:password@ part; use a backend signature plugin instead.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalidProp(scope, prop, 'must use http or https', value, 'API Gateway HTTP backends are reached over http(s).');
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '' || /[?#]/.test(value) || /^https?:\/\/[^/]+\/./.test(value)) {
    throw invalidProp(scope, prop, 'must not contain a path, query or fragment', value, 'Put the path into each API\'s backendPath.');
  }
}
