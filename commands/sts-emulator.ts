/**
 * Serves AssumeRoleWithOIDC for a synthesized federation stack:
 * `npm run sts-emulator -- --stack cdktf.out/stacks/federation-dev/cdk.tf.json` (`--help` for every option).
 */
import { serveUntilStopped } from '../emulator/loopback';
import { runStsEmulatorCli } from './sts-emulator-cli';

serveUntilStopped(runStsEmulatorCli(process.argv.slice(2)));
