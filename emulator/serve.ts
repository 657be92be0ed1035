/**
 * Serves a synthesized stack through the gateway emulator:
 * `npx tsx emulator/serve.ts --stack cdktf.out/stacks/gateway-dev/cdk.tf.json --stage TEST --port 8080`
 * (`--help` for every option).
 */
import '../core/bindings-preflight'; // first: a missing .gen/ says "run npm run get"
import { runEmulatorCli } from './cli';

runEmulatorCli(process.argv.slice(2)).then(
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
