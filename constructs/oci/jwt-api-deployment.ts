import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { OCI_MAX_CLOCK_SKEW_SECONDS } from '../../core/ranges';
import { ApigatewayDeployment } from '../../.gen/providers/oci/apigateway-deployment';
import type {
  ApigatewayDeploymentSpecificationRequestPoliciesAuthentication,
  ApigatewayDeploymentSpecificationRequestPoliciesAuthenticationValidationFailurePolicy,
  ApigatewayDeploymentSpecificationRequestPoliciesAuthenticationValidationPolicy,
  ApigatewayDeploymentSpecificationRoutes,
} from '../../.gen/providers/oci/apigateway-deployment';
import { discoveryDocumentUrl } from '../../core/https-url';
import type { M2mAuthorizationServer } from '../m2m/authorization-server';
import { invalidProp } from '../private/errors';
import { validateClientId, validateHttpsUrl } from '../private/validators';
import { recordOptOut } from '../security/opt-out';
import type { SecurityOptOut } from '../security/opt-out';
import type { IOciApiGateway } from './api-gateway';
import type { IOciClient } from './identity-domain-confidential-app';
import { validateOcid } from './internal';
import { lean } from '../private/lean-resource';

const LeanApigatewayDeployment = /* @__PURE__ */ lean(ApigatewayDeployment);

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

/** Authentication policy type of an {@link OciJwtApiDeployment}. */
export enum OciAuthenticationType {
  /**
   * `TOKEN_AUTHENTICATION`: the current policy type, validating JWTs with a remote JWKS or an
   * OAuth 2.0 introspection endpoint, with an additional validation policy and a validation
   * failure policy.
   */
  TOKEN_AUTHENTICATION = 'TOKEN_AUTHENTICATION',
  /** `JWT_AUTHENTICATION`: the older policy type Oracle no longer recommends; for existing deployments. */
  JWT_AUTHENTICATION = 'JWT_AUTHENTICATION',
}

/** Options of {@link OciTokenValidation.remoteDiscovery}. */
export interface OciIntrospectionOptions {
  /** Client id the gateway authenticates to the introspection endpoint with. */
  readonly clientId: string;
  /** OCID of the Vault secret holding that client's secret (the secret itself never enters config). */
  readonly clientSecretId: string;
  /** Version of the Vault secret to use. */
  readonly clientSecretVersionNumber: number;
  /**
   * Discovery document the gateway reads the introspection endpoint from.
   * @default - `<issuer>/.well-known/openid-configuration`
   */
  readonly discoveryUri?: string;
}

/** How the gateway validates tokens (`validation_policy`). */
export class OciTokenValidation {
  /** `REMOTE_JWKS`: verify signatures with the issuer's key set, the `jwks_uri` recorded in `lookups.lock.json`. */
  public static remoteJwks(): OciTokenValidation {
    return new OciTokenValidation('REMOTE_JWKS');
  }

  /**
   * `REMOTE_DISCOVERY`: ask the issuer's OAuth 2.0 introspection endpoint (found through its
   * discovery document) about each token, authenticating with a client whose secret is in OCI
   * Vault. `TOKEN_AUTHENTICATION` only.
   */
  public static remoteDiscovery(options: OciIntrospectionOptions): OciTokenValidation {
    return new OciTokenValidation('REMOTE_DISCOVERY', options);
  }

  private constructor(
    /** The `validation_policy.type`. */
    public readonly type: 'REMOTE_JWKS' | 'REMOTE_DISCOVERY',
    /** Introspection client, for `REMOTE_DISCOVERY`. */
    public readonly introspection?: OciIntrospectionOptions,
  ) {}
}

/** The response when token validation fails (`validation_failure_policy` of type `MODIFY_RESPONSE`). */
export interface OciValidationFailureResponse {
  /**
   * HTTP status, 400 to 599.
   * @default 401
   */
  readonly statusCode?: number;
  /**
   * Response body.
   * @default - none
   */
  readonly message?: string;
}

/**
 * A claim every token must carry with exactly one of the given values (use case 2: a custom
 * claim such as `APIGWMichael4: Api1Access`). The match is an exact string match of the whole
 * claim value: `Api1Access2` or `api1access` do not match `Api1Access`.
 */
