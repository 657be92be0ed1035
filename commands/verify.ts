/**
 * `npm run verify -- --env <name> (--outputs <file> | --local) [--json]` (`--help` for all options).
 *
 * Verifies an environment of `config/environments.ts` end to end: tokens, protected APIs per
 * stage, and the STS AssumeRoleWithOIDC exchange, deployed or against the local stack.
 */
import '../core/bindings-preflight'; // first: a missing .gen/ says "run npm run get"
import { ENVIRONMENTS } from '../config';
import { runVerifyCli } from '../verify/cli';

runVerifyCli(process.argv.slice(2), { environments: ENVIRONMENTS }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`verify failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
