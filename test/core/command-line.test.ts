/**
 * The one argument convention of the commands: --help (and an optional one-letter alias) prints
 * the usage on stdout with exit 0; a bad argument prints the problem and the usage on stderr with
 * exit 2.
 */
import { describe, expect, test } from 'vitest';
import { parseCommandLine, usageError } from '../../core/command-line';

const HELP = 'Usage: tool [--json]\n';

function capture() {
  const out = { stdout: '', stderr: '' };
  return { out, output: { write: (t: string) => void (out.stdout += t), writeError: (t: string) => void (out.stderr += t) } };
}

describe('parseCommandLine', () => {
  test('parses the options and positionals it is given', () => {
    const { out, output } = capture();
    const line = parseCommandLine(['--json', 'a'], { json: { type: 'boolean' } }, HELP, true, output);
    expect(line).toEqual({ values: { json: true }, positionals: ['a'] });
    expect(out).toEqual({ stdout: '', stderr: '' });
  });

  test('--help prints the usage on stdout and ends with 0', () => {
    const { out, output } = capture();
    expect(parseCommandLine(['--help'], { json: { type: 'boolean' } }, HELP, false, output)).toEqual({ exitCode: 0 });
    expect(out).toEqual({ stdout: HELP, stderr: '' });
  });

  test('-h is help only when helpShort names it; otherwise it is an unknown option', () => {
    const withShort = capture();
    expect(parseCommandLine(['-h'], {}, HELP, false, withShort.output, { helpShort: 'h' })).toEqual({ exitCode: 0 });
    expect(withShort.out).toEqual({ stdout: HELP, stderr: '' });

    const without = capture();
    expect(parseCommandLine(['-h'], {}, HELP, false, without.output)).toEqual({ exitCode: 2 });
    expect(without.out).toEqual({ stdout: '', stderr: `Unknown option '-h'\n\n${HELP}` });
  });

  test('a bad argument prints the problem (after errorLabel, when given) and the usage on stderr, and ends with 2', () => {
    const plain = capture();
    expect(parseCommandLine(['--jsn'], { json: { type: 'boolean' } }, HELP, false, plain.output)).toEqual({ exitCode: 2 });
    expect(plain.out.stdout).toBe('');
    expect(plain.out.stderr).toMatch(/^Unknown option '--jsn'.*\n\nUsage: tool \[--json\]\n$/);

    const labelled = capture();
    expect(parseCommandLine(['x'], {}, HELP, false, labelled.output, { errorLabel: 'error:' })).toEqual({ exitCode: 2 });
    expect(labelled.out.stderr).toMatch(/^error: Unexpected argument 'x'.*\n\nUsage: tool \[--json\]\n$/);
  });
});

describe('usageError', () => {
  test('prints the problem and the usage on stderr; exit code 2', () => {
    const { out, output } = capture();
    expect(usageError('--env is required', HELP, output)).toEqual({ exitCode: 2 });
    expect(out).toEqual({ stdout: '', stderr: `--env is required\n\n${HELP}` });
  });
});
