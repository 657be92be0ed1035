import Table from 'cli-table3';
import type { App } from 'cdktf';
import pc from 'picocolors';
import { annotationsByLevel } from '../constructs';
import type { ConstructAnnotation } from '../constructs';
import type { SynthSummary } from '../validation';

/**
 * Prints what a synth produced: one row per stack with resource counts and security findings
 * (warnings and suppressions; errors never reach here because they fail the synth), then the
 * warnings themselves.
 */
export function printSynthSummary(summary: SynthSummary, app: App | undefined, elapsedMs: number, write: (text: string) => void = (t) => process.stdout.write(t)): void {
  const table = new Table({ head: ['stack', 'resources', 'data sources', 'warnings', 'suppressed'], style: { head: [] } });
  const warnings: string[] = [];
  for (const s of summary.stacks) {
    const notes = app ? annotationsOf(app, s.stack) : { warnings: [], infos: [] };
    warnings.push(...notes.warnings);
    table.push([s.stack, s.resources, s.dataSources, notes.warnings.length, notes.infos.length]);
  }
  write(`${table.toString()}\n`);
  for (const w of warnings) write(`${pc.yellow('warning')} ${w}\n`);
  for (const n of summary.stacks.flatMap((st) => st.notValidated)) write(`${pc.cyan('info')} ${n.message}\n`);
  write(`${pc.green('ok')} ${summary.stacks.length} stacks synthesized and validated in ${(elapsedMs / 1000).toFixed(2)} s → ${summary.outdir}/stacks/<stack>/cdk.tf.json\n`);
}

function annotationsOf(app: App, stackName: string): { warnings: string[]; infos: string[] } {
  const stack = app.node.tryFindChild(stackName);
  if (!stack) return { warnings: [], infos: [] };
  const found = annotationsByLevel(stack);
  const lines = (list: readonly ConstructAnnotation[]) => list.map((a) => `[${a.path}] ${a.message}`);
  return { warnings: lines(found.warnings), infos: lines(found.infos) };
}
