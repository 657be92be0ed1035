import { Token } from 'cdktf';
import { Construct } from 'constructs';
import type { IConstruct } from 'constructs';
import { ApiGatewayApi } from '../../.gen/providers/alicloud/api-gateway-api';
import type { ApiGatewayApiRequestParameters } from '../../.gen/providers/alicloud/api-gateway-api';
import { invalidProp } from '../private/errors';
import { exposeReference, lean, localValue } from '../private/lean-resource';
import { recordOptOut } from '../security/opt-out';
import type { SecurityOptOut } from '../security/opt-out';
import { Suppressions } from '../security/suppressions';
import type { IApiGroup } from './api-group';
import type { IBackend } from './backend';
import { physicalName, validateInteger, validatePhysicalName } from './internal';
import { boundPlugin, findRoute, registerApi } from './registry';
import type { TokenParameterHost } from './registry';
import { Stage, validateStages } from './stage';

/**
 * How an API authenticates callers at the gateway itself.
 *
 * Use `ANONYMOUS` when plugins authenticate (the seed's "No Authentication"): the security
 * rule `APIGW-AUTH1` then requires a `jwtAuth` and an `accessControl` plugin bound on every
 * stage the API is published to.
 */
export class ApiAuthType {
  /** Alibaba Cloud App authentication (AppKey / signature). */
  public static readonly APP = new ApiAuthType('APP');
  /** No gateway authentication: the bound JWT and access-control plugins authenticate. */
  public static readonly ANONYMOUS = new ApiAuthType('ANONYMOUS');
  /** An auth type not listed here, passed through as-is. */
  public static custom(value: string): ApiAuthType {
    return new ApiAuthType(value);
  }
  private constructor(
    /** The value written to `auth_type`. */
    public readonly value: string,
  ) {}
}

/** HTTP request methods an API (or its backend) can use. */
export enum HttpMethod {
  /** GET */
  GET = 'GET',
  /** POST */
  POST = 'POST',
  /** PUT */
  PUT = 'PUT',
  /** DELETE */
  DELETE = 'DELETE',
  /** PATCH */
  PATCH = 'PATCH',
  /** HEAD */
  HEAD = 'HEAD',
  /** OPTIONS */
  OPTIONS = 'OPTIONS',
}

/** How request parameters reach the backend. */
export enum RequestMode {
  /** Only declared parameters are mapped to backend parameters (the seed's choice). */
  MAPPING = 'MAPPING',
  /** The request is passed through as-is. */
  PASSTHROUGH = 'PASSTHROUGH',
}

/** Protocols an API accepts from callers. */
export enum ApiProtocol {
  /** HTTPS only. */
  HTTPS = 'HTTPS',
  /** Plain HTTP only (tokens travel in clear text). */
  HTTP = 'HTTP',
  /** Both HTTP and HTTPS. */
  HTTP_AND_HTTPS = 'HTTP,HTTPS',
}

/** Where a request parameter is read from (and written to on the backend side). */
export enum ParameterLocation {
  /** Query string. */
  QUERY = 'QUERY',
  /** HTTP header. */
  HEAD = 'HEAD',
  /** Path parameter (`[name]` in the path). */
  PATH = 'PATH',
  /** Form body field. */
  BODY = 'BODY',
}

/** Value types of request parameters. */
export enum ParameterType {
  /** String. */
  STRING = 'STRING',
  /** 32-bit integer. */
  INT = 'INT',
  /** 64-bit integer. */
  LONG = 'LONG',
  /** Float. */
  FLOAT = 'FLOAT',
  /** Double. */
  DOUBLE = 'DOUBLE',
  /** Boolean. */
  BOOLEAN = 'BOOLEAN',
}

/**
 * Content type the gateway sends to the backend (`http_service_config.content_type_category`
 * and `content_type_value`). The provider schema has no field for the API's *response*
 * content type (the seed's step 7 "response ContentType"); it is not modelled.
 */
