/**
 * A real OpenID Connect issuer (oidc-provider) over real HTTPS on loopback, for tests, the
 * benchmark and humans recording an example lock.
 *
 * It plays an IDaaS EIAM M2M server: one resource server (`audience`) with a scope catalog
 * (`scopes`), several client applications each granted some of those scopes, and the
 * client_credentials grant issuing JWT access tokens. See `scopes.ts` for how the `scope`
 * request parameter is read.
 */
import { AddressInfo } from 'node:net';
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { type AsymmetricSigningAlgorithm, errors } from 'oidc-provider';
import { Agent, request } from 'undici';
import { memoryAdapterFactory } from './memory-adapter';
import { ChainShape, type DemoPki, type DemoServerCertificates, generateDemoPki, serverChainPem } from './pki';
import { ScopeRequestError, acceptedScopeEntries, assertScopeCatalog, idaasScopeRequest, resolveScopeRequest } from './scopes';
import { type PrivateSigningJwk, generateSigningKey, publicSigningJwk } from './signing-keys';

/** A confidential client allowed the client_credentials grant. */
export interface DemoClient {
  /** `client_id`. */
  readonly clientId: string;
  /** `client_secret` (client_secret_basic / client_secret_post). */
  readonly clientSecret: string;
  /**
   * Scopes of the catalog (`DemoIssuerOptions.scopes`) the client is granted. A token request
   * for any other scope gets `invalid_scope`.
   * @default - every scope of the catalog
   */
  readonly grantedScopes?: readonly string[];
  /**
   * Extra claims put into every access token of this client, like an identity domain's custom
   * claims (seed 002 use case 2: `APIGWMichael4: Api1Access`) or its `tok_type` / `sub_type`.
   * Registered claims (`iss`, `aud`, `sub`, `exp`, `iat`, `nbf`, `jti`, `scope`, `client_id`)
   * are refused.
   * @default - none
   */
  readonly extraClaims?: Readonly<Record<string, string | number | boolean>>;
  /**
   * How the client must authenticate at the token endpoint; the other method is refused
   * (`invalid_client`), as a server holding the client's registered method does.
   * @default 'client_secret_basic'
   */
  readonly tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
}

/** A client as the running issuer serves it, with its grants resolved. */
export interface DemoIssuerClient extends DemoClient {
  /** Scopes the client is granted, in catalog order. */
  readonly grantedScopes: readonly string[];
}

/** Options of {@link DemoIssuer.requestToken}. */
export interface DemoTokenRequest {
  /**
   * Client to authenticate as (with its `tokenEndpointAuthMethod`).
   * @default - the first client
   */
  readonly clientId?: string;
  /**
   * The `scope` parameter, sent as is: plain names (`user:read:one`), the IDaaS form
   * (`<audience>|user:read:one`, `<audience>|.all`) or both, space-separated. `null` sends none.
   * @default - `<audience>|.all`: every scope the client is granted
   */
  readonly scope?: string | null;
}

/** The token endpoint's answer to {@link DemoIssuer.requestToken}. */
export interface DemoTokenResponse {
  /** HTTP status. */
  readonly status: number;
  /** Parsed JSON body: `access_token`, `expires_in`, `scope`, ... or `error`, `error_description`. */
  readonly body: Record<string, unknown>;
  /** `body.access_token` when the request succeeded. */
  readonly accessToken?: string;
}

/** A second TLS endpoint that serves the issuer's JWKS (so `jwks_uri` is on another host). */
export interface DemoJwksHostOptions {
  /**
   * Host name used in `jwks_uri`; must be in the leaf certificate.
   * @default '127.0.0.1'
   */
  readonly hostname?: string;
  /**
   * Certificates of the JWKS endpoint.
   * @default - a fresh PKI
   */
  readonly pki?: DemoServerCertificates;
  /**
   * Chain the JWKS endpoint sends.
   * @default ChainShape.LEAF_AND_INTERMEDIATE
   */
  readonly chainShape?: ChainShape;
}

