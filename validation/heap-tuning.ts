/**
 * Keeps V8's allocation-site pretenuring off while a synth runs.
 *
 * V8 watches the objects each object or array literal creates; when nearly all of them survive a
 * young-generation collection, it allocates that literal's objects directly in the old generation
 * from then on. A cdktf synth creates the same literals' objects (generated `synthesizeAttributes()`
 * results, cdktf's resolve results) with lifetimes that differ from walk to walk: some are kept
 * (the construct tree, the per-element results kept for the merge), most die at once (the
 * preparing walk). When V8 pretenures such a literal, every later walk fills the old generation
 * with garbage. Measured at 1,000 APIs (`--trace-gc`, `--trace-pretenuring`): in some runs and not
 * others, mark-compacts go from ~160 MB down to ~35 MB, peak RSS is ~300 MB instead of ~200 MB and
 * the synth takes 1.5–2× the CPU; with pretenuring off every run is the fast one.
 *
 * Set with `v8.setFlagsFromString`, which Node supports at run time (it starts V8 with
 * `--no-freeze-flags-after-init`); if V8 refuses, the synth runs as it would have.
 */
import * as v8 from 'node:v8';

const OFF = '--no-allocation-site-pretenuring';
const ON = '--allocation-site-pretenuring';

/** Whether the process started with pretenuring off (then it is never switched on). */
const offAtStart = process.execArgv.includes(OFF) || (process.env.NODE_OPTIONS ?? '').split(/\s+/).includes(OFF);

/**
 * A `withoutPretenuring` that sets V8 flags with `setFlags` (exported for tests; the module's
 * {@link withoutPretenuring} uses `v8.setFlagsFromString`).
 * @internal
 */
export function pretenuringSwitch(setFlags: (flag: string) => void, startedOff = offAtStart): <T>(fn: () => T) => T {
  let depth = 0;
  const set = (flag: string): void => {
    if (startedOff) return;
    try {
      setFlags(flag);
    } catch {
      // A runtime whose flags are frozen: a tuning, not a requirement.
    }
  };
  return <T>(fn: () => T): T => {
    if (depth === 0) set(OFF);
    depth++;
    try {
      return fn();
    } finally {
      depth--;
      if (depth === 0) set(ON);
    }
  };
}

/**
 * Runs `fn` with V8's allocation-site pretenuring off (see the module comment) and switches it
 * back on afterwards, unless the process was started with it off. Nested calls are fine.
 */
export const withoutPretenuring: <T>(fn: () => T) => T = pretenuringSwitch((flag) => v8.setFlagsFromString(flag));
