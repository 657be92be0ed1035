/**
 * CI mode detection, one rule for every command: `CI` set to anything but an empty string,
 * `false` or `0` (any case, surrounding spaces ignored) means CI. CI systems set `CI=true`,
 * `CI=1` or other values; treating only the literal `true` as CI would let a lookup rewrite the
 * lock on a runner that sets `CI=1`.
 */

/** Values of `CI` that mean "not CI". */
const NOT_CI: readonly string[] = ['', 'false', '0'];

/**
 * Whether the environment asks for CI mode (the lock must be complete and is never written).
 * @param env - the environment to read (default `process.env`)
 */
export function isCiMode(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const value = env.CI;
  return value !== undefined && !NOT_CI.includes(value.trim().toLowerCase());
}
