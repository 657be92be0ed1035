/**
 * Deployed outputs of the stacks, read from the JSON Terraform and cdktf write:
 *
 * - `npx cdktf output <stacks...> --outputs-file outputs.json` (or `cdktf deploy --outputs-file`):
 *   one object per stack, `{ "<stack>": { "<output>": <value>, ... }, ... }`;
 * - `terraform output -json` run in one stack's directory (`cdktf.out/stacks/<stack>`):
 *   `{ "<output>": { "value": <value>, "type": ..., "sensitive": ... } }`, given as
 *   `<stack>=<file>` because the file does not name its stack.
 */
import { readFileSync } from 'node:fs';

/** Output values by stack, then by output name. */
export type StackOutputs = Record<string, Record<string, unknown>>;

/** An outputs file that cannot be used; the message names the file and the fix. */
export class OutputsError extends Error {}

/**
 * Reads one `--outputs` argument (`<file>` or `<stack>=<file>`) and merges it into `into`.
 * @param knownStacks - the environment's stack names, to tell the cdktf format from Terraform's
 */
export function readOutputsArgument(spec: string, knownStacks: readonly string[], into: StackOutputs = {}): StackOutputs {
  const eq = spec.indexOf('=');
  const named = eq > 0 && knownStacks.includes(spec.slice(0, eq));
  const stack = named ? spec.slice(0, eq) : undefined;
  const file = named ? spec.slice(eq + 1) : spec;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new OutputsError(`cannot read outputs file ${file}: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new OutputsError(`outputs file ${file} must hold a JSON object`);
  const object = parsed as Record<string, unknown>;
  if (stack) {
    into[stack] = { ...into[stack], ...terraformValues(object, file) };
    return into;
  }
  const stacks = Object.keys(object).filter((k) => knownStacks.includes(k));
  if (stacks.length === 0) {
    if (Object.values(object).every(isTerraformOutput)) {
      throw new OutputsError(`outputs file ${file} looks like \`terraform output -json\` of one stack: pass it as --outputs <stack>=${file} (stacks: ${knownStacks.join(', ')})`);
    }
    throw new OutputsError(`outputs file ${file} holds none of the stacks ${knownStacks.join(', ')} (write it with \`npx cdktf output ${knownStacks.join(' ')} --outputs-file ${file}\`)`);
  }
  for (const name of stacks) {
    const values = object[name];
    if (!values || typeof values !== 'object' || Array.isArray(values)) throw new OutputsError(`outputs of ${name} in ${file} must be an object`);
    into[name] = { ...into[name], ...(values as Record<string, unknown>) };
  }
  return into;
}

function terraformValues(object: Record<string, unknown>, file: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(object)) {
    if (!isTerraformOutput(entry)) throw new OutputsError(`output ${name} in ${file} is not in \`terraform output -json\` form ({ "value": ... })`);
    out[name] = entry.value;
  }
  return out;
}

function isTerraformOutput(value: unknown): value is { value: unknown } {
  return !!value && typeof value === 'object' && !Array.isArray(value) && 'value' in value;
}
