/**
 * Serves a synthesized stack through the gateway emulator:
 * `npx tsx commands/emulator.ts --stack cdktf.out/stacks/gateway-dev/cdk.tf.json --stage TEST --port 8080`
 * (`--help` for every option).
 */
import '../core/bindings-preflight'; // first: a missing .gen/ says "run npm run get"
import { serveUntilStopped } from '../emulator/loopback';
import { runEmulatorCli } from './emulator-cli';

serveUntilStopped(runEmulatorCli(process.argv.slice(2)));
