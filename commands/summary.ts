import Table from 'cli-table3';
import type { App } from 'cdktf';
import { annotationsByLevel } from '../constructs';
import { colors } from '../core/terminal';
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

/** What a synth produced, per stack: the machine-readable form of the summary (`--json`). */
export interface SynthReport {
  /** Always true: a failed synth throws instead. */
  readonly ok: true;
  /** Absolute output directory. */
  readonly outdir: string;
  /** Wall time of the synth in milliseconds. */
  readonly elapsedMs: number;
  /** One entry per stack, in manifest order. */
  readonly stacks: readonly {
    readonly stack: string;
    readonly resources: number;
    readonly dataSources: number;
    readonly providers: number;
    /** API × stage publications with JWT and access control in effect; absent without APIs. */
    readonly gatewayCoverage?: GatewayCoverage;
    /** Security warnings, `[construct path] message`. */
    readonly warnings: readonly string[];
    /** Suppressed findings (info annotations), `[construct path] message`. */
    readonly suppressed: readonly string[];
    /** Blocks outside the pinned schema snapshot, one line each. */
    readonly notValidated: readonly string[];
  }[];
}

/**
 * Builds the {@link SynthReport} of a successful synth.
 * @param coverage - {@link gatewayCoverage} per stack name, computed from the JSON the synth had in memory
 */
export function synthReport(summary: SynthSummary, app: App | undefined, elapsedMs: number, coverage: ReadonlyMap<string, GatewayCoverage>): SynthReport {
  return {
    ok: true,
    outdir: summary.outdir,
    elapsedMs,
    stacks: summary.stacks.map((s) => {
      const notes = app ? annotationsOf(app, s.stack) : { warnings: [], infos: [] };
      const stackCoverage = coverage.get(s.stack);
      return {
        stack: s.stack, resources: s.resources, dataSources: s.dataSources, providers: s.providers,
        ...(stackCoverage ? { gatewayCoverage: stackCoverage } : {}),
        warnings: notes.warnings, suppressed: notes.infos, notValidated: s.notValidated.map((n) => n.message),
      };
    }),
  };
}

/**
 * Prints what a synth produced: one row per stack with resource counts and security findings
 * (warnings and suppressions; errors never reach here because they fail the synth) and how many
 * API × stage publications have JWT and access control in effect, then the warnings themselves
 * and the blocks that were not validated. Colour only on a terminal (core/terminal).
 */
export function printSynthSummary(summary: SynthSummary, app: App | undefined, elapsedMs: number, coverage: ReadonlyMap<string, GatewayCoverage>, write: (text: string) => void = (t) => process.stdout.write(t)): void {
  const pc = colors();
  const report = synthReport(summary, app, elapsedMs, coverage);
  const table = new Table({ head: ['stack', 'resources', 'data sources', 'API stages guarded', 'warnings', 'suppressed'], style: { head: [], border: [] } });
  for (const s of report.stacks) {
    const coverage = s.gatewayCoverage ? `${s.gatewayCoverage.guarded}/${s.gatewayCoverage.published}` : '-';
    table.push([s.stack, s.resources, s.dataSources, coverage, s.warnings.length, s.suppressed.length]);
  }
  write(`${table.toString()}\n`);
  for (const w of report.stacks.flatMap((s) => s.warnings)) write(`${pc.yellow('warning')} ${w}\n`);
  for (const n of report.stacks.flatMap((s) => s.notValidated)) write(`${pc.cyan('info')} ${n}\n`);
  write(`${pc.green('ok')} ${summary.stacks.length} stacks synthesized and validated in ${(elapsedMs / 1000).toFixed(2)} s → ${summary.outdir}/stacks/<stack>/cdk.tf.json\n`);
}

function annotationsOf(app: App, stackName: string): { warnings: string[]; infos: string[] } {
  const stack = app.node.tryFindChild(stackName);
  if (!stack) return { warnings: [], infos: [] };
  const found = annotationsByLevel(stack);
  const lines = (list: readonly ConstructAnnotation[]) => list.map((a) => `[${a.path}] ${a.message}`);
  return { warnings: lines(found.warnings), infos: lines(found.infos) };
}
