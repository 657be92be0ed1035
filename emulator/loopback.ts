/**
 * Listening and stopping for the emulators' HTTP servers (gateway, APIG, STS), and the `serve`
 * entry points' run-until-Ctrl-C loop.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running server on loopback. */
export interface LoopbackServer {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** Stops the server, closing open connections. */
  close(): Promise<void>;
}

/**
 * Starts `server` on `host:port` (0 picks a free port).
 * @throws the listen error (e.g. `EADDRINUSE`)
 */
export async function listenOn(server: Server, port: number, host: string): Promise<LoopbackServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${actual}`,
    port: actual,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/**
 * Runs a serve CLI from a `serve.ts` entry point: keeps a started server until SIGINT/SIGTERM,
 * otherwise sets the exit code it returned (an error exits 1 with its message).
 */
export function serveUntilStopped(run: Promise<{ readonly code: number; readonly server?: undefined } | { readonly code?: undefined; readonly server: { close(): Promise<void> } }>): void {
  run.then(
    (result) => {
      if (result.server) {
        const { server } = result;
        const stop = (): void => void server.close().then(() => process.exit(0));
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      } else {
        process.exitCode = result.code;
      }
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
