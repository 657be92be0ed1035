/**
 * Composition root: validate config, prepare synth-time lookups, build one gateway and one
 * federation stack per environment with the security checks attached, synthesize, validate
 * against the pinned provider schemas, print a summary.
 *
 * Run by `npm run synth` (direct) and by `npx cdktf synth` (cdktf.json `app`).
 * Exits non-zero on a config error, a lookup error, a security error or a schema finding;
 * in every such case `cdktf.out/` is left as it was.
 */
import './core/bindings-preflight'; // first: a missing .gen/ says "run npm run get", not MODULE_NOT_FOUND
import { runSynth } from './commands/synth';
import { issuerRequests } from './commands/issuers';
import { ENVIRONMENTS, validateEnvironments } from './config';
import { parseCommandLine } from './core/command-line';
import { prepareLookups } from './lookups/prepare';
import { buildApp } from './stacks/app';

const HELP = `Usage: npm run synth [-- --ca-bundle <pem>] [--lock <file>] [--json] [--stack-traces]   (or: npx cdktf synth)

Synthesizes every environment's gateway-<env> and federation-<env> stacks (and oci-<env>
for an environment with an oci section) into
cdktf.out/stacks/<stack>/cdk.tf.json, after checking the environment config (config/), the
synth-time lookups (lookups.lock.json: every recorded key's thumbprint is re-derived; issuers
missing from it are looked up and recorded, which in CI mode - CI set to anything but empty,
false or 0 - is an error), the security rules and the pinned provider schemas. Nothing is
written unless everything passes.

Options:
  --ca-bundle <pem>  Extra trusted CA certificates, for looking up issuers missing from the lock.
  --lock <file>      Lock file to use (default: lookups.lock.json in the project root).
  --json             Print the summary as JSON on stdout (stacks, counts, warnings, not validated).
  --stack-traces     Keep the stack trace cdktf records for every token and annotation (to find
                     where a token that fails to resolve was created; slower, more memory).
  --help             Show this help.

Exit status: 0 on success, 1 when a check failed (nothing written), 2 on a usage error.
Colour only on a terminal; NO_COLOR turns it off.
`;

async function main(): Promise<number> {
  const started = Date.now();
  const line = parseCommandLine(process.argv.slice(2), { 'ca-bundle': { type: 'string' }, lock: { type: 'string' }, json: { type: 'boolean' }, 'stack-traces': { type: 'boolean' } }, HELP);
  if (line.exitCode !== undefined) return line.exitCode;
  const { values } = line;
  validateEnvironments(ENVIRONMENTS);
  const { lock } = await prepareLookups({ issuers: issuerRequests(ENVIRONMENTS), caBundlePath: values['ca-bundle'], lockPath: values.lock });
  const stackTraces = values['stack-traces'] ?? false;
  return runSynth((outdir) => buildApp({ outdir, environments: ENVIRONMENTS, lock, stackTraces }), { startedAt: started, stackTraces, json: values.json });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`synth failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
