/**
 * Handing a stack's synthesized Terraform JSON from the synthesizer that wrote it to whoever
 * reads the output next (synth validation), so a large `cdk.tf.json` is not read back and parsed
 * again in the same process. The contract between a stack synthesizer (`constructs/`) and
 * `validation/`: neither imports the other, both import this.
 */

/** The method key of {@link SynthesizedJsonSource} (`Symbol.for`, so copies of this module in bundles agree). */
export const TAKE_SYNTHESIZED_JSON: unique symbol = Symbol.for('m2m-guard.take-synthesized-json');

/**
 * A stack synthesizer that can hand over the Terraform JSON object it last wrote to the stack's
 * `cdk.tf.json`: the very object cdktf serialized, so `JSON.parse` of the file deep-equals it
 * (key order aside: the file's keys are sorted).
 */
export interface SynthesizedJsonSource {
  /**
   * Returns the object last written and forgets it (so it can be collected once the caller is
   * done), or `undefined` when there is none (not synthesized yet, HCL output, already taken).
   */
  [TAKE_SYNTHESIZED_JSON](): Readonly<Record<string, unknown>> | undefined;
}

/** Marks an app whose stacks' synthesizers should hold their output for {@link takeSynthesizedJson}. */
const REQUESTED: unique symbol = Symbol.for('m2m-guard.synthesized-json-requested');

/**
 * Asks the synthesizers of `app`'s stacks to hold the JSON they write until it is taken (call it
 * before `app.synth()`). Without the request they hold nothing, so a plain `app.synth()` keeps no
 * copy of its output alive for as long as the app lives.
 */
export function requestSynthesizedJson(app: object): void {
  Object.defineProperty(app, REQUESTED, { value: true, configurable: true });
}

/** Whether {@link requestSynthesizedJson} was called for `app` (a stack's `node.root`). */
export function isSynthesizedJsonRequested(app: object): boolean {
  return (app as { [REQUESTED]?: boolean })[REQUESTED] === true;
}

/**
 * The synthesized JSON a stack's synthesizer holds, taken from it (see {@link SynthesizedJsonSource}).
 *
 * @param synthesizer - a stack's `synthesizer` (any kind)
 * @returns `undefined` when the synthesizer does not hand over its output or holds none: read the file then
 */
export function takeSynthesizedJson(synthesizer: unknown): Readonly<Record<string, unknown>> | undefined {
  if (typeof synthesizer !== 'object' || synthesizer === null || !(TAKE_SYNTHESIZED_JSON in synthesizer)) return undefined;
  const take = (synthesizer as Partial<SynthesizedJsonSource>)[TAKE_SYNTHESIZED_JSON];
  return typeof take === 'function' ? take.call(synthesizer) : undefined;
}
