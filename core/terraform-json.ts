/**
 * Reading values of synthesized Terraform JSON as written, for the readers that describe a stack
 * (the emulators, the access map). They take what is there at face value; the security rules,
 * which must fail closed on an unresolved expression, have their own stricter readers.
 */

/** A JSON object of a synthesized block. */
export type JsonObject = Record<string, unknown>;

/**
 * A single nested block: cdktf writes it as an object, older output as a one-element list.
 * Anything else (absent, a scalar) reads as an empty block.
 */
export function singleBlock(value: unknown): JsonObject {
  const v = Array.isArray(value) ? value[0] : value;
  return v && typeof v === 'object' ? (v as JsonObject) : {};
}

/** A list of strings as written; a single value (e.g. an expression for the whole list) is one item. */
export function stringList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}
