/**
 * Typed values of the cloud-native API Gateway JWT authentication rule: where the token is read
 * (console: JWT Token), which requests need it (console: Authorization), and what the policy is
 * attached to.
 */

/** Where the gateway reads the token (console: JWT Token > Type). */
export enum ApigTokenPosition {
  /** A request header. */
  HEADER = 'HEADER',
  /** A query parameter (assumed value: only `HEADER` is documented). */
  QUERY = 'QUERY',
}

/** Console: JWT Token (Type, Key, Prefix). */
export class ApigTokenSource {
  /** `Authorization: Bearer <token>`, the console's default (RFC 6750). */
  public static authorizationBearer(): ApigTokenSource {
    return new ApigTokenSource(ApigTokenPosition.HEADER, 'Authorization', 'Bearer ');
  }

  /**
   * A header, e.g. `ApigTokenSource.header('X-Token')`.
   * @param prefix text before the token in the header value
   * @default prefix ''
   */
  public static header(name: string, prefix = ''): ApigTokenSource {
    return new ApigTokenSource(ApigTokenPosition.HEADER, name, prefix);
  }

  /**
   * A query parameter, e.g. `ApigTokenSource.query('access_token')`. Query strings end up in
   * access logs and caches: prefer a header.
   */
  public static query(name: string): ApigTokenSource {
    return new ApigTokenSource(ApigTokenPosition.QUERY, name, '');
  }

  private constructor(
    /** Console: Type. */
    public readonly position: ApigTokenPosition,
    /** Console: Key, the header or parameter name. */
    public readonly name: string,
    /** Console: Prefix, e.g. `Bearer ` (`''` for none). */
    public readonly prefix: string,
  ) {}
}

/** A host name, or this for any host. */
export const APIG_ANY_DOMAIN = '*';

/**
 * One rule condition of the authorization list (console: Rule Condition): a request matches when
 * both its host and its path match. Conditions are combined with OR.
 */
export interface ApigAuthRule {
  /**
   * Request domain name: a host such as `api.example.com`, a wildcard such as
   * `*.example.com`, or {@link APIG_ANY_DOMAIN} (`*`) for any host.
   */
  readonly domain: string;
  /**
   * Request path, e.g. `/health` (that path only), or `/public/*` or `/public/**` (everything
   * under `/public/`).
   */
  readonly path: string;
}

/** Console: Authorization (Whitelist Mode or Blacklist Mode). */
export enum ApigAuthorizationMode {
  /** Listed requests skip authentication; everything else needs a valid token. */
  WHITELIST = 'WHITELIST',
  /** Only listed requests need a valid token; everything else passes unauthenticated. */
  BLACKLIST = 'BLACKLIST',
}

/** Which requests need a token (console: Authorization). */
export class ApigAuthorization {
  /**
   * Every request needs a valid token except those matching `exempt` (deny by default).
   * @param exempt requests that skip authentication, e.g. a health check
   */
  public static whitelist(exempt: readonly ApigAuthRule[] = []): ApigAuthorization {
    return new ApigAuthorization(ApigAuthorizationMode.WHITELIST, exempt);
  }

  /**
   * Only requests matching `protect` need a valid token; **every other request passes
   * unauthenticated** (`APIG-JWT2` warns; an empty list is `APIG-JWT3`, an error).
   */
  public static blacklist(protect: readonly ApigAuthRule[]): ApigAuthorization {
    return new ApigAuthorization(ApigAuthorizationMode.BLACKLIST, protect);
  }

  private constructor(
    /** The mode. */
    public readonly mode: ApigAuthorizationMode,
    /** The rule conditions. */
    public readonly rules: readonly ApigAuthRule[],
  ) {}
}

/** Resource types a policy can be attached to (`attach_resource_type`). */
export enum ApigAttachResourceType {
  /** The whole gateway (global authentication). */
  GATEWAY = 'Gateway',
  /** Gateway domains. */
  DOMAIN = 'Domain',
  /** HTTP APIs. */
  HTTP_API = 'HttpApi',
  /** Operations of an HTTP API. */
  OPERATION = 'Operation',
  /** Gateway routes. */
  GATEWAY_ROUTE = 'GatewayRoute',
}

/** What the policy is attached to (`attach_resource_type`, `attach_resource_ids`). */
export class ApigAttachment {
  /** The whole gateway: a global authentication rule (the default). */
  public static gateway(): ApigAttachment {
    return new ApigAttachment(ApigAttachResourceType.GATEWAY, []);
  }
  /** Gateway domains by id (`d-…`). */
  public static domains(ids: readonly string[]): ApigAttachment {
    return new ApigAttachment(ApigAttachResourceType.DOMAIN, ids);
  }
  /** HTTP APIs by id (`api-…`). */
  public static httpApis(ids: readonly string[]): ApigAttachment {
    return new ApigAttachment(ApigAttachResourceType.HTTP_API, ids);
  }
  /** Operations of HTTP APIs by id (`op-…`). */
  public static operations(ids: readonly string[]): ApigAttachment {
    return new ApigAttachment(ApigAttachResourceType.OPERATION, ids);
  }
  /** Gateway routes by id (`hr-…`). */
  public static routes(ids: readonly string[]): ApigAttachment {
    return new ApigAttachment(ApigAttachResourceType.GATEWAY_ROUTE, ids);
  }

  private constructor(
    /** `attach_resource_type`. */
    public readonly type: ApigAttachResourceType,
    /** `attach_resource_ids`; empty for {@link gateway} (the gateway's own id is used). */
    public readonly ids: readonly string[],
  ) {}
}