export class BackendContentType {
  /** The gateway's default content type. */
  public static readonly DEFAULT = new BackendContentType('DEFAULT');
  /** The content type the client sent. */
  public static readonly CLIENT = new BackendContentType('CLIENT');
  /** A fixed content type, e.g. `application/json; charset=UTF-8`. */
  public static custom(contentType: string): BackendContentType {
    return new BackendContentType('CUSTOM', contentType);
  }
  private constructor(
    /** `content_type_category`. */
    public readonly category: string,
    /** `content_type_value` (CUSTOM only). */
    public readonly value?: string,
  ) {}
}

/** A request parameter declared on an API (needed in MAPPING mode for it to be read). */
export interface RequestParameter {
  /** Name of the parameter in the request, e.g. `id_token`. */
  readonly name: string;
  /** Where the caller sends it. */
  readonly location: ParameterLocation;
  /**
   * Value type.
   * @default ParameterType.STRING
   */
  readonly type?: ParameterType;
  /**
   * Whether the gateway rejects requests without it.
   * @default false
   */
  readonly required?: boolean;
  /**
   * Name of the parameter on the backend side.
   * @default - the same as `name`
   */
  readonly backendName?: string;
  /**
   * Location of the parameter on the backend side.
   * @default - the same as `location`
   */
  readonly backendLocation?: ParameterLocation;
  /**
   * Description.
   * @default - no description
   */
  readonly description?: string;
  /**
   * Value used when the caller omits an optional parameter.
   * @default - no default value
   */
  readonly defaultValue?: string;
}

/** An API, defined here or imported. */
export interface IApi extends IConstruct {
  /** The API id (`alicloud_api_gateway_api.api_id`; the resource `id` is `<group>:<api>`). */
  readonly apiId: string;
  /** The group the API belongs to. */
  readonly group: IApiGroup;
  /** Stages the API is published to, in the order TEST, PRE, RELEASE. */
  readonly stages: readonly Stage[];
  /** Request path, e.g. `/hello`. */
  readonly requestPath: string;
  /** Request method. */
  readonly method: HttpMethod;
  /** Parameter mode. */
  readonly mode: RequestMode;
}

/** Properties for {@link Api}. */
export interface ApiProps {
  /** The group the API belongs to. Changing it replaces the API. */
  readonly group: IApiGroup;
  /** The backend service the API forwards to. */
  readonly backend: IBackend;
  /** Request path callers use; must start with `/`. Path parameters are written `[name]`. */
  readonly path: string;
  /**
   * Request method.
   * @default HttpMethod.GET
   */
  readonly method?: HttpMethod;
  /**
   * Name of the API, unique in the group.
   * @default - derived from the construct id
   */
  readonly apiName?: string;
  /**
   * Description of the API.
   * @default - "<METHOD> <path>"
   */
  readonly description?: string;
  /**
   * Parameter mode.
   * @default RequestMode.MAPPING
   */
  readonly mode?: RequestMode;
  /**
   * Protocols accepted from callers. Bearer tokens must not travel over plain HTTP: a protocol
   * with HTTP needs `allowPlainHttp`.
   * @default ApiProtocol.HTTPS
   */
  readonly protocol?: ApiProtocol;
  /**
   * Opt-out, with a reason, of HTTPS-only: required for `ApiProtocol.HTTP` and
   * `ApiProtocol.HTTP_AND_HTTPS`, reported as a suppressed `APIGW-TLS1` finding.
   * @default - plain HTTP is refused
   */
  readonly allowPlainHttp?: SecurityOptOut;
  /**
   * Gateway-level authentication.
   * @default ApiAuthType.ANONYMOUS - plugins authenticate: the API validates itself at synth (and
   * `APIGW-AUTH1` checks the synthesized JSON) that a jwtAuth and an accessControl plugin are
   * bound, at API or group level, on every stage it is published to, unless an `APIGW-AUTH1`
   * suppression with a reason covers that stage
   */
  readonly authType?: ApiAuthType;
  /**
   * Path on the backend the request is mapped to; must start with `/`.
   * @default - the request path
   */
  readonly backendPath?: string;
  /**
   * Method used towards the backend.
   * @default - the request method
   */
  readonly backendMethod?: HttpMethod;
  /**
   * Backend timeout in milliseconds.
   * @default 10000
   */
  readonly backendTimeoutMillis?: number;
  /**
   * Content type sent to the backend.
   * @default - the gateway's default (provider-computed)
   */
  readonly backendContentType?: BackendContentType;
  /**
   * Request parameters to declare. A JWT plugin bound with a query token location declares its
   * token parameter itself in MAPPING mode.
   * @default - none
   */
  readonly requestParameters?: readonly RequestParameter[];
  /**
   * Stages to publish the API to.
   * @default - not published
   */
  readonly stages?: readonly Stage[];
}

