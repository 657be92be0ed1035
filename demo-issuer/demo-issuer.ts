/**
 * A real OpenID Connect issuer (oidc-provider) over real HTTPS on loopback, for tests, the
 * benchmark and humans recording an example lock.
 */
import { AddressInfo } from 'node:net';
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { type AsymmetricSigningAlgorithm } from 'oidc-provider';
import { memoryAdapterFactory } from './memory-adapter';
import { ChainShape, type DemoPki, type DemoServerCertificates, generateDemoPki, serverChainPem } from './pki';
import { type PrivateSigningJwk, generateSigningKey, publicSigningJwk } from './signing-keys';

/** A confidential client allowed the client_credentials grant. */
export interface DemoClient {
  /** `client_id`. */
  readonly clientId: string;
  /** `client_secret` (client_secret_basic / client_secret_post). */
  readonly clientSecret: string;
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
   * Client allowed the client_credentials grant.
   * @default - `{ clientId: 'demo-client', clientSecret: 'demo-client-secret' }`
   */
  readonly client?: DemoClient;
  /**
   * Audience (`aud`) of the JWT access tokens issued by client_credentials.
   * @default 'https://api.example.test'
   */
  readonly audience?: string;
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
  /** The client allowed client_credentials. */
  readonly client: DemoClient;
  /** Audience of issued access tokens. */
  readonly audience: string;
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
  /** Stops the servers. */
  close(): Promise<void>;
}

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
  const client = options.client ?? { clientId: 'demo-client', clientSecret: 'demo-client-secret' };
  const audience = options.audience ?? 'https://api.example.test';
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
  const issuer = `https://${hostname}:${port}${mountPath}`;

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
      clients: [{
        client_id: client.clientId,
        client_secret: client.clientSecret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        id_token_signed_response_alg: alg,
      }],
      jwks: { keys: signingKeys.map((k) => ({ ...k })) },
      cookies: { keys: ['demo-issuer-cookie-key-not-secret'] },
      ttl: { ClientCredentials: 300 },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => audience,
          useGrantedResource: () => true,
          getResourceServerInfo: () => ({
            scope: 'api',
            audience,
            accessTokenTTL: 300,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg } },
          }),
        },
      },
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
    tokenEndpoint: `${issuer}/token`,
    jwksUri,
    client,
    audience,
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
    async close() {
      await Promise.all([closeServer(issuerServer), jwksServer ? closeServer(jwksServer) : undefined]);
    },
  };
}

function closeServer(server: https.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
