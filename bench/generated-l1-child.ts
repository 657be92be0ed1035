/**
 * One measured run of the "generated L1" baseline, in a fresh process:
 * `node .build/bench/generated-l1-child.js --captured <cdk.tf.json>` (bundled by bench/run.ts).
 *
 * Replays a stack our constructs synthesized the way a plain cdktf user would write it: one
 * instance of the GENERATED provider class per resource block (`ApiGatewayApi`, `ApiGatewayGroup`,
 * … imported from each resource's own submodule `.gen/providers/alicloud/<resource>`), with the
 * captured snake_case attributes converted to the class's camelCase config, plus the generated
 * `AlicloudProvider`, then `app.synth()`. No aspects, no validation, no construct logic.
 *
 * The conversion follows the pinned provider schema (provider-schemas/), as `cdktf get` did when it
 * generated the classes: attribute and block names → camelCase; map attributes keep their keys;
 * a list/set block with max_items 1 (and a `single` block) is one object (`requestConfig`), other
 * list/set blocks arrays (`requestParameters`), whichever of object or one-element array the JSON
 * holds. References stay `${...}` strings (a user would pass tokens such as `group.id`; those
 * resolve to the same strings, at a somewhat higher synth cost than literal strings).
 * A top-level key that is not in the resource's schema (a meta-argument such as `depends_on`) or
 * has no camelCase property on the class cannot be passed as config generically: it is set with
 * `addOverride` and reported in `overrides` (none for the scale stack).
 *
 * Reading the captured file and the schema, and the conversion, are not timed: a user's program
 * holds these configs as literals. Importing cdktf, the provider and the submodules is `importMs`.
 *
 * Prints one JSON line (`ScaleRun`) on stdout.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Construct } from 'constructs';
import type { TerraformResource } from 'cdktf';
import { type Attributes, compareWithCaptured, readStackJson, withoutMetadata } from './captured-stack';
import type { ScaleRun } from './scale-child';

/** Terraform type expression (cty JSON): `"string"`, `["list", T]`, `["object", {…}]`, … */
type TypeExpr = string | [string, unknown];
interface RawAttribute { readonly type?: TypeExpr }
interface RawBlockType { readonly nesting_mode: 'single' | 'group' | 'list' | 'set' | 'map'; readonly max_items?: number; readonly block: RawBlock }
interface RawBlock {
  readonly attributes?: Readonly<Record<string, RawAttribute>>;
  readonly block_types?: Readonly<Record<string, RawBlockType>>;
}

// The project root is the working directory (the bench runs the bundled child from .build/bench/).
const SCHEMA_FILE = path.resolve('provider-schemas', 'alicloud-1.292.0.schema.json');
const PROVIDER_SOURCE = 'registry.terraform.io/aliyun/alicloud';

/** A generated resource class: `new ApiGatewayApi(scope, id, config)`. */
type GeneratedClass = (new (scope: Construct, id: string, config: never) => TerraformResource) & { readonly tfResourceType?: string };

function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** Converts an attribute value of Terraform type `type` to the generated config's shape. */
function convertValue(value: unknown, type: TypeExpr | undefined): unknown {
  if (value === null || typeof value !== 'object' || type === undefined || typeof type === 'string') return value;
  const [kind, inner] = type;
  if ((kind === 'list' || kind === 'set') && Array.isArray(value)) return value.map((v) => convertValue(v, inner as TypeExpr));
  if (kind === 'map' && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convertValue(v, inner as TypeExpr)]));
  }
  if (kind === 'object' && !Array.isArray(value)) {
    const fields = inner as Record<string, TypeExpr>;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [camelCase(k), convertValue(v, fields[k])]));
  }
  return value;
}

/** Converts one block's snake_case attributes to camelCase config; unknown keys are returned apart. */
function convertBlock(attrs: Attributes, block: RawBlock): { config: Attributes; unknown: Attributes } {
  const config: Attributes = {};
  const unknown: Attributes = {};
  for (const [key, value] of Object.entries(attrs)) {
    const attribute = block.attributes?.[key];
    const blockType = block.block_types?.[key];
    if (attribute) config[camelCase(key)] = convertValue(value, attribute.type);
    else if (blockType) config[camelCase(key)] = convertNested(value, blockType);
    else unknown[key] = value;
  }
  return { config, unknown };
}

function convertNested(value: unknown, blockType: RawBlockType): unknown {
  const nested = (v: unknown): Attributes => {
    const { config, unknown } = convertBlock(v as Attributes, blockType.block);
    if (Object.keys(unknown).length > 0) throw new Error(`unknown nested keys ${Object.keys(unknown).join(', ')}`);
    return config;
  };
  const items = Array.isArray(value) ? value : [value];
  switch (blockType.nesting_mode) {
    case 'single':
    case 'group':
      return nested(items[0]);
    case 'list':
    case 'set':
      // cdktf generates a max-1 list/set block as one struct (`requestConfig: {…}`), others as arrays.
      if (blockType.max_items === 1) {
        if (items.length !== 1) throw new Error(`max-1 block holds ${items.length} items`);
        return nested(items[0]);
      }
      return items.map(nested);
    case 'map':
      return Object.fromEntries(Object.entries(value as Attributes).map(([k, v]) => [k, nested(v)]));
  }
}