export interface OciRequiredClaim {
  /** Claim name, e.g. `APIGWMichael4`. Not `iss`, `aud`, `scope` or `client_id` (they have their own props). */
  readonly name: string;
  /** Accepted values; the claim must equal one of them exactly. Must not be empty. */
  readonly anyOfValues: readonly string[];
}

/** One route of an {@link OciJwtApiDeployment}: a path, its methods, an HTTP backend and the scopes it accepts. */
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
  /** URL of the HTTP backend the gateway forwards to, e.g. `https://10.0.1.5/api/users`. https unless `plaintextBackend`. */
  readonly backendUrl: string;
  /**
   * Scopes of which the token's `scope` claim must hold at least one (authorization type
   * `ANY_OF`, the seed's per-route "Any"). Every scope must be in the server's catalog. OCI has
   * no all-of check on a route; `requiredScopes` (all of) is therefore not offered here.
   * @default - required, unless the deployment has `requiredClaims`: then the route is
   *   `AUTHENTICATION_ONLY` (every token passing the deployment's checks, use case 2)
   */
  readonly anyOfScopes?: readonly string[];
  /**
   * Opt-out: allow an `http://` backend URL (e.g. on a private subnet of the gateway's VCN).
   * Tokens and responses then travel unencrypted between gateway and backend. The reason is
   * recorded as the suppression of `OCI-BACKEND1` for this route.
   * @default - https required
   */
  readonly plaintextBackend?: SecurityOptOut;
}

/** Properties for {@link OciJwtApiDeployment}. */
export interface OciJwtApiDeploymentProps {
  /** The gateway the deployment runs on (an {@link OciApiGateway} or `OciApiGateway.fromGatewayId`). Changing it replaces the deployment. */
  readonly gateway: IOciApiGateway;
  /** OCID of the compartment the deployment is created in. */
  readonly compartmentId: string;
  /** Path on which every route is deployed, starting with `/`, e.g. `/test`. Changing it replaces the deployment. */
  readonly pathPrefix: string;
  /**
   * The OAuth 2.0 authorization server whose access tokens are accepted: its issuer becomes the
   * only allowed issuer, its audience the allowed audience, its recorded `jwks_uri`
   * (from `lookups.lock.json`) the remote key set, and its scope catalog bounds `anyOfScopes`.
   */
  readonly server: M2mAuthorizationServer;
  /** The routes. Must not be empty. */
  readonly routes: readonly OciJwtApiRoute[];
  /**
   * Audiences accepted (`aud`); a token passes when one of its audiences is listed. Use case 2
   * tokens carry the identity domain URLs as audiences.
   * @default - [server.audience]
   */
  readonly audiences?: readonly string[];
  /**
   * Clients whose tokens are accepted, checked as a required `client_id` claim. Tokens of other
   * clients are rejected even when they carry the scope.
   * @default - any client of the server (holding a route's scope)
   */
  readonly allowedClients?: readonly IOciClient[];
  /**
   * Claims every token must carry, each with an exact value (use case 2). All listed claims are required.
   * @default - none
   */
  readonly requiredClaims?: readonly OciRequiredClaim[];
  /**
   * Authentication policy type.
   * @default OciAuthenticationType.TOKEN_AUTHENTICATION
   */
  readonly authenticationType?: OciAuthenticationType;
  /**
   * How tokens are validated.
   * @default OciTokenValidation.remoteJwks() - the recorded `jwks_uri`
   */
  readonly validation?: OciTokenValidation;
  /**
   * Response to a missing or invalid token (`TOKEN_AUTHENTICATION` only).
   * @default - 401 without a body
   */
  readonly validationFailureResponse?: OciValidationFailureResponse;
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
/** Claims with a prop of their own: never in `requiredClaims`. */
const RESERVED_CLAIMS: Readonly<Record<string, string>> = {
  iss: 'The issuer is pinned from `server`.',
  aud: 'Use `audiences`.',
  client_id: 'Use `allowedClients`.',
  scope: 'A claim check is an exact match of the whole value, so a client granted several scopes would fail it (seed 002); use the routes\' `anyOfScopes`.',
};
/** Rule an `http://` backend triggers; `plaintextBackend` records its reason as the suppression. */
const PLAINTEXT_BACKEND_RULE = 'OCI-BACKEND1';

/**
 * Defines an OCI API Gateway deployment whose routes only admit OAuth 2.0 access tokens of one
 * authorization server (seed 002: use case 1, technical user with scopes per route; use case 2,
 * end user with a required custom claim).
 *
 * Secure by default: authentication `TOKEN_AUTHENTICATION` with the server's issuer and
 * audience (`additional_validation_policy`), signatures verified with the server's recorded
 * `jwks_uri` over verified TLS (`REMOTE_JWKS`), token from `Authorization: Bearer`, a 401 on
 * validation failure, anonymous access never allowed, and every route authorized with `ANY_OF`
 * its scopes (or, with `requiredClaims`, authentication only). There is no switch for anonymous
 * access. `JWT_AUTHENTICATION` remains available for existing deployments.
 *
 * Security rules it is checked against: `OCI-JWT1`, `OCI-JWT2`, `OCI-JWT3`, `OCI-SCOPE1`, `OCI-BACKEND1`.
 *
 * @see https://docs.oracle.com/en-us/iaas/Content/APIGateway/Tasks/apigatewayusingjwttokens.htm
 * @see https://registry.terraform.io/providers/oracle/oci/8.28.0/docs/resources/apigateway_deployment
 * @example
 * new OciJwtApiDeployment(stack, 'Api', {
 *   gateway,
 *   compartmentId: 'ocid1.compartment.oc1..aaaa...',
 *   pathPrefix: '/test',
 *   server,
 *   allowedClients: [reporting],
 *   routes: [{ path: '/1', backendUrl: 'https://backend.example.com/1', anyOfScopes: ['ApplicationReadA'] }],
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
  /** Accepted audience (`aud`): the first of `audiences`. */
  public readonly audience: string;
  /** Accepted audiences (`aud`). */
  public readonly audiences: readonly string[];
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
    const audiences = this.validateAudiences(props.audiences ?? [server.audience]);
    const clients = this.validateClients(props.allowedClients);
    const claims = this.validateClaims(props.requiredClaims);
    const verifyClaims = [
      ...(clients === undefined ? [] : [{ key: 'client_id', values: clients.map((c) => c.clientId), isRequired: true }]),
      ...claims.map((c) => ({ key: c.name, values: [...c.anyOfValues], isRequired: true })),
    ];
    const routes = this.renderRoutes(server, props.routes, clients, claims.length > 0);

