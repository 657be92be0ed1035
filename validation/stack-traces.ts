/**
 * Switches off the stack traces cdktf records for every token it creates.
 *
 * cdktf (`Lazy`, `Intrinsic`, `ComplexComputedList`, dynamic blocks) calls its
 * `captureStackTrace()` on every token it creates: `Error.captureStackTrace` on a plain
 * `{ stack: '' }` object with `Error.stackTraceLimit` raised to its maximum, then keeps every frame
 * as a string (`creationStack`) in case a token fails to resolve. (`constructs` records metadata
 * traces the same way.) cdktf has no switch for these; its `App({ stackTraces: false })` covers
 * annotation metadata only.
 *
 * Overriding `Error.prepareStackTrace` is not enough: V8 formats `.stack` lazily, but
 * `Error.captureStackTrace` still walks and collects every frame of the (unlimited) stack. So for
 * the duration of the synth, `Error.captureStackTrace` is replaced by a wrapper that does nothing
 * for exactly that placeholder (a target that is not an `Error` and whose own `stack` is `''`):
 * its `stack` stays empty and cdktf records `[]`. Every other call (real errors, libraries that
 * capture into their own objects) goes to the original, so errors keep their normal stacks. The
 * original is restored afterwards. The cost was the same compiled or under tsx: walking and
 * keeping thousands of full traces, not source maps.
 */

type CaptureStackTrace = typeof Error.captureStackTrace;

/** Whether `target` is the `{ stack: '' }` placeholder cdktf and constructs capture token traces into. */
function isTracePlaceholder(target: object): boolean {
  return !(target instanceof Error) && Object.prototype.hasOwnProperty.call(target, 'stack') && (target as { stack?: unknown }).stack === '';
}

/**
 * Runs `fn` with cdktf's token creation stack traces off (see the module comment), unless
 * `enabled` is true; restores the previous `Error.captureStackTrace` afterwards.
 */
export function withTokenStackTraces<T>(enabled: boolean, fn: () => T): T {
  if (enabled) return fn();
  const original: CaptureStackTrace = Error.captureStackTrace;
  const capture: CaptureStackTrace = function captureStackTrace(target, below) {
    if (isTracePlaceholder(target)) return;
    // Hide this wrapper's frame as the original would hide its own.
    original.call(Error, target, below ?? capture);
  };
  Error.captureStackTrace = capture;
  try {
    return fn();
  } finally {
    Error.captureStackTrace = original;
  }
}
