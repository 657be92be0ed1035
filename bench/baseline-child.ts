/**
 * One measured run of the plain-cdktf baseline, in a fresh process:
 * `node .build/bench/baseline-child.js --captured <cdk.tf.json>` (bundled by bench/run.ts).
 *
 * Replays a stack our constructs synthesized: one bare `TerraformResource` per resource block,
 * whose `synthesizeAttributes()` returns the captured attributes, plus the same provider through
 * the generated `AlicloudProvider`, then `app.synth()`. No aspects, no validation, no construct
 * logic: the cost of cdktf itself for the same resources. Reading the captured file is not timed.
 *
 * Prints one JSON line (`ScaleRun`) on stdout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { type Attributes, compareWithCaptured, readStackJson, withoutMetadata } from './captured-stack';
import type { ScaleRun } from './scale-child';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { captured: { type: 'string' } } });
  if (!values.captured) throw new Error('--captured <cdk.tf.json> is required');

  const t0 = performance.now();
  // require, not static imports: importing cdktf and the generated provider is timed separately.
  const { App, TerraformResource, TerraformStack } = require('cdktf') as typeof import('cdktf');
  const { AlicloudProvider } = require('../.gen/providers/alicloud/provider') as typeof import('../.gen/providers/alicloud/provider');
  const importMs = performance.now() - t0;

  const captured = readStackJson(values.captured);
  const blocks: [type: string, name: string, attributes: Attributes][] = [];
  for (const [type, byName] of Object.entries(captured.resource ?? {})) {
    for (const [name, attrs] of Object.entries(byName)) blocks.push([type, name, withoutMetadata(attrs)]);
  }
  const region = captured.provider?.alicloud?.[0]?.region as string;

  class BareResource extends TerraformResource {
    public constructor(scope: InstanceType<typeof TerraformStack>, id: string, type: string, private readonly attributes: Attributes) {
      super(scope, id, { terraformResourceType: type });
    }
    protected synthesizeAttributes(): Attributes {
      return this.attributes;
    }
  }

  const work = mkdtempSync(path.join(tmpdir(), 'bench-baseline-'));
  try {
    const start = performance.now();
    const app = new App({ outdir: work });
    const stack = new TerraformStack(app, 'baseline');
    new AlicloudProvider(stack, 'alicloud', { region });
    for (const [type, name, attributes] of blocks) {
      // Meta-arguments are not resource attributes: cdktf drops them from synthesizeAttributes().
      const { depends_on: dependsOn, ...rest } = attributes;
      const resource = new BareResource(stack, name, type, rest);
      resource.overrideLogicalId(name);
      if (dependsOn !== undefined) resource.addOverride('depends_on', dependsOn);
    }
    const constructMs = performance.now() - start;
    app.synth();
    const totalMs = performance.now() - start;

    const { identical, difference } = compareWithCaptured(readStackJson(path.join(work, 'stacks', 'baseline', 'cdk.tf.json')), captured);
    if (difference) process.stderr.write(`bare baseline output differs from ours: ${difference}\n`);
    const run: ScaleRun = { importMs, constructMs, synthMs: totalMs - constructMs, totalMs, resources: blocks.length, identical };
    process.stdout.write(`${JSON.stringify(run)}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
