/** Sorted, de-duplicated copy of `values` (code-unit order), for deterministic rendering. */
export function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

/** Whether a string is nothing but wildcards (`*`, `?`), i.e. a StringLike pattern that matches (almost) anything. */
export function isOnlyWildcards(value: string): boolean {
  return /^[*?]+$/.test(value);
}