/** Attributes of an existing API, for {@link Api.fromApiAttributes}. */
export interface ApiAttributes {
  /** The API id. */
  readonly apiId: string;
  /** Its group. */
  readonly group: IApiGroup;
  /** Its request path. */
  readonly requestPath: string;
  /**
   * Its request method.
   * @default HttpMethod.GET
   */
  readonly method?: HttpMethod;
  /** Stages it is published to. */
  readonly stages: readonly Stage[];
}

const LeanApiGatewayApi = /* @__PURE__ */ lean(ApiGatewayApi);

const PATH = /^\/[A-Za-z0-9._~\-/[\]*]*$/;
const PARAMETER_NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * Defines an API Gateway (classic) API with an HTTP backend, published to stages.
 *
 * The API itself is `ANONYMOUS` by default because plugins authenticate (the seed's setup);
 * bind a {@link JwtAuthPlugin} and an {@link AccessControlPlugin} on every published stage, or
 * use {@link M2mProtectedApis} which does that for you.
 *
 * @see https://www.alibabacloud.com/help/doc-detail/29478.htm
 * @see https://registry.terraform.io/providers/aliyun/alicloud/1.292.0/docs/resources/api_gateway_api
 * @example
 * const api = new Api(stack, 'Hello', {
 *   group, backend, path: '/hello', backendPath: '/v1/hello',
 *   stages: [Stage.TEST, Stage.RELEASE],
 * });
 */
export class Api extends Construct implements IApi, TokenParameterHost {
  /** Imports an existing API so that plugins can be bound to it. */
  public static fromApiAttributes(scope: Construct, id: string, attrs: ApiAttributes): IApi {
    class Imported extends Construct implements IApi {
      public readonly apiId = attrs.apiId;
      public readonly group = attrs.group;
      public readonly requestPath = attrs.requestPath;
      public readonly method = attrs.method ?? HttpMethod.GET;
      // Its parameters are not managed here: declare the token parameter on the API yourself.
      public readonly mode = RequestMode.PASSTHROUGH;
      public readonly stages: readonly Stage[];
      public constructor() {
        super(scope, id);
        this.stages = validateStages(this, 'stages', attrs.stages);
      }
    }
    return new Imported();
  }

  /** The underlying `alicloud_api_gateway_api` (escape hatch). */
  public readonly resource: ApiGatewayApi;
  /** The API id. */
  public readonly apiId: string;
  /** The group. */
  public readonly group: IApiGroup;
  /** The backend service. */
  public readonly backend: IBackend;
  /** Request path. */
  public readonly requestPath: string;
  /** Request method. */
  public readonly method: HttpMethod;
  /** Parameter mode. */
  public readonly mode: RequestMode;
  /** Gateway-level auth type. */
  public readonly authType: ApiAuthType;
  /** Stages the API is published to. */
  public readonly stages: readonly Stage[];
  private readonly parameters: RequestParameter[] = [];

  public constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const method = props.method ?? HttpMethod.GET;
    validateMethod(this, 'method', method);
    validatePath(this, 'path', props.path);
    if (props.backendPath !== undefined) validatePath(this, 'backendPath', props.backendPath);
    if (props.backendMethod !== undefined) validateMethod(this, 'backendMethod', props.backendMethod);
    validatePhysicalName(this, 'apiName', props.apiName);
    const mode = props.mode ?? RequestMode.MAPPING;
    if (!Object.values(RequestMode).includes(mode)) {
      throw invalidProp(this, 'mode', 'is not a request mode', mode, 'Use RequestMode.MAPPING or RequestMode.PASSTHROUGH.');
    }
    const protocol = props.protocol ?? ApiProtocol.HTTPS;
    if (!Object.values(ApiProtocol).includes(protocol)) {
      throw invalidProp(this, 'protocol', 'is not a protocol', protocol, 'Use ApiProtocol.HTTPS.');
    }
    if (protocol !== ApiProtocol.HTTPS) {
      if (props.allowPlainHttp === undefined) {
        throw invalidProp(this, 'protocol', 'accepts plain HTTP, where bearer tokens travel in clear text', protocol,
          'Use ApiProtocol.HTTPS, or opt out with allowPlainHttp: { reason } (reported as APIGW-TLS1).');
      }
      recordOptOut(this, 'allowPlainHttp', props.allowPlainHttp, { target: this, ruleId: 'APIGW-TLS1' });
    } else if (props.allowPlainHttp !== undefined) {
      throw invalidProp(this, 'allowPlainHttp', 'is given, but the protocol is HTTPS only', props.allowPlainHttp, 'Remove allowPlainHttp.');
    }
    const authType = props.authType ?? ApiAuthType.ANONYMOUS;
    if (!(authType instanceof ApiAuthType) || (!Token.isUnresolved(authType.value) && authType.value.trim() === '')) {
      throw invalidProp(this, 'authType', 'must be an ApiAuthType', authType, 'Use ApiAuthType.ANONYMOUS or ApiAuthType.APP.');
    }
    const timeout = props.backendTimeoutMillis ?? 10_000;
    validateInteger(this, 'backendTimeoutMillis', timeout, 1, 600_000, 'Give the backend timeout in milliseconds.');
    const stages = validateStages(this, 'stages', props.stages ?? []);

    this.group = props.group;
    this.backend = props.backend;
    this.requestPath = props.path;
    this.method = method;
    this.mode = mode;
    this.authType = authType;
    this.stages = stages;
    const duplicate = findRoute(props.group, method, props.path);
    if (duplicate) {
      throw invalidProp(this, 'path', `duplicates ${duplicate.method} ${props.path} of ${duplicate.api.node.path} in the same group`, `${method} ${props.path}`,
        'Each method and path may be defined once per API group; change the path or method, or reuse the existing API.');
    }

    const contentType = props.backendContentType;
    this.resource = new LeanApiGatewayApi(this, 'Resource', {
      groupId: localValue(this, props.group.groupId),
      name: props.apiName ?? physicalName(this, id),
      description: props.description ?? `${method} ${props.path}`,
      authType: authType.value,
      serviceType: 'HTTP',
      requestConfig: {
        protocol,
        method,
        path: props.path,
        mode,
      },
      httpServiceConfig: {
        address: props.backend.address,
        path: props.backendPath ?? props.path,
        method: props.backendMethod ?? method,
        timeout,
        contentTypeCategory: contentType?.category,
        contentTypeValue: contentType?.value,
      },
      stageNames: stages.length > 0 ? [...stages] : undefined,
    });
    this.apiId = exposeReference(this.resource, 'api_id');
    (props.requestParameters ?? []).forEach((p, i) => this.addRequestParameter(p, `requestParameters[${i}]`));
    registerApi(props.group, this, method, props.path);
    // The contract holds without the SecurityChecks aspect: cdktf runs node validations on every synth.
    this.node.addValidation({ validate: () => this.unprotectedStages() });
  }

  /** Whether a suppression on the API's resource or one of its ancestors covers the finding. */
  private suppressed(ruleId: string, finding: string): boolean {
    return this.resource.node.scopes.some((scope) => Suppressions.of(scope).some((s) => Suppressions.covers(s, ruleId, finding)));
  }

  /**
   * For an ANONYMOUS API: one message per stage it is published to that lacks a jwtAuth or an
   * accessControl plugin bound through the library (at API or group level), unless an
   * `APIGW-AUTH1` suppression covers the stage.
   */
  private unprotectedStages(): string[] {
    if (this.authType.value !== ApiAuthType.ANONYMOUS.value) return [];
    const messages: string[] = [];
    for (const stage of this.stages) {
      const missing = ['jwtAuth', 'accessControl'].filter((type) => !boundPlugin(this, stage, type) && !boundPlugin(this.group, stage, type));
      if (missing.length === 0 || this.suppressed('APIGW-AUTH1', `stage:${stage}`)) continue;
      messages.push(`'stages' publishes this ANONYMOUS API to ${stage} without ${missing.join(' and ')} bound there (API or group level), so anyone could call it, got ${JSON.stringify(this.stages)}. `
        + `Protect it (M2mProtectedApis, or plugin.bindToApi / bindToGroup on ${stage}), stop publishing it to ${stage}, or suppress APIGW-AUTH1 for 'stage:${stage}' with a reason.`);
    }
    return messages;
  }

  /** Declares a request parameter on the API. */
  public addRequestParameter(parameter: RequestParameter, prop = 'parameter'): void {
    if (!Token.isUnresolved(parameter.name) && (typeof parameter.name !== 'string' || !PARAMETER_NAME.test(parameter.name))) {
      throw invalidProp(this, `${prop}.name`, 'must be letters, digits, "_", "." or "-"', parameter.name);
    }
    if (!Object.values(ParameterLocation).includes(parameter.location)) {
      throw invalidProp(this, `${prop}.location`, 'is not a parameter location', parameter.location, 'Use ParameterLocation.QUERY, HEAD, PATH or BODY.');
    }
    if (this.parameters.some((p) => p.name === parameter.name && p.location === parameter.location)) {
      throw invalidProp(this, `${prop}.name`, `is already declared in ${parameter.location}`, parameter.name, 'Declare each parameter once.');
    }
    this.parameters.push(parameter);
    this.resource.putRequestParameters(this.parameters.map(toTerraform));
  }

  /** Request parameters declared so far. */
  public get requestParameters(): readonly RequestParameter[] {
    return [...this.parameters];
  }

  /**
   * Declares the query parameter that carries the JWT when the API is in MAPPING mode (the
   * gateway only reads declared parameters there); does nothing if it is already declared.
   * A hook for JWT plugins bound to the API or its group, not part of {@link IApi}.
   */
  public ensureTokenParameter(name: string): void {
    if (this.mode !== RequestMode.MAPPING) return;
    const existing = this.parameters.find((p) => p.name === name);
    if (existing) {
      if (existing.location !== ParameterLocation.QUERY) {
        throw invalidProp(this, 'requestParameters', `declares the JWT parameter "${name}" in ${existing.location}, but the JWT plugin reads it from the query string`, name,
          'Declare it as ParameterLocation.QUERY or bind the plugin with a matching TokenLocation.');
      }
      return;
    }
    this.addRequestParameter({
      name,
      location: ParameterLocation.QUERY,
      type: ParameterType.STRING,
      required: true,
      description: 'JWT access token read by the JWT authentication plugin',
    }, 'tokenParameter');
  }
}