/** Options of {@link startDemoIssuer}. */
export interface DemoIssuerOptions {
  /**
   * TCP port; 0 picks a free one.
   * @default 0
   */
  readonly port?: number;
  /**
   * Address to listen on. Loopback only: this is a demo with committed keys.
   * @default '127.0.0.1'
   */
  readonly listenAddress?: string;
  /**
   * Host name in the issuer URL; must be in the leaf certificate.
   * @default 'localhost'
   */
  readonly hostname?: string;
  /**
   * Port written in the issuer URL when it is not the one listened on, e.g. to serve the
   * example's issuer identity (https://localhost:8443/demo) from a free port in-process while
   * `npm run demo-issuer` holds 8443. `tokenEndpoint` and `requestToken` use the real port.
   * @default - the port listened on
   */
  readonly issuerPort?: number;
  /**
   * Path of the issuer URL ('' for none).
   * @default '/demo'
   */
  readonly path?: string;
  /**
   * Certificates.
   * @default - one root → intermediate → leaf for localhost / 127.0.0.1, generated once per process
   */
  readonly pki?: DemoServerCertificates;
  /**
   * Certificates the server sends.
   * @default ChainShape.LEAF_AND_INTERMEDIATE
   */
  readonly chainShape?: ChainShape;
  /**
   * Private signing JWKs; the first signs tokens.
   * @default - one fresh ES256 key
   */
  readonly signingKeys?: readonly PrivateSigningJwk[];
  /**
   * The only client allowed the client_credentials grant: shorthand for `clients: [client]`.
   * Give `clients` instead for several; not both.
   * @default - `{ clientId: 'demo-client', clientSecret: 'demo-client-secret' }`, granted every scope
   */
  readonly client?: DemoClient;
  /**
   * Clients allowed the client_credentials grant, each granted some of `scopes`.
   * @default - `[client]`
   */
  readonly clients?: readonly DemoClient[];
  /**
   * The resource server's identifier: `aud` of the JWT access tokens, and the
   * `<audience>|<scope>` prefix of IDaaS-style scope requests.
   * @default 'https://api.example.test'
   */
  readonly audience?: string;
  /**
   * `aud` written into the access tokens instead of {@link audience}, for identity providers whose
   * resource servers use plain names (an OCI identity domain's `anwendung1`); oidc-provider only
   * accepts absolute URIs as resource indicators.
   * @default - {@link audience}
   */
  readonly accessTokenAudience?: string;
  /**
   * The resource server's scope catalog. Tokens carry, as a space-delimited `scope` claim, the
   * requested scopes (all of them granted to the client, else `invalid_scope`).
   * @default ['api']
   */
  readonly scopes?: readonly string[];
  /**
   * Lifetime of the access tokens (`exp - iat`), in seconds.
   * @default 300
   */
  readonly accessTokenTtlSeconds?: number;
  /**
   * Serve the JWKS from a second TLS endpoint and point `jwks_uri` at it.
   * @default - JWKS served by the issuer host itself
   */
  readonly jwksHost?: DemoJwksHostOptions;
}

/** A running demo issuer. */
export interface DemoIssuer {
  /** The issuer URL, e.g. `https://localhost:43210/demo`. */
  readonly issuer: string;
  /** Port the issuer listens on. */
  readonly port: number;
  /** Root CA certificate (PEM): pass it as the CA bundle. Includes the JWKS host's root when different. */
  readonly caPem: string;
  /** Token endpoint URL. */
  readonly tokenEndpoint: string;
  /** `jwks_uri` as published. */
  readonly jwksUri: string;
  /** The first client allowed client_credentials (the only one unless `clients` was given). */
  readonly client: DemoIssuerClient;
  /** Every client allowed client_credentials, with its granted scopes. */
  readonly clients: readonly DemoIssuerClient[];
  /** Audience of issued access tokens (the resource server identifier). */
  readonly audience: string;
  /** The resource server's scope catalog. */
  readonly scopes: readonly string[];
  /** Lifetime of the access tokens, in seconds. */
  readonly accessTokenTtlSeconds: number;
  /** Current certificates of the issuer host. */
  readonly pki: DemoServerCertificates;
  /** Current chain shape of the issuer host. */
  readonly chainShape: ChainShape;
  /** Public JWKs currently published. */
  readonly publicKeys: readonly Record<string, string>[];
  /** TCP connections accepted so far (issuer host and JWKS host). */
  readonly connectionCount: number;
  /** Serve another certificate chain from now on (rotation). Existing connections keep theirs. */
  setCertificates(pki: DemoServerCertificates, chainShape?: ChainShape): void;
  /** Publish and sign with other keys from now on (rotation). */
  setSigningKeys(keys: readonly PrivateSigningJwk[]): void;
  /**
   * The IDaaS form of a scope request for this issuer: `<audience>|<scope> ...`, or
   * `<audience>|.all` (every granted scope) when `scopes` is omitted.
   */
  requestScope(scopes?: readonly string[]): string;
  /**
   * POSTs a client_credentials request to the token endpoint (the client's auth method, trusting
   * {@link caPem}) and returns the answer, errors included.
   */
  requestToken(options?: DemoTokenRequest): Promise<DemoTokenResponse>;
  /** Stops the servers. */
  close(): Promise<void>;
}

