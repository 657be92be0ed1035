import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { OCI_MAX_CLOCK_SKEW_SECONDS } from '../../core/ranges';
import { ApigatewayDeployment } from '../../.gen/providers/oci/apigateway-deployment';
import type { ApigatewayDeploymentSpecificationRoutes } from '../../.gen/providers/oci/apigateway-deployment';
import type { M2mAuthorizationServer } from '../m2m/authorization-server';
import { invalidProp } from '../private/errors';
import { validateClientId, validateHttpsUrl } from '../private/validators';
import type { IOciApiGateway } from './api-gateway';
import { validateOcid } from './internal';

/** HTTP methods an OCI API Gateway route can match. */
export enum OciHttpMethod {
  /** Every method. Overlaps with every other method on the same path. */
  ANY = 'ANY',
  /** `GET` requests. */
  GET = 'GET',
  /** `HEAD` requests. */
  HEAD = 'HEAD',
  /** `POST` requests. */
  POST = 'POST',
  /** `PUT` requests. */
  PUT = 'PUT',
  /** `PATCH` requests. */
  PATCH = 'PATCH',
  /** `DELETE` requests. */
  DELETE = 'DELETE',
  /** `OPTIONS` requests. */
  OPTIONS = 'OPTIONS',
}

/** One route of an {@link OciJwtApiDeployment}: a path, its methods, an HTTP backend and the scopes it needs. */
export interface OciJwtApiRoute {
  /**
   * Path of the route below the deployment's path prefix, starting with `/`, e.g. `/users/{id}`.
   * May use the gateway's path parameters and wildcards.
   */
  readonly path: string;
  /**
   * Methods the route matches. A path + method pair may appear only once per deployment.
   * @default [OciHttpMethod.GET]
   */
  readonly methods?: readonly OciHttpMethod[];
  /** URL of the HTTP backend the gateway forwards to, e.g. `https://10.0.1.5/api/users`. https unless `allowPlaintextBackend`. */
  readonly backendUrl: string;
  /**
   * Scopes that admit a caller on this route: the token's `scope` claim must hold at least one
   * of them (authorization type `ANY_OF`, the seed's per-route "Any"). Must not be empty, and
   * every scope must be in the M2M server's catalog.
   */
  readonly requiredScopes: readonly string[];
  /**
   * Allow an `http://` backend URL (e.g. a backend on a private subnet of the gateway's VCN).
   * Tokens and responses then travel unencrypted between gateway and backend.
   * @default false
   */
  readonly allowPlaintextBackend?: boolean;
}

/** Properties for {@link OciJwtApiDeployment}. */
export interface OciJwtApiDeploymentProps {
  /** The gateway the deployment runs on (see `OciApiGateway.fromGatewayId`). Changing it replaces the deployment. */
  readonly gateway: IOciApiGateway;
  /** OCID of the compartment the deployment is created in. */
  readonly compartmentId: string;
  /** Path on which every route is deployed, starting with `/`, e.g. `/test`. Changing it replaces the deployment. */
  readonly pathPrefix: string;
  /**
   * The OAuth 2.0 authorization server whose access tokens are accepted: its issuer becomes the
   * only allowed issuer, its audience the only allowed audience, its recorded `jwks_uri`
   * (from `lookups.lock.json`) the remote key set, and its scope catalog bounds `requiredScopes`.
   */
  readonly server: M2mAuthorizationServer;
  /** The routes. Must not be empty. */
  readonly routes: readonly OciJwtApiRoute[];
  /**
   * Client ids whose tokens are accepted: checked as a required `client_id` claim
   * (`verify_claims`). Tokens of other clients are rejected even when they carry the scope.
   * @default - any client of the server holding a required scope
   */
  readonly allowedClientIds?: readonly string[];
  /**
   * Largest accepted difference between the issuer's and the gateway's clocks when checking
   * `exp` / `nbf`, 0 to 300.
   * @default 60
   */
  readonly maxClockSkewSeconds?: number;
  /**
   * Request header the token is read from. Tokens in query parameters are deliberately not
   * supported: URLs end up in access logs and browser histories.
   * @default 'Authorization'
   */
  readonly tokenHeader?: string;
  /**
   * Authentication scheme preceding the token in `tokenHeader`.
   * @default 'Bearer'
   */
  readonly tokenAuthScheme?: string;
  /**
   * Display name of the deployment.
   * @default - the construct path
   */
  readonly displayName?: string;
}

