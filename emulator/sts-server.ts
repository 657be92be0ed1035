/**
 * Serves a {@link StsEmulator} over HTTP on loopback in STS's RPC style: `POST /` (or GET) with
 * `Action=AssumeRoleWithOIDC`, `Version=2015-04-01`, `Format=JSON` and the operation's parameters
 * in the query string or an `application/x-www-form-urlencoded` body (the official SDK sends them
 * in the query string). AssumeRoleWithOIDC is anonymous, so no signature is expected.
 *
 * The server logs nothing; tokens and credentials only travel in requests and responses.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { type LoopbackServer, listenOn } from './loopback';
import { STS_API_VERSION, type StsAnswer, type StsEmulator } from './sts';

/** Options of {@link startStsEmulatorServer}. */
export interface StsEmulatorServerOptions {
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
   * Called after each answer with the action, status and error code (never parameters).
   * @default - nothing
   */
  readonly onAnswer?: (summary: { readonly action: string; readonly status: number; readonly code?: string; readonly roleArn?: string }) => void;
}

/** A running STS emulator server; its `url` is the endpoint, e.g. `http://127.0.0.1:9443`. */
export type StsEmulatorServer = LoopbackServer;

const MAX_BODY_BYTES = 64 * 1024;

/** Serves `emulator` over plain HTTP on loopback. */
export async function startStsEmulatorServer(emulator: StsEmulator, options: StsEmulatorServerOptions = {}): Promise<StsEmulatorServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    handle(emulator, options, req, res).catch(() => {
      send(res, { status: 500, body: { Code: 'InternalError', Message: 'The request processing has failed due to some unknown error.' } });
    });
  });
  return listenOn(server, options.port ?? 0, host);
}

async function handle(emulator: StsEmulator, options: StsEmulatorServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      send(res, { status: 413, body: { Code: 'InvalidParameter', Message: 'The request body is too large.' } });
      return;
    }
    chunks.push(chunk as Buffer);
  }
  const url = new URL(req.url ?? '/', 'http://sts.invalid');
  const params: Record<string, string> = {};
  for (const [name, value] of url.searchParams) params[name] = value;
  const type = String(req.headers['content-type'] ?? '');
  if (chunks.length > 0 && type.startsWith('application/x-www-form-urlencoded')) {
    for (const [name, value] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) params[name] = value;
  }
  const action = params.Action ?? String(req.headers['x-acs-action'] ?? '');
  let answer: StsAnswer;
  if (url.pathname !== '/' || (req.method !== 'POST' && req.method !== 'GET')) {
    answer = { status: 404, body: { Code: 'InvalidAction.NotFound', Message: 'Specified api is not found, please check your url and method.' } };
  } else if (action !== 'AssumeRoleWithOIDC') {
    answer = { status: 404, body: { Code: 'InvalidAction.NotFound', Message: `Specified api is not found, please check your url and method. (the emulator serves AssumeRoleWithOIDC, got ${JSON.stringify(action)})` } };
  } else if ((params.Version ?? req.headers['x-acs-version']) !== STS_API_VERSION) {
    answer = { status: 400, body: { Code: 'InvalidVersion', Message: `Specified parameter Version is not valid. (the emulator serves ${STS_API_VERSION})` } };
  } else {
    answer = await emulator.assumeRoleWithOidc(params);
  }
  options.onAnswer?.({ action, status: answer.status, code: typeof answer.body.Code === 'string' ? answer.body.Code : undefined, roleArn: params.RoleArn });
  send(res, answer);
}

function send(res: ServerResponse, answer: StsAnswer): void {
  if (res.headersSent) return;
  res.writeHead(answer.status, { 'content-type': 'application/json;charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(answer.body));
}