/** Claims the issuer sets itself; `extraClaims` may not override them. */
const RESERVED_CLAIMS = ['iss', 'aud', 'sub', 'exp', 'iat', 'nbf', 'jti', 'scope', 'client_id'];

let defaultPki: DemoPki | undefined;

/** One PKI per process for callers that do not care about the certificates. */
function sharedPki(): DemoPki {
  defaultPki ??= generateDemoPki({ label: 'shared' });
  return defaultPki;
}

/**
 * Starts a real oidc-provider over HTTPS on loopback, with client_credentials enabled and
 * JWT access tokens.
 *
 * @example
 * const demo = await startDemoIssuer({ chainShape: ChainShape.FULL_CHAIN });
 * // fetch(`${demo.issuer}/.well-known/openid-configuration`) trusting demo.caPem
 * await demo.close();
 */
export async function startDemoIssuer(options: DemoIssuerOptions = {}): Promise<DemoIssuer> {
  const hostname = options.hostname ?? 'localhost';
  const mountPath = (options.path ?? '/demo').replace(/\/+$/, '');
  const audience = options.audience ?? 'https://api.example.test';
  const scopes = [...(options.scopes ?? ['api'])];
  assertScopeCatalog(scopes);
  const clients = resolveClients(options, scopes);
  const clientsById = new Map(clients.map((c) => [c.clientId, c]));
  const ttl = options.accessTokenTtlSeconds ?? 300;
  if (!Number.isSafeInteger(ttl) || ttl <= 0) throw new Error(`demo issuer: accessTokenTtlSeconds must be a positive integer, got ${ttl}`);
  const policyFor = (clientId: string) => ({ audience, catalog: scopes, granted: clientsById.get(clientId)?.grantedScopes ?? [], clientId });
  /** The scope names a (kept) request entry list stands for, space-delimited. */
  const normalizedScope = (entries: unknown, clientId: string): string | undefined =>
    typeof entries === 'string' ? resolveScopeRequest(entries, policyFor(clientId)).join(' ') || undefined : undefined;
  let pki: DemoServerCertificates = options.pki ?? sharedPki();
  let chainShape = options.chainShape ?? ChainShape.LEAF_AND_INTERMEDIATE;
  let signingKeys = [...(options.signingKeys ?? [generateSigningKey()])];
  let connections = 0;
  const adapter = memoryAdapterFactory();

  let handler: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;
  const route = (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    if (mountPath && url !== mountPath && !url.startsWith(`${mountPath}/`) && !url.startsWith(`${mountPath}?`)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    // oidc-provider derives its mount path from originalUrl vs url (as under express)
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = url;
    req.url = url.slice(mountPath.length) || '/';
    handler(req, res);
  };

  const listen = async (server: https.Server, port: number) => {
    server.on('connection', () => connections++);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, options.listenAddress ?? '127.0.0.1', () => resolve());
    });
    return (server.address() as AddressInfo).port;
  };

  const issuerServer = https.createServer({ key: pki.leaf.keyPem, cert: serverChainPem(pki, chainShape) }, route);
  const port = await listen(issuerServer, options.port ?? 0);
  const issuer = `https://${hostname}:${options.issuerPort ?? port}${mountPath}`;
  const reachableIssuer = `https://${hostname}:${port}${mountPath}`;

  let jwksServer: https.Server | undefined;
  let jwksUri = `${issuer}/jwks`;
  let jwksPki: DemoServerCertificates | undefined;
  if (options.jwksHost) {
    jwksPki = options.jwksHost.pki ?? generateDemoPki({ label: 'jwks' });
    const shape = options.jwksHost.chainShape ?? ChainShape.LEAF_AND_INTERMEDIATE;
    jwksServer = https.createServer({ key: jwksPki.leaf.keyPem, cert: serverChainPem(jwksPki, shape) }, route);
    const jwksPort = await listen(jwksServer, 0).catch(async (error) => {
      await closeServer(issuerServer);
      throw error;
    });
    jwksUri = `https://${options.jwksHost.hostname ?? '127.0.0.1'}:${jwksPort}${mountPath}/jwks`;
  }

  const buildProvider = () => {
    const alg = signingKeys[0].alg as AsymmetricSigningAlgorithm;
    const provider = new Provider(issuer, {
      adapter,
      clients: clients.map((client) => ({
        client_id: client.clientId,
        client_secret: client.clientSecret,
        token_endpoint_auth_method: client.tokenEndpointAuthMethod ?? 'client_secret_basic',
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        id_token_signed_response_alg: alg,
      })),
      jwks: { keys: signingKeys.map((k) => ({ ...k })) },
      cookies: { keys: ['demo-issuer-cookie-key-not-secret'] },
      ttl: { ClientCredentials: ttl },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => audience,
          useGrantedResource: () => true,
          // Runs before the grant reads `scope`: the place oidc-provider gives for deciding
          // which scopes a client may get on a resource server.
          getResourceServerInfo: (ctx, resourceIndicator, client) => {
            if (resourceIndicator !== audience) throw new errors.InvalidTarget(`unknown resource server; this issuer serves ${audience}`);
            const policy = policyFor(client.clientId);
            try {
              resolveScopeRequest(ctx.oidc.params?.scope as string | undefined, policy);
            } catch (error) {
              if (error instanceof ScopeRequestError) throw new errors.InvalidScope(error.message, error.scope);
              throw error;
            }
            return {
              // oidc-provider keeps the requested entries found here; the JWT customizer below
              // turns `<audience>|<scope>` and `<audience>|.all` into scope names
              scope: acceptedScopeEntries(audience, policy.granted).join(' '),
              audience,
              accessTokenTTL: ttl,
              accessTokenFormat: 'jwt',
              jwt: { sign: { alg } },
            };
          },
        },
      },
      formats: {
        customizers: {
          jwt: (_ctx, token, jwt) => {
            Object.assign(jwt.payload, clientsById.get(token.clientId ?? '')?.extraClaims ?? {});
            if (options.accessTokenAudience !== undefined) jwt.payload.aud = options.accessTokenAudience;
            jwt.payload.scope = normalizedScope(token.scope, token.clientId ?? '');
          },
        },
      },
    });
    // the token response's `scope` names the same scopes as the token
    provider.use(async (ctx, next) => {
      await next();
      const body = ctx.body as Record<string, unknown> | undefined;
      const clientId = ctx.oidc?.client?.clientId;
      if (ctx.path === '/token' && ctx.status === 200 && body && typeof body === 'object' && typeof body.scope === 'string' && clientId) {
        const scope = normalizedScope(body.scope, clientId);
        if (scope === undefined) delete body.scope;
        else body.scope = scope;
      }
    });
    if (options.jwksHost) {
      provider.use(async (ctx, next) => {
        await next();
        if (ctx.path === '/.well-known/openid-configuration' && ctx.body && typeof ctx.body === 'object') {
          (ctx.body as Record<string, unknown>).jwks_uri = jwksUri;
        }
      });
    }
    return provider;
  };
  handler = buildProvider().callback();

  return {
    issuer,
    port,
    get caPem() {
      return pki.root.certPem + (jwksPki && jwksPki.root.certPem !== pki.root.certPem ? jwksPki.root.certPem : '');
    },
    tokenEndpoint: `${reachableIssuer}/token`,
    jwksUri,
    client: clients[0],
    clients,
    audience,
    scopes,
    accessTokenTtlSeconds: ttl,
    get pki() {
      return pki;
    },
    get chainShape() {
      return chainShape;
    },
    get publicKeys() {
      return signingKeys.map(publicSigningJwk);
    },
    get connectionCount() {
      return connections;
    },
    setCertificates(next: DemoServerCertificates, shape: ChainShape = chainShape) {
      pki = next;
      chainShape = shape;
      issuerServer.setSecureContext({ key: pki.leaf.keyPem, cert: serverChainPem(pki, chainShape) });
    },
    setSigningKeys(keys: readonly PrivateSigningJwk[]) {
      if (keys.length === 0) throw new Error('setSigningKeys: at least one key is needed');
      signingKeys = [...keys];
      handler = buildProvider().callback();
    },
    requestScope(requested?: readonly string[]) {
      return idaasScopeRequest(audience, requested);
    },
    requestToken(tokenRequest: DemoTokenRequest = {}) {
      const client = tokenRequest.clientId === undefined ? clients[0] : clientsById.get(tokenRequest.clientId);
      if (!client) throw new Error(`demo issuer: no client ${tokenRequest.clientId} (clients: ${clients.map((c) => c.clientId).join(', ')})`);
      const scope = tokenRequest.scope === undefined ? idaasScopeRequest(audience) : tokenRequest.scope;
      return postTokenRequest(`${reachableIssuer}/token`, pki.root.certPem, client, scope);
    },
    async close() {
      await Promise.all([closeServer(issuerServer), jwksServer ? closeServer(jwksServer) : undefined]);
    },
  };
}