function toTerraform(p: RequestParameter): ApiGatewayApiRequestParameters {
  return {
    name: p.name,
    in: p.location,
    type: p.type ?? ParameterType.STRING,
    required: p.required ? 'REQUIRED' : 'OPTIONAL',
    inService: p.backendLocation ?? p.location,
    nameService: p.backendName ?? p.name,
    description: p.description,
    defaultValue: p.defaultValue,
  };
}

function validatePath(scope: IConstruct, prop: string, value: string): void {
  if (Token.isUnresolved(value)) return;
  if (typeof value !== 'string' || !value.startsWith('/')) {
    throw invalidProp(scope, prop, 'must start with "/"', value, 'Write the path as "/hello" or "/users/[userId]".');
  }
  if (!PATH.test(value) || value.includes('//')) {
    throw invalidProp(scope, prop, 'must only contain letters, digits, "/", ".", "_", "~", "-", "*" and [param] placeholders', value,
      'Remove spaces, query strings and fragments from the path.');
  }
}

function validateMethod(scope: IConstruct, prop: string, value: HttpMethod): void {
  if (!Object.values(HttpMethod).includes(value)) {
    throw invalidProp(scope, prop, 'is not an HTTP method', value, 'Use HttpMethod.GET, POST, PUT, DELETE, PATCH, HEAD or OPTIONS.');
  }
}
