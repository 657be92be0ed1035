/**
 * Composition root: validate config, prepare synth-time lookups, build one gateway and one
 * federation stack per environment with the security checks attached, synthesize, validate
 * against the pinned provider schemas, print a summary.
 *
 * Run by `npm run synth` (direct) and by `npx cdktf synth` (cdktf.json `app`).
 * Exits non-zero on a config error, a lookup error, a security error or a schema finding;
 * in every such case `cdktf.out/` is left as it was.
 */
import { parseArgs } from 'node:util';
import { ENVIRONMENTS, issuerRequests, validateEnvironments } from './config';
import { prepareLookups } from './lookups/prepare';
import { buildApp } from './stacks/app';
import { printSynthSummary } from './stacks/summary';
import { synthAndValidate } from './validation';

const HELP = `Usage: npm run synth [-- --ca-bundle <pem>]   (or: npx cdktf synth)

Synthesizes every environment's gateway-<env> and federation-<env> stacks into
cdktf.out/stacks/<stack>/cdk.tf.json, after checking the environment config, the synth-time
lookups (lookups.lock.json; missing issuers are looked up, in CI that is an error), the security
rules and the pinned provider schemas. Nothing is written unless everything passes.

Options:
  --ca-bundle <pem>  Extra trusted CA certificates for lookups of issuers missing from the lock.
  --help             Show this help.
`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { help: { type: 'boolean' }, 'ca-bundle': { type: 'string' } } });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const started = Date.now();
  validateEnvironments(ENVIRONMENTS);
  const { lock } = await prepareLookups({ issuers: issuerRequests(ENVIRONMENTS), caBundlePath: values['ca-bundle'] });
  let app: ReturnType<typeof buildApp> | undefined;
  const summary = synthAndValidate((outdir) => {
    app = buildApp({ outdir, environments: ENVIRONMENTS, lock });
    return app;
  });
  printSynthSummary(summary, app, Date.now() - started);
}

main().catch((error: unknown) => {
  process.stderr.write(`synth failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
