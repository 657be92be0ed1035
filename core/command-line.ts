/**
 * The one argument convention of every command: `--help` prints the usage on stdout (exit 0), a
 * bad argument prints the problem and the usage on stderr (exit 2), never a stack trace.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Where a command writes its help (stdout) and usage errors (stderr); tests pass their own. */
export interface CommandOutput {
  write(text: string): void;
  writeError(text: string): void;
}

const PROCESS_OUTPUT: CommandOutput = {
  write: (text) => void process.stdout.write(text),
  writeError: (text) => void process.stderr.write(text),
};

/** Parsed arguments, or the exit code the command should end with (help shown, or a usage error). */
export type CommandLine<O extends Options> =
  | { readonly exitCode?: undefined; readonly values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>['values']; readonly positionals: string[] }
  | { readonly exitCode: 0 | 2 };

/**
 * Parses `argv` with node's `parseArgs` (strict) plus `--help`.
 *
 * @example
 * const line = parseCommandLine(argv, { json: { type: 'boolean' } }, HELP);
 * if (line.exitCode !== undefined) return line.exitCode;
 */
export function parseCommandLine<O extends Options>(argv: readonly string[], options: O, help: string, allowPositionals = false, output: CommandOutput = PROCESS_OUTPUT): CommandLine<O> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...options, help: { type: 'boolean' } }, allowPositionals, strict: true });
  } catch (error) {
    return usageError((error as Error).message, help, output);
  }
  if ((parsed.values as { help?: boolean }).help) {
    output.write(help);
    return { exitCode: 0 };
  }
  return { values: parsed.values as CommandLine<O> extends infer C ? C extends { values: infer V } ? V : never : never, positionals: parsed.positionals };
}

/** Prints a usage error (the problem, then the usage) on stderr; returns exit code 2. */
export function usageError(message: string, help: string, output: CommandOutput = PROCESS_OUTPUT): { readonly exitCode: 2 } {
  output.writeError(`${message}\n\n${help}`);
  return { exitCode: 2 };
}
