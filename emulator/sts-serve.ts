/**
 * Serves AssumeRoleWithOIDC for a synthesized federation stack:
 * `npm run sts-emulator -- --stack cdktf.out/stacks/federation-dev/cdk.tf.json` (`--help` for every option).
 */
import { serveUntilStopped } from './loopback';
import { runStsEmulatorCli } from './sts-cli';

serveUntilStopped(runStsEmulatorCli(process.argv.slice(2)));
