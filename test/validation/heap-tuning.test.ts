import { describe, expect, test } from 'vitest';
import { pretenuringSwitch, withoutPretenuring } from '../../validation/heap-tuning';

// V8 has no getter for a flag: what the switch asks of V8 is what can be checked here (the effect
// on a synth is measured by the bench: bench/scale-child.ts).
function recorded(startedOff = false): { calls: string[]; run: <T>(fn: () => T) => T } {
  const calls: string[] = [];
  return { calls, run: pretenuringSwitch((flag) => calls.push(flag), startedOff) };
}

describe('withoutPretenuring', () => {
  test('switches allocation-site pretenuring off for the call and back on afterwards', () => {
    const { calls, run } = recorded();
    let during: string[] = [];
    expect(run(() => {
      during = [...calls];
      return 42;
    })).toBe(42);
    expect(during).toEqual(['--no-allocation-site-pretenuring']);
    expect(calls).toEqual(['--no-allocation-site-pretenuring', '--allocation-site-pretenuring']);
  });

  test('switches once for nested calls and also when the call throws', () => {
    const { calls, run } = recorded();
    expect(() => run(() => run(() => {
      throw new Error('broken');
    }))).toThrow('broken');
    expect(calls).toEqual(['--no-allocation-site-pretenuring', '--allocation-site-pretenuring']);
  });

  test('leaves a process started with --no-allocation-site-pretenuring as it is', () => {
    const { calls, run } = recorded(true);
    expect(run(() => 'done')).toBe('done');
    expect(calls).toEqual([]);
  });

  test('runs the function as usual when V8 refuses the flag', () => {
    const run = pretenuringSwitch(() => {
      throw new Error('flags are frozen');
    }, false);
    expect(run(() => 'done')).toBe('done');
  });

  test('works against the real V8', () => {
    expect(withoutPretenuring(() => withoutPretenuring(() => 'done'))).toBe('done');
  });
});
