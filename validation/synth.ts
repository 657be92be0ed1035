import * as fs from 'node:fs';
import * as path from 'node:path';
import { type App, TerraformStack } from 'cdktf';
import { requestSynthesizedJson, takeSynthesizedJson } from '../core/synthesized-json';
import { isPlainObject } from './cty-type';
import { SchemaValidationError } from './schema-validation-error';
import { withoutPretenuring } from './heap-tuning';
import { withTokenStackTraces } from './stack-traces';
import { listSynthesizedStacks, manifestErrors, readManifest, readStackFile, type StackFindings } from './synth-output';
import { type NotValidated, type StackInspection, type ValidationOptions, inspectStack } from './validate-stack';

/**
 * Builds the whole app with the given output directory: `(outdir) => { const app = new App({ outdir }); ...; return app; }`.
 *
 * A factory, not an `App`, because cdktf fixes `App.outdir` at construction and `app.synth()`
 * writes straight into it: only an app built for a temporary directory can be synthesized
 * without touching the previous output.
 */
export type AppFactory = (outdir: string) => App;

/** Options for {@link synthAndValidate}. */
export interface SynthAndValidateOptions extends ValidationOptions {
  /**
   * Final output directory, replaced only when every stack is valid.
   * @default - `process.env.CDKTF_OUTDIR` (set by the cdktf CLI), else `cdktf.out`
   */
  readonly outdir?: string;
  /**
   * Keep the stack trace cdktf records for every token it creates (only useful to find where a
   * token that fails to resolve was created; costs time and memory in large apps).
   * @default false
   */
  readonly stackTraces?: boolean;
  /**
   * Called with each stack's Terraform JSON as soon as the stack is validated, while it is in
   * memory anyway, so a caller can summarize it without reading `cdk.tf.json` back. A later
   * stack may still fail the synth; its result is then thrown as usual.
   * @default - none
   */
  readonly onStackJson?: (stack: string, json: Readonly<Record<string, unknown>>) => void;
}

/** Size of one synthesized stack, for a summary line. */
export interface StackSummary {
  /** Stack name. */
  readonly stack: string;
  /** Number of `resource` blocks. */
  readonly resources: number;
  /** Number of `data` blocks. */
  readonly dataSources: number;
  /** Number of `provider` configurations. */
  readonly providers: number;
  /** Blocks whose type is outside the pinned schema snapshot, so not validated (information). */
  readonly notValidated: readonly NotValidated[];
}

/** Result of a successful {@link synthAndValidate}. */
export interface SynthSummary {
  /** Absolute path of the output directory now holding the validated output. */
  readonly outdir: string;
  /** One entry per stack, in manifest order. */
  readonly stacks: readonly StackSummary[];
}

/**
 * Synthesizes an app into a temporary directory next to `outdir`, validates every stack against
 * the pinned provider schemas, and only when there are no findings replaces `outdir` with it.
 *
 * On a finding, a synth error (e.g. a construct validation), an error annotation recorded in the
 * manifest (even when `CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS` let cdktf go on) or an invalid factory, the temporary
 * directory is removed, `outdir` is left exactly as it was, and the error is thrown
 * ({@link SchemaValidationError} for findings, listing every one). Uncaught, it ends the process
 * with a non-zero exit code.
 *
 * The result matches what `cdktf synth` leaves when it writes in place: synthesized files are
 * replaced, Terraform working files the synth does not produce (`stacks/<stack>/.terraform/`,
 * `.terraform.lock.hcl`, ...) are kept, directories of removed stacks are dropped. The swap is two
 * renames on the same file system (`outdir` → backup, temporary → `outdir`, then the backup is
 * deleted; everything is undone if a rename fails): readers never see a half-written `outdir`, at
 * worst it is briefly absent.
 *
 * @example
 * // main.ts
 * const summary = synthAndValidate((outdir) => {
 *   const app = new App({ outdir });
 *   for (const env of ENVIRONMENTS) new PlatformStack(app, `platform-${env.name}`, env);
 *   return app;
 * });
 * for (const s of summary.stacks) console.log(`${s.stack}: ${s.resources} resources`);
 *
 * @param createApp builds the app with the given output directory (must pass it to `new App({ outdir })`)
 */