/** Largest clock skew the construct (and rule `OCI-JWT3`) accepts; the fact lives in `core/ranges`. */
export { OCI_MAX_CLOCK_SKEW_SECONDS };
const DEFAULT_CLOCK_SKEW_SECONDS = 60;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/**
 * Defines an OCI API Gateway deployment whose routes only admit OAuth 2.0 access tokens of one
 * M2M authorization server (seed 002, use case 1: JWT of a technical user).
 *
 * Secure by default: authentication `JWT_AUTHENTICATION` with the server's issuer and audience,
 * public keys fetched from the server's recorded `jwks_uri` over verified TLS (`REMOTE_JWKS`),
 * token from `Authorization: Bearer`, anonymous access never allowed, and every route authorized
 * with `ANY_OF` its required scopes. There is no switch for anonymous access.
 *
 * Security rules it is checked against: `OCI-JWT1`, `OCI-JWT2`, `OCI-JWT3`.
 *
 * @see https://docs.oracle.com/en-us/iaas/Content/APIGateway/Tasks/apigatewayusingjwttokens-requestpolicy.htm
 * @see https://registry.terraform.io/providers/oracle/oci/8.28.0/docs/resources/apigateway_deployment
 * @example
 * new OciJwtApiDeployment(stack, 'Api', {
 *   gateway: OciApiGateway.fromGatewayId(stack, 'Gateway', 'ocid1.apigateway.oc1.eu-frankfurt-1.aaaa...'),
 *   compartmentId: 'ocid1.compartment.oc1..aaaa...',
 *   pathPrefix: '/test',
 *   server,
 *   routes: [{ path: '/1', backendUrl: 'https://backend.example.com/1', requiredScopes: ['ApplicationReadA'] }],
 * });
 */
export class OciJwtApiDeployment extends Construct {
  /** The underlying `oci_apigateway_deployment` (escape hatch). */
  public readonly resource: ApigatewayDeployment;
  /** The deployment OCID. */
  public readonly deploymentId: string;
  /** The URL callers use: gateway host + path prefix (known after apply). */
  public readonly deploymentEndpoint: string;
  /** Accepted issuer (`iss`). */
  public readonly issuer: string;
  /** Accepted audience (`aud`). */
  public readonly audience: string;
  /** Remote key set the gateway verifies signatures with. */
  public readonly jwksUri: string;

  public constructor(scope: Construct, id: string, props: OciJwtApiDeploymentProps) {
    super(scope, id);
    validateOcid(this, 'compartmentId', props.compartmentId, ['compartment', 'tenancy']);
    validatePathPrefix(this, props.pathPrefix);
    const server = props.server;
    validateHttpsUrl(this, 'server.facts.jwksUri', server.facts.jwksUri);
    const clockSkew = props.maxClockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
    if (!Token.isUnresolved(clockSkew) && !(Number.isInteger(clockSkew) && clockSkew >= 0 && clockSkew <= OCI_MAX_CLOCK_SKEW_SECONDS)) {
      throw invalidProp(this, 'maxClockSkewSeconds', `must be a whole number of seconds from 0 to ${OCI_MAX_CLOCK_SKEW_SECONDS}`, clockSkew,
        'A large skew keeps expired tokens valid for longer; synchronize clocks instead.');
    }
    const tokenHeader = props.tokenHeader ?? 'Authorization';
    const tokenAuthScheme = props.tokenAuthScheme ?? 'Bearer';
    if (!Token.isUnresolved(tokenHeader) && !HEADER_NAME.test(tokenHeader)) {
      throw invalidProp(this, 'tokenHeader', 'must be an HTTP header name', tokenHeader, 'Use e.g. "Authorization".');
    }
    if (!Token.isUnresolved(tokenAuthScheme) && !HEADER_NAME.test(tokenAuthScheme)) {
      throw invalidProp(this, 'tokenAuthScheme', 'must be a single authentication scheme token', tokenAuthScheme, 'Use e.g. "Bearer".');
    }
    const clientIds = props.allowedClientIds;
    if (clientIds !== undefined) {
      if (clientIds.length === 0) {
        throw invalidProp(this, 'allowedClientIds', 'must not be empty when given', clientIds, 'List the client ids allowed to call, or omit the prop to accept any client holding a required scope.');
      }
      clientIds.forEach((c, i) => {
        if (!Token.isUnresolved(c)) validateClientId(this, `allowedClientIds[${i}]`, c);
      });
    }
    const routes = this.renderRoutes(server, props.routes);

    this.issuer = server.issuer;
    this.audience = server.audience;
    this.jwksUri = server.facts.jwksUri;
    this.resource = new ApigatewayDeployment(this, 'Resource', {
      compartmentId: props.compartmentId,
      gatewayId: props.gateway.gatewayId,
      pathPrefix: props.pathPrefix,
      displayName: props.displayName ?? this.node.path,
      specification: {
        requestPolicies: {
          authentication: {
            type: 'JWT_AUTHENTICATION',
            isAnonymousAccessAllowed: false,
            issuers: [server.issuer],
            audiences: [server.audience],
            tokenHeader,
            tokenAuthScheme,
            maxClockSkewInSeconds: clockSkew,
            publicKeys: {
              type: 'REMOTE_JWKS',
              uri: server.facts.jwksUri,
              isSslVerifyDisabled: false,
            },
            verifyClaims: clientIds === undefined ? undefined : [{ key: 'client_id', values: [...clientIds], isRequired: true }],
          },
        },
        routes,
      },
    });
    this.deploymentId = this.resource.id;
    this.deploymentEndpoint = this.resource.endpoint;
  }

