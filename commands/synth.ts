import type { App } from 'cdktf';
import type { GatewayCoverage, SynthReport } from './summary';
import { gatewayCoverage, printSynthSummary, synthReport } from './summary';
import { synthAndValidate } from '../validation';
import type { AppFactory } from '../validation';
import { type CommandOutput, PROCESS_OUTPUT } from '../core/command-line';

/**
 * Synthesizes and validates an app into `cdktf.out/` (or `CDKTF_OUTDIR`), prints the summary (a
 * table, or with `json` a {@link SynthReport}-shaped document, `{ ok: false, error }` on failure), and
 * returns the process exit code: 0 on success, 1 when a construct error, security error or schema
 * finding stopped it (the message names each one; the previous output is left untouched).
 */
export function runSynth(createApp: AppFactory, options: { startedAt?: number; output?: CommandOutput; outdir?: string; stackTraces?: boolean; json?: boolean } = {}): number {
  const output = options.output ?? PROCESS_OUTPUT;
  const started = options.startedAt ?? Date.now();
  let app: App | undefined;
  // Counted from each stack's JSON while the synth has it in memory, not read back from cdk.tf.json.
  const coverage = new Map<string, GatewayCoverage>();
  try {
    const summary = synthAndValidate((outdir) => {
      app = createApp(outdir);
      return app;
    }, {
      outdir: options.outdir,
      stackTraces: options.stackTraces,
      onStackJson: (stack, json) => {
        const counted = gatewayCoverage(json);
        if (counted) coverage.set(stack, counted);
      },
    });
    if (options.json) output.write(`${JSON.stringify(synthReport(summary, app, Date.now() - started, coverage), null, 2)}\n`);
    else printSynthSummary(summary, app, Date.now() - started, coverage, output.write);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (options.json) output.write(`${JSON.stringify({ ok: false, error: message }, null, 2)}\n`);
    output.writeError(`synth failed: ${message}\n`);
    return 1;
  }
}