export function synthAndValidate(createApp: AppFactory, options: SynthAndValidateOptions = {}): SynthSummary {
  const outdir = path.resolve(options.outdir ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out');
  const parent = path.dirname(outdir);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(outdir)}.tmp-`));
  let stacks: StackSummary[];
  try {
    const app = withoutPretenuring(() => withTokenStackTraces(options.stackTraces ?? false, () => {
      const built = createApp(tmp);
      if (path.resolve(built.outdir) !== tmp) {
        throw new Error(`synthAndValidate: the app factory must build the App with the outdir it is given ('${tmp}'), got '${built.outdir}'. Use (outdir) => new App({ outdir }).`);
      }
      if (built.hclOutput) throw new Error('synthAndValidate: schema validation needs JSON output; do not set hclOutput / SYNTH_HCL_OUTPUT.');
      requestSynthesizedJson(built); // the checks hand their rendered JSON over instead of it being parsed again
      built.synth();
      return built;
    }));
    const manifest = readManifest(tmp);
    const errors = manifestErrors(tmp, manifest);
    if (errors.length > 0) {
      // Final whatever CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS says: an error annotation (a
      // construct's or a security rule's) never becomes a written, "validated" output.
      throw new Error(`${errors.length} error annotation${errors.length === 1 ? '' : 's'} in the synthesized app:\n${errors.map((e) => `  [${e.constructPath}] ${e.message}`).join('\n')}`);
    }
    const results: StackFindings[] = [];
    stacks = [];
    const synthesizers = stackSynthesizers(app);
    for (const { stack, file } of listSynthesizedStacks(tmp, manifest)) {
      const { config, inspection } = inspectSynthesized(stack, file, synthesizers.get(stack), options);
      results.push({ stack, findings: inspection.findings });
      stacks.push(summarize(stack, config, inspection.notValidated));
      if (inspection.findings.length === 0) options.onStackJson?.(stack, config as Readonly<Record<string, unknown>>);
    }
    if (results.some((r) => r.findings.length > 0)) throw new SchemaValidationError(results, outdir);
  } catch (error) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  replaceDirectory(tmp, outdir);
  return { outdir, stacks };
}

/**
 * Moves `source` to `target`, replacing `target` if it exists; restores `target` if the move fails.
 * Terraform working files in `target` that synth does not produce are carried over first.
 */
function replaceDirectory(source: string, target: string): void {
  if (!fs.existsSync(target)) {
    fs.renameSync(source, target);
    return;
  }
  const moves = carryOverWorkingFiles(target, source);
  const backup = fs.mkdtempSync(`${target}.old-`);
  fs.rmdirSync(backup); // reserve a unique name, then let rename create it
  try {
    fs.renameSync(target, backup);
  } catch (error) {
    undoMoves(moves);
    fs.rmSync(source, { recursive: true, force: true });
    throw error;
  }
  try {
    fs.renameSync(source, target);
  } catch (error) {
    fs.renameSync(backup, target);
    undoMoves(moves);
    fs.rmSync(source, { recursive: true, force: true });
    throw error;
  }
  fs.rmSync(backup, { recursive: true, force: true });
}

type Move = readonly [from: string, to: string];

/**
 * Moves what `cdktf synth` would have left in place from the previous output into the new one:
 * every entry the new synth did not produce, at the top level and inside each stack directory
 * that still exists (`.terraform/`, `.terraform.lock.hcl`, plan files, ...). Directories of stacks
 * that no longer exist are dropped, as the cdktf CLI does.
 */
function carryOverWorkingFiles(previous: string, next: string): Move[] {
  const moves: Move[] = [];
  const move = (from: string, to: string): void => {
    fs.renameSync(from, to);
    moves.push([from, to]);
  };
  try {
    for (const entry of fs.readdirSync(previous)) {
      if (entry === 'stacks') continue;
      if (!fs.existsSync(path.join(next, entry))) move(path.join(previous, entry), path.join(next, entry));
    }
    const previousStacks = path.join(previous, 'stacks');
    if (fs.existsSync(previousStacks)) {
      for (const stack of fs.readdirSync(previousStacks)) {
        const nextStack = path.join(next, 'stacks', stack);
        if (!fs.existsSync(nextStack) || !fs.statSync(nextStack).isDirectory()) continue;
        const previousStack = path.join(previousStacks, stack);
        if (!fs.statSync(previousStack).isDirectory()) continue;
        for (const entry of fs.readdirSync(previousStack)) {
          if (!fs.existsSync(path.join(nextStack, entry))) move(path.join(previousStack, entry), path.join(nextStack, entry));
        }
      }
    }
  } catch (error) {
    undoMoves(moves);
    throw error;
  }
  return moves;
}

function undoMoves(moves: readonly Move[]): void {
  for (const [from, to] of [...moves].reverse()) fs.renameSync(to, from);
}

/** The synthesizer of each stack of `app`, by stack name (the key cdktf's manifest uses). */
function stackSynthesizers(app: App): Map<string, unknown> {
  const synthesizers = new Map<string, unknown>();
  for (const child of app.node.children) if (TerraformStack.isStack(child)) synthesizers.set(child.node.id, child.synthesizer);
  return synthesizers;
}

/**
 * Inspects one synthesized stack: the object its synthesizer hands over (the one cdktf wrote to
 * `file`, see `core/synthesized-json`) when it offers one, else the parsed file. Findings are
 * always reported from the parsed file, so they come in the file's (key-sorted) order whichever
 * object was inspected first; blocks not validated come in that order from either.
 */
function inspectSynthesized(stack: string, file: string, synthesizer: unknown, options: ValidationOptions): { config: object; inspection: StackInspection } {
  const handed = takeSynthesizedJson(synthesizer);
  if (handed) {
    const inspection = inspectStack(stack, handed, options);
    if (inspection.findings.length === 0) return { config: handed, inspection };
  }
  const config = readStackFile(file);
  return { config, inspection: inspectStack(stack, config, options) };
}

function summarize(stack: string, config: object, notValidated: readonly NotValidated[]): StackSummary {
  const c = config as Record<string, unknown>;
  return { stack, resources: countInstances(c.resource), dataSources: countInstances(c.data), providers: countProviders(c.provider), notValidated };
}

function countInstances(section: unknown): number {
  if (!isPlainObject(section)) return 0;
  let count = 0;
  for (const instances of Object.values(section)) if (isPlainObject(instances)) count += Object.keys(instances).length;
  return count;
}

function countProviders(section: unknown): number {
  if (!isPlainObject(section)) return 0;
  let count = 0;
  for (const configs of Object.values(section)) count += Array.isArray(configs) ? configs.length : 1;
  return count;
}
