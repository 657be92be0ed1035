/**
 * Reads a cdktf output directory (`cdktf.out/`) into what the access map works on: every
 * synthesized stack's Terraform JSON and the annotations cdktf recorded for it in `manifest.json`
 * (security findings and suppressions are annotations of the construct tree; they are not in
 * `cdk.tf.json`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type SynthManifest, listSynthesizedStacks, readManifest, readStackFile } from '../validation/synth-output';
import { compareCodeUnits } from '../core/order';

/** One annotation cdktf wrote to `manifest.json` for a stack. */
export interface StackAnnotation {
  /** Construct path, e.g. `gateway-dev/Protection/Jwt/Resource`. */
  readonly path: string;
  /** `info`, `warn` or `error` (cdktf's metadata types `@cdktf/info` ...). */
  readonly level: 'info' | 'warn' | 'error';
  /** The message, e.g. `APIGW-AUTH1[stage:TEST]: suppressed: Public health check (#42)`. */
  readonly message: string;
}

/** A resource block of a synthesized stack: `resource.<type>.<name>`. */
export interface StackResource {
  /** Resource type, e.g. `alicloud_api_gateway_api`. */
  readonly type: string;
  /** Terraform address, `<type>.<name>`. */
  readonly address: string;
  /** Construct path from the `//` metadata, when cdktf wrote one. */
  readonly constructPath?: string;
  /** The resource's configuration (without the `//` metadata). */
  readonly config: Readonly<Record<string, unknown>>;
}

/** One synthesized stack. */
export interface SynthesizedStack {
  /** Stack name, e.g. `gateway-dev`. */
  readonly name: string;
  /** Every resource block, sorted by address. */
  readonly resources: readonly StackResource[];
  /** Pinned provider versions from `terraform.required_providers`: local name → { source, version }. */
  readonly providers: Readonly<Record<string, { readonly source: string; readonly version?: string }>>;
  /** Annotations from `manifest.json` (empty without a manifest). */
  readonly annotations: readonly StackAnnotation[];
  /** The parsed `cdk.tf.json` as written. */
  readonly json: Readonly<Record<string, unknown>>;
}

/** Every stack of one cdktf output directory. */
export interface SynthesizedApp {
  /** The directory read. */
  readonly dir: string;
  /** Stacks sorted by name. */
  readonly stacks: readonly SynthesizedStack[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => !!value && typeof value === 'object' && !Array.isArray(value);

/**
 * Reads every stack of a cdktf output directory.
 * @throws Error naming the directory when it holds no synthesized stacks or a file is not JSON
 */
export function readSynthesizedApp(dir: string): SynthesizedApp {
  const outdir = path.resolve(dir);
  if (!fs.existsSync(outdir) || !fs.statSync(outdir).isDirectory()) {
    throw new Error(`'${dir}' is not a cdktf output directory. Run 'npm run synth' first, or pass the directory that holds manifest.json and stacks/.`);
  }
  const manifest = readManifest(outdir);
  const annotations = manifestAnnotations(manifest);
  const stacks = listSynthesizedStacks(outdir, manifest).map(({ stack, file }) => parseStack(stack, readStackFile(file), annotations.get(stack) ?? []));
  return { dir: outdir, stacks: stacks.sort((a, b) => compareCodeUnits(a.name, b.name)) };
}

/**
 * Reads one parsed `cdk.tf.json`.
 * @throws Error when it is not a JSON object
 */
export function parseStack(name: string, json: unknown, annotations: readonly StackAnnotation[] = []): SynthesizedStack {
  if (!isObject(json)) throw new Error(`the synthesized stack ${name} is not a JSON object`);
  const resources: StackResource[] = [];
  const blocks = isObject(json.resource) ? json.resource : {};
  for (const [type, byName] of Object.entries(blocks)) {
    if (!isObject(byName)) continue;
    for (const [resourceName, raw] of Object.entries(byName)) {
      if (!isObject(raw)) continue;
      const { '//': meta, ...config } = raw;
      const metadata = isObject(meta) && isObject(meta.metadata) ? meta.metadata : {};
      resources.push({
        type,
        address: `${type}.${resourceName}`,
        constructPath: typeof metadata.path === 'string' ? metadata.path : undefined,
        config,
      });
    }
  }
  resources.sort((a, b) => compareCodeUnits(a.address, b.address));
  const required = isObject(json.terraform) && isObject(json.terraform.required_providers) ? json.terraform.required_providers : {};
  const providers: Record<string, { source: string; version?: string }> = {};
  for (const [local, spec] of Object.entries(required)) {
    if (isObject(spec) && typeof spec.source === 'string') {
      providers[local] = { source: spec.source, version: typeof spec.version === 'string' ? spec.version : undefined };
    }
  }
  return { name, resources, providers, annotations, json };
}

function manifestAnnotations(manifest: SynthManifest | undefined): Map<string, StackAnnotation[]> {
  const out = new Map<string, StackAnnotation[]>();
  const stacks = isObject(manifest?.stacks) ? manifest.stacks : {};
  for (const [name, entry] of Object.entries(stacks)) {
    const list = isObject(entry) && Array.isArray(entry.annotations) ? entry.annotations : [];
    out.set(name, list.filter(isObject).map((a) => ({
      path: String(a.constructPath ?? ''),
      level: levelOf(a.level),
      message: String(a.message ?? ''),
    })));
  }
  return out;
}

function levelOf(value: unknown): StackAnnotation['level'] {
  const text = String(value);
  if (text.endsWith('error')) return 'error';
  if (text.endsWith('warn')) return 'warn';
  return 'info';
}