  private renderRoutes(server: M2mAuthorizationServer, routes: readonly OciJwtApiRoute[]): ApigatewayDeploymentSpecificationRoutes[] {
    if (!routes || routes.length === 0) {
      throw invalidProp(this, 'routes', 'must not be empty', routes ?? [], 'Add at least one route; a deployment needs one.');
    }
    // path → methods already taken, to refuse duplicates (ANY overlaps every method).
    const taken = new Map<string, Set<OciHttpMethod>>();
    return routes.map((route, i) => {
      const where = `routes[${i}]`;
      if (typeof route.path !== 'string' || !route.path.startsWith('/') || /\s/.test(route.path)) {
        throw invalidProp(this, `${where}.path`, 'must start with "/" and contain no whitespace', route.path, 'Use e.g. "/users/{id}".');
      }
      const methods = route.methods ?? [OciHttpMethod.GET];
      if (methods.length === 0) {
        throw invalidProp(this, `${where}.methods`, 'must not be empty when given', methods, 'Omit it for GET, or list the methods.');
      }
      const used = taken.get(route.path) ?? new Set<OciHttpMethod>();
      methods.forEach((m, j) => {
        if (!Object.values(OciHttpMethod).includes(m)) {
          throw invalidProp(this, `${where}.methods[${j}]`, 'is not an HTTP method', m, `Use one of: ${Object.values(OciHttpMethod).join(', ')}.`);
        }
        const clash = used.has(m) || (m === OciHttpMethod.ANY && used.size > 0) || used.has(OciHttpMethod.ANY);
        if (clash) {
          throw invalidProp(this, `${where}.methods[${j}]`, `duplicates an earlier route for ${route.path}`, m, 'Each path + method pair may be routed once (ANY covers every method).');
        }
        used.add(m);
      });
      taken.set(route.path, used);
      validateBackendUrl(this, `${where}.backendUrl`, route.backendUrl, route.allowPlaintextBackend ?? false);
      if (!route.requiredScopes || route.requiredScopes.length === 0) {
        throw invalidProp(this, `${where}.requiredScopes`, 'must not be empty', route.requiredScopes ?? [],
          'List the scopes that admit a caller; a route without scopes would admit every token of the issuer.');
      }
      server.assertScopes(this, `${where}.requiredScopes`, route.requiredScopes);
      return {
        path: route.path,
        methods: [...methods],
        backend: { type: 'HTTP_BACKEND', url: route.backendUrl, isSslVerifyDisabled: false },
        requestPolicies: { authorization: { type: 'ANY_OF', allowedScope: [...route.requiredScopes] } },
      };
    });
  }
}

function validatePathPrefix(scope: Construct, value: string): void {
  if (Token.isUnresolved(value)) return;
  if (typeof value !== 'string' || !value.startsWith('/') || /\s/.test(value)) {
    throw invalidProp(scope, 'pathPrefix', 'must start with "/" and contain no whitespace', value, 'Use e.g. "/test" or "/v1".');
  }
}

function validateBackendUrl(scope: Construct, prop: string, value: string, allowPlaintext: boolean): void {
  if (Token.isUnresolved(value)) return;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidProp(scope, prop, 'must be an absolute URL', value, 'Use e.g. "https://backend.example.com/api".');
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && allowPlaintext) return;
  if (url.protocol === 'http:') {
    throw invalidProp(scope, prop, 'must use https', value, 'Use the https:// URL, or set allowPlaintextBackend: true for a backend reachable only inside the VCN.');
  }
  throw invalidProp(scope, prop, 'must be an http(s) URL', value, 'Use e.g. "https://backend.example.com/api".');
}
