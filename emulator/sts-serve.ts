/**
 * Serves AssumeRoleWithOIDC for a synthesized federation stack:
 * `npm run sts-emulator -- --stack cdktf.out/stacks/federation-dev/cdk.tf.json` (`--help` for every option).
 */
import { runStsEmulatorCli } from './sts-cli';

runStsEmulatorCli(process.argv.slice(2)).then(
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
