import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnnotationMetadataEntryType } from 'cdktf';
import { readStackFile } from '../core/stack-file';
import { isPlainObject } from './cty-type';
import type { Finding } from './finding';
import { type ValidationOptions, validateStack } from './validate-stack';

/** Findings of one synthesized stack. */
export interface StackFindings {
  /** Stack name (key in `manifest.json`, or the directory name under `stacks/`). */
  readonly stack: string;
  /** Empty when the stack is valid. */
  readonly findings: Finding[];
}

/** A synthesized stack file located in a cdktf output directory. */
export interface SynthesizedStackFile {
  /** Stack name. */
  readonly stack: string;
  /** Absolute path of the stack's `cdk.tf.json`. */
  readonly file: string;
}

/** A cdktf `manifest.json`, loosely typed: only `stacks` is read. */
export interface SynthManifest {
  /** Per stack name: `synthesizedStackPath`, `annotations`, ... */
  readonly stacks?: unknown;
}

/**
 * Reads and parses `<outdir>/manifest.json`, so callers that need both the stack list and the
 * annotations read it once.
 *
 * @returns `undefined` when the directory has no manifest
 * @throws Error naming the file when it is not a JSON object
 */
export function readManifest(outdir: string): SynthManifest | undefined {
  const manifestPath = path.join(outdir, 'manifest.json');
  if (!fs.existsSync(manifestPath)) return undefined;
  let manifest: unknown;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the cdktf manifest ${manifestPath}: ${(error as Error).message}. Run \`npm run synth\` again.`);
  }
  if (!isPlainObject(manifest)) throw new Error(`the cdktf manifest ${manifestPath} is not a JSON object. Run \`npm run synth\` again.`);
  return manifest;
}

/**
 * Lists the stacks of a cdktf output directory: from `<outdir>/manifest.json`
 * (`stacks.<name>.synthesizedStackPath`, relative to `outdir`), or, without a manifest,
 * every `<outdir>/stacks/<name>/cdk.tf.json`.
 *
 * @param manifest - the directory's manifest when already read (see {@link readManifest})
 * @throws when a stack was synthesized as HCL (`cdk.tf`), which cannot be validated, or when
 *   the directory holds no stacks at all
 */
export function listSynthesizedStacks(outdir: string, manifest: SynthManifest | undefined = readManifest(outdir)): SynthesizedStackFile[] {
  let stacks: SynthesizedStackFile[];
  if (manifest) {
    const entries = isPlainObject(manifest.stacks) ? Object.entries(manifest.stacks) : [];
    stacks = entries.map(([name, entry]) => {
      const relative = isPlainObject(entry) && typeof entry.synthesizedStackPath === 'string' ? entry.synthesizedStackPath : path.join('stacks', name, 'cdk.tf.json');
      return { stack: name, file: path.resolve(outdir, relative) };
    });
  } else {
    const stacksDir = path.join(outdir, 'stacks');
    const names = fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort() : [];
    stacks = names.map((name) => ({ stack: name, file: path.resolve(stacksDir, name, 'cdk.tf.json') }));
  }
  for (const { stack, file } of stacks) {
    if (!file.endsWith('.json')) {
      throw new Error(`Stack '${stack}' was synthesized as HCL (${file}); schema validation needs JSON output. Do not set hclOutput / SYNTH_HCL_OUTPUT.`);
    }
  }
  if (stacks.length === 0) throw new Error(`No synthesized stacks found in '${outdir}' (no manifest.json and no stacks/*/cdk.tf.json).`);
  return stacks;
}

/**
 * Validates every stack of a cdktf output directory (see {@link listSynthesizedStacks}).
 * Each stack file is read and parsed once.
 *
 * @returns one entry per stack, in manifest order, including stacks without findings
 */
export function validateSynthOutput(outdir: string, options: ValidationOptions = {}): StackFindings[] {
  return listSynthesizedStacks(outdir).map(({ stack, file }) => ({
    stack,
    findings: validateStack(stack, readStackFile(file), options),
  }));
}

export { readStackFile, StackFileError } from '../core/stack-file';

/** An error annotation cdktf recorded for a stack in `manifest.json`. */
export interface ManifestError {
  /** Stack name. */
  readonly stack: string;
  /** Construct path, e.g. `gateway-dev/Hello/Resource`. */
  readonly constructPath: string;
  /** The message. */
  readonly message: string;
}

/**
 * The error annotations of every stack in `<outdir>/manifest.json` (construct validations,
 * security findings, ...). cdktf records them there even when
 * `CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS` told it not to fail (the cdktf CLI always sets it).
 *
 * @param manifest - the directory's manifest when already read (see {@link readManifest})
 */
export function manifestErrors(outdir: string, manifest: SynthManifest | undefined = readManifest(outdir)): ManifestError[] {
  const errors: ManifestError[] = [];
  for (const [stack, entry] of Object.entries(isPlainObject(manifest?.stacks) ? manifest.stacks : {})) {
    const annotations = isPlainObject(entry) && Array.isArray(entry.annotations) ? entry.annotations : [];
    for (const a of annotations) {
      if (isPlainObject(a) && a.level === AnnotationMetadataEntryType.ERROR) {
        errors.push({ stack, constructPath: String(a.constructPath), message: String(a.message) });
      }
    }
  }
  return errors;
}
