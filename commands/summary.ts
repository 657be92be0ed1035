import { readFileSync } from 'node:fs';
import path from 'node:path';
import Table from 'cli-table3';
import type { App } from 'cdktf';
import pc from 'picocolors';
import { annotationsByLevel } from '../constructs';
import type { ConstructAnnotation } from '../constructs';
import { type TerraformResources, buildBindingIndex } from '../core/binding-index';
import type { SynthSummary } from '../validation';

/** How many API × stage publications have both a jwtAuth and an accessControl plugin in effect. */
export interface GatewayCoverage {
  /** Publications (API × stage it is published to) with both plugins in effect. */
  readonly guarded: number;
  /** Every publication. */
  readonly published: number;
}

/**
 * Counts, from a synthesized stack's bindings (the one binding index, API-level over
 * group-level), the publications that have a JWT and an access-control plugin in effect.
 * @returns `undefined` for a stack without API Gateway APIs
 */
export function gatewayCoverage(stackJson: { readonly resource?: unknown }): GatewayCoverage | undefined {
  const index = buildBindingIndex((stackJson.resource ?? {}) as TerraformResources);
  if (index.apis.length === 0) return undefined;
  let guarded = 0;
  let published = 0;
  for (const api of index.apis) {
    for (const stage of api.stages) {
      published++;
      const types = new Set(index.pluginsInEffect(api, stage).plugins.map((p) => p.plugin.pluginType));
      if (types.has('jwtAuth') && types.has('accessControl')) guarded++;
    }
  }
  return { guarded, published };
}

/**
 * Prints what a synth produced: one row per stack with resource counts and security findings
 * (warnings and suppressions; errors never reach here because they fail the synth) and how many
 * API × stage publications have JWT and access control in effect, then the warnings themselves.
 */
export function printSynthSummary(summary: SynthSummary, app: App | undefined, elapsedMs: number, write: (text: string) => void = (t) => process.stdout.write(t)): void {
  const table = new Table({ head: ['stack', 'resources', 'data sources', 'API stages guarded', 'warnings', 'suppressed'], style: { head: [] } });
  const warnings: string[] = [];
  for (const s of summary.stacks) {
    const notes = app ? annotationsOf(app, s.stack) : { warnings: [], infos: [] };
    warnings.push(...notes.warnings);
    const coverage = gatewayCoverage(JSON.parse(readFileSync(path.join(summary.outdir, 'stacks', s.stack, 'cdk.tf.json'), 'utf8')));
    table.push([s.stack, s.resources, s.dataSources, coverage ? `${coverage.guarded}/${coverage.published}` : '-', notes.warnings.length, notes.infos.length]);
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
