/**
 * Serves an {@link ApigEmulator} over plain HTTP on loopback, so a synthesized APIG stack can be
 * called with curl: the `Host` header is the request domain, the gateway and environment come
 * from the server options or the `X-Apig-Gateway` / `X-Apig-Environment` headers (the real gateway
 * tells them apart by endpoint). Every response carries `x-emulator-decision` and a JSON body
 * `{ decision, status, reason, gateway, environment, policies, unsupported, body }`.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { listenOn } from './loopback';
import type { ApigEmulator } from './apig';
import type { EmulatorServer } from './server';

/** Options of {@link startApigEmulatorServer}. */
export interface ApigEmulatorServerOptions {
  /**
   * TCP port; 0 picks a free one.
   * @default 0
   */
  readonly port?: number;
  /**
   * Address to listen on.
   * @default '127.0.0.1'
   */
  readonly host?: string;
  /**
   * Gateway id for requests without an `X-Apig-Gateway` header.
   * @default - the stack's only gateway
   */
  readonly gateway?: string;
  /**
   * Environment id for requests without an `X-Apig-Environment` header.
   * @default - the gateway's only environment in the stack
   */
  readonly environment?: string;
}

/** Serves `emulator` over plain HTTP on loopback. */
export async function startApigEmulatorServer(emulator: ApigEmulator, options: ApigEmulatorServerOptions = {}): Promise<EmulatorServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    handle(emulator, options, req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json', 'x-emulator-decision': 'DENY' });
      res.end(JSON.stringify({ decision: 'DENY', status: 500, reason: `emulator error: ${(error as Error).message}`, unsupported: true }));
    });
  });
  return listenOn(server, options.port ?? 0, host);
}

async function handle(emulator: ApigEmulator, options: ApigEmulatorServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  for await (const chunk of req) void chunk;
  const header = (name: string): string | undefined => {
    const value = req.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const result = await emulator.handle({
    gateway: header('x-apig-gateway') ?? options.gateway,
    environment: header('x-apig-environment') ?? options.environment,
    host: header('host') ?? '',
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    headers: req.headers,
  });
  const body = JSON.stringify({
    decision: result.decision,
    status: result.status,
    reason: result.reason,
    gateway: result.target?.gateway,
    environment: result.target?.environment,
    policies: result.policies,
    unsupported: result.unsupported ?? false,
    body: result.body,
  }, null, 2);
  res.writeHead(result.status, { 'content-type': 'application/json', 'x-emulator-decision': result.decision });
  res.end(`${body}\n`);
}