    this.issuer = server.issuer;
    this.audiences = audiences;
    this.audience = audiences[0];
    this.jwksUri = server.facts.jwksUri;
    const type = props.authenticationType ?? OciAuthenticationType.TOKEN_AUTHENTICATION;
    const validation = props.validation ?? OciTokenValidation.remoteJwks();
    const common = {
      isAnonymousAccessAllowed: false,
      tokenHeader,
      tokenAuthScheme,
      maxClockSkewInSeconds: clockSkew,
    };
    let authentication: ApigatewayDeploymentSpecificationRequestPoliciesAuthentication;
    if (type === OciAuthenticationType.JWT_AUTHENTICATION) {
      if (validation.type !== 'REMOTE_JWKS') {
        throw invalidProp(this, 'validation', 'must be OciTokenValidation.remoteJwks() with JWT_AUTHENTICATION', validation.type,
          'Introspection (REMOTE_DISCOVERY) needs TOKEN_AUTHENTICATION, the default.');
      }
      if (props.validationFailureResponse !== undefined) {
        throw invalidProp(this, 'validationFailureResponse', 'is only supported with TOKEN_AUTHENTICATION', props.validationFailureResponse,
          'Remove it, or use TOKEN_AUTHENTICATION (the default).');
      }
      authentication = {
        type,
        ...common,
        issuers: [server.issuer],
        audiences: [...audiences],
        publicKeys: this.renderValidation(server, validation),
        verifyClaims: verifyClaims.length > 0 ? verifyClaims : undefined,
      };
    } else if (type === OciAuthenticationType.TOKEN_AUTHENTICATION) {
      authentication = {
        type,
        ...common,
        validationPolicy: {
          ...this.renderValidation(server, validation),
          additionalValidationPolicy: {
            issuers: [server.issuer],
            audiences: [...audiences],
            verifyClaims: verifyClaims.length > 0 ? verifyClaims : undefined,
          },
        },
        validationFailurePolicy: this.renderFailure(props.validationFailureResponse),
      };
    } else {
      throw invalidProp(this, 'authenticationType', 'must be TOKEN_AUTHENTICATION or JWT_AUTHENTICATION', type, 'Use OciAuthenticationType.TOKEN_AUTHENTICATION (the default).');
    }

