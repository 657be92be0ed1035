/** `exactSchema`: ties a zod schema to its config interface at type-check time (no other imports, so any config module can use it). */
import type { z } from 'zod';

/** Deeply drops `readonly` so that types differing only in it compare equal. */
type Plain<T> = T extends readonly (infer E)[] ? Plain<E>[] : T extends object ? { -readonly [K in keyof T]: Plain<T[K]> } : T;
/** Exact type identity (not mere assignability: a missing optional field counts). */
type Equals<A, B> = (<G>() => G extends A ? 1 : 2) extends (<G>() => G extends B ? 1 : 2) ? true : false;

/**
 * Declares the schema of a config interface `T`; `tsc` rejects the call unless the schema's
 * output is exactly `T` (same fields, same optionality, same types, readonly aside).
 *
 * @example
 * export const throttleSchema = exactSchema<ThrottleConfig>()(z.strictObject({ requestsPerMinute: z.number() }));
 */
export function exactSchema<T>() {
  return <S extends z.ZodType>(schema: S & (Equals<Plain<z.output<S>>, Plain<T>> extends true ? unknown : { 'schema and interface differ': T })): S => schema;
}
