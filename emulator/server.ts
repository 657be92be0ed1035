/**
 * A small HTTP server (node:http, loopback) in front of a {@link GatewayEmulator}, so a
 * synthesized stack can be called with curl or any HTTP client.
 *
 * Every response carries the emulated status and headers plus `x-emulator-decision`, and a JSON
 * body: `{ decision, status, reason, api, stage, plugins, notEmulated, unsupported, body }` where
 * `body` is what the gateway itself would have returned.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { type LoopbackServer, listenOn } from './loopback';
import type { EmulatorRequest, EmulatorResponse } from './gateway';
import { DEFAULT_REQUEST_STAGE } from '../core/stages';

/** What the server serves: the API Gateway emulator, the OCI emulator, ... */
export interface RequestEmulator {
  /** Decides what the emulated gateway would do with a request. */
  handle(request: EmulatorRequest): Promise<EmulatorResponse>;
}

/** Options of {@link startEmulatorServer}. */
export interface EmulatorServerOptions {
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
   * Stage used when a request has no `X-Ca-Stage` header.
   * @default 'RELEASE'
   */
  readonly defaultStage?: string;
  /**
   * Group to route in when several groups of the stack have the same route.
   * @default - any group
   */
  readonly group?: string;
}

/** A running emulator server. */
export type EmulatorServer = LoopbackServer;

/** Serves `emulator` over plain HTTP on loopback. */
export async function startEmulatorServer(emulator: RequestEmulator, options: EmulatorServerOptions = {}): Promise<EmulatorServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    handle(emulator, options, req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ decision: 'DENY', status: 500, reason: `emulator error: ${(error as Error).message}`, unsupported: true }));
    });
  });
  return listenOn(server, options.port ?? 0, host);
}

async function handle(emulator: RequestEmulator, options: EmulatorServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // The body is not inspected (no Form: parameters), but it is drained so keep-alive works.
  for await (const chunk of req) void chunk;
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const query: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) query[name] = [...(query[name] ?? []), value];
  const stageHeader = req.headers['x-ca-stage'];
  const result = await emulator.handle({
    stage: typeof stageHeader === 'string' ? stageHeader : options.defaultStage ?? DEFAULT_REQUEST_STAGE,
    method: req.method ?? 'GET',
    path: url.pathname,
    query,
    headers: req.headers,
    group: options.group,
  });
  const body = JSON.stringify({
    decision: result.decision,
    status: result.status,
    reason: result.reason,
    api: result.api,
    stage: result.stage,
    plugins: result.plugins,
    notEmulated: result.notEmulated,
    unsupported: result.unsupported ?? false,
    body: result.body,
  }, null, 2);
  res.writeHead(result.status, {
    ...Object.fromEntries(Object.entries(result.headers).map(([k, v]) => [k, headerSafe(v)])),
    'content-type': 'application/json',
    'x-emulator-decision': result.decision,
  });
  res.end(`${body}\n`);
}

/** Header values must be Latin-1 without control characters. */
function headerSafe(value: string): string {
  return value.replace(/[^\x20-\x7e\x80-\xff]/g, '?');
}
