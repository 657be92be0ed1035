/**
 * Reading a synthesized stack file (`cdktf.out/stacks/<name>/cdk.tf.json`): the one place that
 * reads and parses it, so every tool (synth validation, emulators, verify, access map) fails
 * the same way, naming the file and the fix.
 */
import { readFileSync } from 'node:fs';

/** The fix suggested when a stack file is missing or unreadable. */
const RUN_SYNTH = 'Run `npm run synth` first.';

/** A synthesized stack file is missing, unreadable, not JSON or not a JSON object. */
export class StackFileError extends Error {
  public constructor(
    message: string,
    /** The stack file. */
    public readonly file: string,
  ) {
    super(message);
    this.name = 'StackFileError';
  }
}

/**
 * Reads and parses one synthesized stack file (`cdk.tf.json`).
 *
 * @param file - path of the stack file
 * @param fix - the sentence that tells the user how to get the file
 * @returns the parsed Terraform JSON configuration
 * @throws StackFileError naming the file and `fix` when it is missing, unreadable, not JSON or
 *   not a JSON object
 */
export function readStackFile(file: string, fix: string = RUN_SYNTH): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new StackFileError(`missing synthesized stack ${file}. ${fix}`, file);
    throw new StackFileError(`cannot read the synthesized stack ${file}: ${(error as Error).message}. ${fix}`, file);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new StackFileError(`cannot read the synthesized stack ${file}: it is not JSON (${(error as Error).message}). ${fix}`, file);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new StackFileError(`the synthesized stack ${file} is not a Terraform JSON configuration (expected a JSON object). ${fix}`, file);
  }
  return parsed as Record<string, unknown>;
}
