import Table from 'cli-table3';
import { AnnotationMetadataEntryType } from 'cdktf';
import type { App } from 'cdktf';
import pc from 'picocolors';
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
  write(`${pc.green('ok')} ${summary.stacks.length} stacks synthesized and validated in ${(elapsedMs / 1000).toFixed(2)} s → ${summary.outdir}/stacks/<stack>/cdk.tf.json\n`);
}

function annotationsOf(app: App, stackName: string): { warnings: string[]; infos: string[] } {
  const stack = app.node.tryFindChild(stackName);
  const out = { warnings: [] as string[], infos: [] as string[] };
  if (!stack) return out;
  for (const node of stack.node.findAll()) {
    for (const m of node.node.metadata) {
      if (m.type === AnnotationMetadataEntryType.WARN) out.warnings.push(`[${node.node.path}] ${String(m.data)}`);
      else if (m.type === AnnotationMetadataEntryType.INFO) out.infos.push(`[${node.node.path}] ${String(m.data)}`);
    }
  }
  return out;
}
