/**
 * Terminal conventions shared by every command: colour only for a terminal, never when piped or
 * when `NO_COLOR` is set (https://no-color.org); `FORCE_COLOR` forces it.
 *
 * picocolors' own default also colours whenever `CI` is set, which puts escape codes into files
 * and pull-request comments; commands use {@link colors} instead.
 */
import { createColors } from 'picocolors';

/** Whether to colour output written to `stream`. */
export function colorEnabled(stream: { readonly isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** Colour functions (`red`, `green`, `dim`, ...) that are the identity when colour is off. */
export function colors(stream: { readonly isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): ReturnType<typeof createColors> {
  return createColors(colorEnabled(stream, env));
}