function resolveClients(options: DemoIssuerOptions, catalog: readonly string[]): DemoIssuerClient[] {
  if (options.client && options.clients) throw new Error('demo issuer: give either client or clients, not both');
  const given = options.clients ?? [options.client ?? { clientId: 'demo-client', clientSecret: 'demo-client-secret' }];
  if (given.length === 0) throw new Error('demo issuer: clients must not be empty');
  return given.map((c, i) => {
    if (given.findIndex((o) => o.clientId === c.clientId) !== i) throw new Error(`demo issuer: client ${c.clientId} is listed twice`);
    const granted = c.grantedScopes ?? catalog;
    const unknown = granted.filter((s) => !catalog.includes(s));
    if (unknown.length > 0) throw new Error(`demo issuer: client ${c.clientId} is granted ${unknown.join(', ')}, not in the scope catalog (${catalog.join(' ')})`);
    const reserved = Object.keys(c.extraClaims ?? {}).filter((k) => RESERVED_CLAIMS.includes(k));
    if (reserved.length > 0) throw new Error(`demo issuer: client ${c.clientId} extraClaims must not set ${reserved.join(', ')} (the issuer sets them)`);
    return {
      clientId: c.clientId, clientSecret: c.clientSecret, grantedScopes: catalog.filter((s) => granted.includes(s)),
      ...(c.tokenEndpointAuthMethod ? { tokenEndpointAuthMethod: c.tokenEndpointAuthMethod } : {}),
      ...(c.extraClaims ? { extraClaims: { ...c.extraClaims } } : {}),
    };
  });
}

async function postTokenRequest(tokenEndpoint: string, caPem: string, client: DemoClient, scope: string | null): Promise<DemoTokenResponse> {
  const agent = new Agent({ connect: { ca: caPem } });
  try {
    const form: Record<string, string> = { grant_type: 'client_credentials', ...(scope === null ? {} : { scope }) };
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (client.tokenEndpointAuthMethod === 'client_secret_post') {
      Object.assign(form, { client_id: client.clientId, client_secret: client.clientSecret });
    } else {
      // RFC 6749 §2.3.1: form-encode id and secret before Basic
      headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}`;
    }
    const response = await request(tokenEndpoint, { method: 'POST', dispatcher: agent, headers, body: new URLSearchParams(form).toString() });
    const body = (await response.body.json()) as Record<string, unknown>;
    const accessToken = response.statusCode === 200 && typeof body.access_token === 'string' ? body.access_token : undefined;
    return { status: response.statusCode, body, ...(accessToken ? { accessToken } : {}) };
  } finally {
    await agent.close();
  }
}

function closeServer(server: https.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
