/**
 * `npm run lookups -- [--refresh] [--prune] [--issuer <url> ...] [--ca-bundle <pem>]`
 *
 * The lookups CLI with the app's configured issuers as default: records discovery, JWKS and
 * TLS fingerprints of every environment's M2M server in `lookups.lock.json`.
 */
import { ENVIRONMENTS, validateEnvironments } from '../config';
import { issuerRequests } from './issuers';
import { runLookupsCli } from './lookups-cli';

validateEnvironments(ENVIRONMENTS);
runLookupsCli(process.argv.slice(2), { defaultIssuers: issuerRequests(ENVIRONMENTS) }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
