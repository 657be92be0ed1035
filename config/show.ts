/** How config error messages print the value they got: JSON, or `nothing` for an absent field. */
export function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}
