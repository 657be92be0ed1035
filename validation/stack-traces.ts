/**
 * Switches off the stack traces cdktf records for every token it creates.
 *
 * cdktf (`Lazy`, `Intrinsic`, `ComplexComputedList`, dynamic blocks) calls its
 * `captureStackTrace()` on every token it creates: `Error.captureStackTrace` on a plain
 * `{ stack }` object with `Error.stackTraceLimit` raised to its maximum, then keeps every frame as
 * a string (`creationStack`) in case a token fails to resolve. cdktf has no switch for these; its
 * `App({ stackTraces: false })` covers annotation metadata only. V8's documented stack-trace API
 * (`Error.prepareStackTrace`) decides what `.stack` becomes: returning an empty string for targets
 * that are not `Error`s makes cdktf record no frames (it keeps `[]`), while real errors keep their
 * normal stack. The cost was the same compiled or under tsx: it is the formatting and keeping of
 * thousands of full traces, not source maps.
 */

type PrepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => unknown;

/** V8's default `.stack` text: `String(error)` then one `    at <frame>` line per frame. */
function defaultFormat(error: Error, frames: NodeJS.CallSite[]): string {
  return `${String(error)}${frames.map((f) => `\n    at ${String(f)}`).join('')}`;
}

/**
 * Runs `fn` with cdktf's token creation stack traces off (see the module comment), unless
 * `enabled` is true; restores the previous `Error.prepareStackTrace` afterwards.
 */
export function withTokenStackTraces<T>(enabled: boolean, fn: () => T): T {
  if (enabled) return fn();
  const previous = Error.prepareStackTrace as PrepareStackTrace | undefined;
  const prepare: PrepareStackTrace = (target, frames) => {
    if (!(target instanceof Error)) return '';
    return previous ? previous(target, frames) : defaultFormat(target, frames);
  };
  Error.prepareStackTrace = prepare;
  try {
    return fn();
  } finally {
    Error.prepareStackTrace = previous as typeof Error.prepareStackTrace;
  }
}
