/**
 * Ordering of text that is the same on every machine: what the synthesized stacks, the access map
 * and the review list in order must not depend on the locale of the machine that renders them
 * (`localeCompare` follows it, and its first call sets up ICU collation).
 */

/** Compares `a` and `b` by UTF-16 code units, as `Array.prototype.sort()` does without a comparator. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