/**
 * The generated classes of the resource types the scale stack holds, each imported from its own
 * submodule as a user would (static imports, so the child can be bundled like the app).
 */
function generatedClasses(): Record<string, GeneratedClass> {
  const modules = [
    require('../.gen/providers/alicloud/api-gateway-api'),
    require('../.gen/providers/alicloud/api-gateway-backend'),
    require('../.gen/providers/alicloud/api-gateway-group'),
    require('../.gen/providers/alicloud/api-gateway-group-plugin-attachment'),
    require('../.gen/providers/alicloud/api-gateway-plugin'),
    require('../.gen/providers/alicloud/api-gateway-plugin-attachment'),
  ] as Record<string, unknown>[];
  const byType: Record<string, GeneratedClass> = {};
  for (const exports of modules) {
    for (const e of Object.values(exports)) {
      const type = typeof e === 'function' ? (e as GeneratedClass).tfResourceType : undefined;
      if (type) byType[type] = e as GeneratedClass;
    }
  }
  return byType;
}

/** `alicloud_api_gateway_api` → the generated class `ApiGatewayApi`. */
function loadClass(type: string, classes: Record<string, GeneratedClass>): GeneratedClass {
  const found = classes[type];
  if (!found) throw new Error(`no generated class for ${type}: add its .gen/providers/alicloud submodule to generatedClasses()`);
  return found;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { captured: { type: 'string' } } });
  if (!values.captured) throw new Error('--captured <cdk.tf.json> is required');

  // Untimed: the captured stack and the schema, to know which classes to import and to build the configs.
  const captured = readStackJson(values.captured);
  const schemas = (JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as { provider_schemas: Record<string, { resource_schemas: Record<string, { block: RawBlock }> }> })
    .provider_schemas[PROVIDER_SOURCE].resource_schemas;
  const types = Object.keys(captured.resource ?? {});

  const t0 = performance.now();
  // require, not static imports: importing cdktf, the provider and each resource's submodule is timed separately.
  const { App, TerraformStack } = require('cdktf') as typeof import('cdktf');
  const { AlicloudProvider } = require('../.gen/providers/alicloud/provider') as typeof import('../.gen/providers/alicloud/provider');
  const generated = generatedClasses();
  const classes = new Map(types.map((type) => [type, loadClass(type, generated)]));
  const importMs = performance.now() - t0;

  const overrides = new Set<string>();
  const blocks: { cls: GeneratedClass; name: string; config: Attributes; unknown: Attributes }[] = [];
  for (const [type, byName] of Object.entries(captured.resource ?? {})) {
    const schema = schemas[type];
    if (!schema) throw new Error(`${type} is not in ${path.basename(SCHEMA_FILE)}`);
    const cls = classes.get(type) as GeneratedClass;
    for (const [name, attrs] of Object.entries(byName)) {
      const { config, unknown } = convertBlock(withoutMetadata(attrs), schema.block);
      // A schema attribute the class exposes under another name (codegen renames clashes) goes through addOverride too.
      for (const key of Object.keys(config)) {
        if (!(key in cls.prototype)) {
          const snake = Object.keys(attrs).find((k) => camelCase(k) === key) as string;
          unknown[snake] = attrs[snake];
          delete config[key];
        }
      }
      for (const key of Object.keys(unknown)) overrides.add(`${type}.${key}`);
      blocks.push({ cls, name, config, unknown });
    }
  }
  const region = captured.provider?.alicloud?.[0]?.region as string;

  const work = mkdtempSync(path.join(tmpdir(), 'bench-generated-l1-'));
  try {
    const start = performance.now();
    const app = new App({ outdir: work });
    const stack = new TerraformStack(app, 'generated-l1');
    new AlicloudProvider(stack, 'alicloud', { region });
    for (const { cls, name, config, unknown } of blocks) {
      const resource = new cls(stack, name, config as never);
      resource.overrideLogicalId(name);
      for (const [key, value] of Object.entries(unknown)) resource.addOverride(key, value);
    }
    const constructMs = performance.now() - start;
    app.synth();
    const totalMs = performance.now() - start;

    const { identical, difference } = compareWithCaptured(readStackJson(path.join(work, 'stacks', 'generated-l1', 'cdk.tf.json')), captured);
    if (difference) process.stderr.write(`generated L1 output differs from ours: ${difference}\n`);
    const run: ScaleRun = { importMs, constructMs, synthMs: totalMs - constructMs, totalMs, resources: blocks.length, identical, overrides: [...overrides] };
    process.stdout.write(`${JSON.stringify(run)}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
