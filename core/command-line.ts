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

/** The process's stdout and stderr: the default {@link CommandOutput}. */
export const PROCESS_OUTPUT: CommandOutput = {
  write: (text) => void process.stdout.write(text),
  writeError: (text) => void process.stderr.write(text),
};

/** Parsed arguments, or the exit code the command should end with (help shown, or a usage error). */
export type CommandLine<O extends Options> =
  | { readonly exitCode?: undefined; readonly values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>['values']; readonly positionals: string[] }
  | { readonly exitCode: 0 | 2 };

/** How {@link parseCommandLine} words its help flag and its usage errors. */
export interface CommandLineSettings {
  /**
   * A one-letter alias of `--help`, e.g. `'h'` for `-h`.
   * @default - none: only `--help`
   */
  readonly helpShort?: string;
  /**
   * Put before the problem of a usage error, e.g. a red `error:` (a space follows it).
   * @default - nothing: the problem alone
   */
  readonly errorLabel?: string;
}

/**
 * Parses `argv` with node's `parseArgs` (strict) plus `--help` (and its one-letter alias when
 * `settings.helpShort` names one).
 *
 * @example
 * const line = parseCommandLine(argv, { json: { type: 'boolean' } }, HELP);
 * if (line.exitCode !== undefined) return line.exitCode;
 */
export function parseCommandLine<O extends Options>(argv: readonly string[], options: O, help: string, allowPositionals = false, output: CommandOutput = PROCESS_OUTPUT, settings: CommandLineSettings = {}): CommandLine<O> {
  let parsed;
  const helpOption = settings.helpShort === undefined ? { type: 'boolean' as const } : { type: 'boolean' as const, short: settings.helpShort };
  try {
    parsed = parseArgs({ args: [...argv], options: { ...options, help: helpOption }, allowPositionals, strict: true });
  } catch (error) {
    const message = (error as Error).message;
    return usageError(settings.errorLabel === undefined ? message : `${settings.errorLabel} ${message}`, help, output);
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
