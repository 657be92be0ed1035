/**
 * One run of the lookups benchmark in a fresh process: `tsx bench/lookups-child.ts`.
 * Prints one JSON line: `{ refresh20IssuersMs, lockCompleteMs }` (see `benchLookups()`).
 */
import { benchLookups } from '../lookups/bench';

benchLookups().then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