    this.resource = new LeanApigatewayDeployment(this, 'Resource', {
      compartmentId: props.compartmentId,
      gatewayId: props.gateway.gatewayId,
      pathPrefix: props.pathPrefix,
      displayName: props.displayName ?? this.node.path,
      specification: { requestPolicies: { authentication }, routes },
    });
    this.deploymentId = this.resource.id;
    this.deploymentEndpoint = this.resource.endpoint;
    for (const [i, route] of props.routes.entries()) {
      if (route.plaintextBackend === undefined) continue;
      recordOptOut(this, `routes[${i}].plaintextBackend`, route.plaintextBackend, { target: this.resource, ruleId: PLAINTEXT_BACKEND_RULE, appliesTo: [`route:${route.path}`] });
    }
  }

  private validateAudiences(audiences: readonly string[]): string[] {
    if (!Array.isArray(audiences) || audiences.length === 0) {
      throw invalidProp(this, 'audiences', 'must not be empty', audiences, 'List the audiences the tokens carry, or omit the prop to accept the server\'s audience.');
    }
    audiences.forEach((a, i) => {
      if (!Token.isUnresolved(a) && (typeof a !== 'string' || a.trim() === '')) {
        throw invalidProp(this, `audiences[${i}]`, 'must be a non-empty audience', a, 'Copy the `aud` value from a token of the issuer.');
      }
    });
    return [...audiences];
  }

  private validateClients(clients: readonly IOciClient[] | undefined): readonly IOciClient[] | undefined {
    if (clients === undefined) return undefined;
    if (clients.length === 0) {
      throw invalidProp(this, 'allowedClients', 'must not be empty when given', [], 'List the clients allowed to call, or omit the prop to accept any client holding a route\'s scope.');
    }
    clients.forEach((c, i) => {
      if (!Token.isUnresolved(c.clientId)) validateClientId(this, `allowedClients[${i}].clientId`, c.clientId);
    });
    return clients;
  }

  private validateClaims(claims: readonly OciRequiredClaim[] | undefined): readonly OciRequiredClaim[] {
    if (claims === undefined) return [];
    if (claims.length === 0) throw invalidProp(this, 'requiredClaims', 'must not be empty when given', [], 'List the claims, or omit the prop.');
    const seen = new Set<string>();
    claims.forEach((claim, i) => {
      const where = `requiredClaims[${i}]`;
      if (typeof claim.name !== 'string' || !/^[^\s"'\\]+$/.test(claim.name)) {
        throw invalidProp(this, `${where}.name`, 'must be a claim name without whitespace or quotes', claim.name, 'Use the claim exactly as it appears in the token, e.g. "APIGWMichael4".');
      }
      const reserved = RESERVED_CLAIMS[claim.name];
      if (reserved !== undefined) throw invalidProp(this, `${where}.name`, 'is checked by a prop of its own', claim.name, reserved);
      if (seen.has(claim.name)) throw invalidProp(this, `${where}.name`, 'is listed twice', claim.name, 'List each claim once, with all its accepted values in anyOfValues.');
      seen.add(claim.name);
      if (!Array.isArray(claim.anyOfValues) || claim.anyOfValues.length === 0) {
        throw invalidProp(this, `${where}.anyOfValues`, 'must not be empty', claim.anyOfValues, 'List the exact value(s) the claim must have, e.g. ["Api1Access"].');
      }
      claim.anyOfValues.forEach((v, j) => {
        if (!Token.isUnresolved(v) && (typeof v !== 'string' || v === '')) {
          throw invalidProp(this, `${where}.anyOfValues[${j}]`, 'must be a non-empty string', v, 'The gateway compares the whole claim value with each listed value.');
        }
      });
    });
    return claims;
  }

  private renderValidation(server: M2mAuthorizationServer, validation: OciTokenValidation): ApigatewayDeploymentSpecificationRequestPoliciesAuthenticationValidationPolicy {
    if (validation.type === 'REMOTE_JWKS') {
      return { type: 'REMOTE_JWKS', uri: server.facts.jwksUri, isSslVerifyDisabled: false };
    }
    const options = validation.introspection as OciIntrospectionOptions;
    const discoveryUri = options.discoveryUri ?? discoveryDocumentUrl(server.issuer).href;
    validateHttpsUrl(this, 'validation.discoveryUri', discoveryUri);
    if (!Token.isUnresolved(options.clientId)) validateClientId(this, 'validation.clientId', options.clientId);
    validateOcid(this, 'validation.clientSecretId', options.clientSecretId, ['vaultsecret']);
    const version = options.clientSecretVersionNumber;
    if (!Token.isUnresolved(version) && !(Number.isInteger(version) && version >= 1)) {
      throw invalidProp(this, 'validation.clientSecretVersionNumber', 'must be a positive whole number', version, 'Use the Vault secret version, e.g. 1.');
    }
    return {
      type: 'REMOTE_DISCOVERY',
      isSslVerifyDisabled: false,
      sourceUriDetails: { type: 'DISCOVERY_URI', uri: discoveryUri },
      clientDetails: { type: 'CUSTOM', clientId: options.clientId, clientSecretId: options.clientSecretId, clientSecretVersionNumber: String(version) },
    };
  }

  private renderFailure(response: OciValidationFailureResponse | undefined): ApigatewayDeploymentSpecificationRequestPoliciesAuthenticationValidationFailurePolicy {
    const status = response?.statusCode ?? 401;
    if (!Token.isUnresolved(status) && !(Number.isInteger(status) && status >= 400 && status <= 599)) {
      throw invalidProp(this, 'validationFailureResponse.statusCode', 'must be an HTTP error status from 400 to 599', status,
        'A failed token check must never look like success; use 401 (the default) or 403.');
    }
    return { type: 'MODIFY_RESPONSE', responseCode: String(status), responseMessage: response?.message };
  }

  private renderRoutes(server: M2mAuthorizationServer, routes: readonly OciJwtApiRoute[], clients: readonly IOciClient[] | undefined, hasRequiredClaims: boolean): ApigatewayDeploymentSpecificationRoutes[] {
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
      validateBackendUrl(this, `${where}.backendUrl`, route.backendUrl, route.plaintextBackend !== undefined);
      const backend = { type: 'HTTP_BACKEND', url: route.backendUrl, isSslVerifyDisabled: false };
      if (route.anyOfScopes === undefined) {
        if (!hasRequiredClaims) {
          throw invalidProp(this, `${where}.anyOfScopes`, 'is required unless the deployment has requiredClaims', route.anyOfScopes,
            'List the scopes that admit a caller; a route without scopes would admit every token of the issuer for the audience.');
        }
        return { path: route.path, methods: [...methods], backend, requestPolicies: { authorization: { type: 'AUTHENTICATION_ONLY' } } };
      }
      if (route.anyOfScopes.length === 0) {
        throw invalidProp(this, `${where}.anyOfScopes`, 'must not be empty', route.anyOfScopes,
          'List the scopes that admit a caller; a route without scopes would admit every token of the issuer.');
      }
      server.assertScopes(this, `${where}.anyOfScopes`, route.anyOfScopes);
      if (clients !== undefined && !clients.some((c) => c.grantedScopes.some((s) => route.anyOfScopes?.includes(s)))) {
        throw invalidProp(this, `${where}.anyOfScopes`, 'is granted to none of the allowedClients, so no caller could ever pass', route.anyOfScopes,
          'Grant one of the scopes to an allowed client, or allow a client that holds one.');
      }
      return {
        path: route.path,
        methods: [...methods],
        backend,
        requestPolicies: { authorization: { type: 'ANY_OF', allowedScope: [...route.anyOfScopes] } },
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
  if (url.username !== '' || url.password !== '') {
    // The URL would land in the synthesized JSON and the state: never echo the credentials back.
    url.username = '';
    url.password = '';
    throw invalidProp(scope, prop, 'must not contain credentials (user:password@)', url.href,
      'Remove them; authenticate the gateway to the backend with mutual TLS or a header set from a Vault secret.');
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && allowPlaintext) return;
  if (url.protocol === 'http:') {
    throw invalidProp(scope, prop, 'must use https', value, 'Use the https:// URL, or opt out with plaintextBackend: { reason } for a backend reachable only inside the VCN.');
  }
  throw invalidProp(scope, prop, 'must be an http(s) URL', value, 'Use e.g. "https://backend.example.com/api".');
}
