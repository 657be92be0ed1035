/**
 * Real loopback servers for the lookup tests: HTTPS with a chosen chain, raw TCP that never
 * answers, and closed ports.
 */
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { SecureVersion } from 'node:tls';
import { ChainShape, type DemoServerCertificates, serverChainPem } from '../../demo-issuer/pki';

/** A running test server. */
export interface TestServer {
  /** Listening port on 127.0.0.1. */
  readonly port: number;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Stops the server and drops its connections. */
  close(): Promise<void>;
}

/** A running HTTPS test server. */
export interface TestHttpsServer extends TestServer {
  /** `https://localhost:<port>` (no trailing slash). */
  readonly origin: string;
  /** Requests received so far (method + url). */
  readonly requests: readonly string[];
}

/** One hand-served document. */
export interface ServedDocument {
  /** @default 200 */
  readonly status?: number;
  /** @default { 'content-type': 'application/json' } */
  readonly headers?: Readonly<Record<string, string>>;
  /** Body; a function is called with the server origin. */
  readonly body: string | Buffer | ((origin: string) => string);
}

/** Options of {@link startHttpsServer}. */
export interface HttpsServerOptions {
  /** Certificates: a PKI and the chain shape to send, or a raw key + PEM chain. */
  readonly certificates: DemoServerCertificates | { readonly keyPem: string; readonly chainPem: string };
  /** @default ChainShape.LEAF_AND_INTERMEDIATE */
  readonly chainShape?: ChainShape;
  /** Paths (without query) to documents; unknown paths get 404. */
  readonly routes?: Readonly<Record<string, ServedDocument>>;
  /** Raw handler instead of routes. */
  readonly handler?: (req: IncomingMessage, res: ServerResponse, origin: string) => void;
  /** Highest TLS version offered, to test the TLS 1.2 path. */
  readonly maxVersion?: SecureVersion;
  /** TLS 1.3 cipher suites the server accepts (OpenSSL `-ciphersuites` syntax). */
  readonly tls13CipherSuites?: string;
}

function trackSockets(server: TcpServer | HttpsServer) {
  const sockets = new Set<Socket>();
  let count = 0;
  server.on('connection', (socket: Socket) => {
    count++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return {
    get count() {
      return count;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

async function listen(server: TcpServer | HttpsServer): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** Starts an HTTPS server on 127.0.0.1 serving hand-written documents. */
export async function startHttpsServer(options: HttpsServerOptions): Promise<TestHttpsServer> {
  const certs = options.certificates;
  const tlsOptions =
    'keyPem' in certs
      ? { key: certs.keyPem, cert: certs.chainPem }
      : { key: certs.leaf.keyPem, cert: serverChainPem(certs, options.chainShape ?? ChainShape.LEAF_AND_INTERMEDIATE) };
  const requests: string[] = [];
  let origin = '';
  const server = createHttpsServer({
    ...tlsOptions,
    ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}),
    // Node takes TLS 1.3 suites in `ciphers` next to the TLS 1.2 list
    ...(options.tls13CipherSuites ? { ciphers: `${options.tls13CipherSuites}:ECDHE-ECDSA-AES128-GCM-SHA256` } : {}),
  }, (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (options.handler) {
      options.handler(req, res, origin);
      return;
    }
    const doc = options.routes?.[(req.url ?? '/').split('?')[0]];
    if (!doc) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const body = typeof doc.body === 'function' ? doc.body(origin) : doc.body;
    res.writeHead(doc.status ?? 200, doc.headers ?? { 'content-type': 'application/json' }).end(body);
  });
  const tracker = trackSockets(server);
  const port = await listen(server);
  origin = `https://localhost:${port}`;
  return {
    port,
    origin,
    requests,
    get connections() {
      return tracker.count;
    },
    close: tracker.close,
  };
}

/** A TCP server that accepts connections and never sends a byte (for timeouts). */
export async function startSilentServer(): Promise<TestServer> {
  const server = createTcpServer(() => undefined);
  const tracker = trackSockets(server);
  const port = await listen(server);
  return {
    port,
    get connections() {
      return tracker.count;
    },
    close: tracker.close,
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createTcpServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
