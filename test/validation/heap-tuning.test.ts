import { afterEach, describe, expect, test, vi } from 'vitest';
import { withoutPretenuring } from '../../validation/heap-tuning';

// V8 has no getter for a flag: what the module asks of it is what can be checked here (the effect
// on a synth is measured by the bench).
const { setFlagsFromString } = vi.hoisted(() => ({ setFlagsFromString: vi.fn() }));
vi.mock('node:v8', async (importOriginal) => ({ ...(await importOriginal<typeof import('node:v8')>()), setFlagsFromString }));

afterEach(() => {
  setFlagsFromString.mockReset();
});

describe('withoutPretenuring', () => {
  test('switches allocation-site pretenuring off for the call and back on afterwards', () => {
    const seen: unknown[][] = [];
    const result = withoutPretenuring(() => {
      seen.push(...setFlagsFromString.mock.calls);
      return 42;
    });
    expect(result).toBe(42);
    expect(seen).toEqual([['--no-allocation-site-pretenuring']]);
    expect(setFlagsFromString.mock.calls).toEqual([['--no-allocation-site-pretenuring'], ['--allocation-site-pretenuring']]);
  });

  test('switches once for nested calls and also when the call throws', () => {
    expect(() => withoutPretenuring(() => withoutPretenuring(() => {
      throw new Error('broken');
    }))).toThrow('broken');
    expect(setFlagsFromString.mock.calls).toEqual([['--no-allocation-site-pretenuring'], ['--allocation-site-pretenuring']]);
  });

  test('runs the synth as usual when V8 refuses the flag', () => {
    setFlagsFromString.mockImplementation(() => {
      throw new Error('flags are frozen');
    });
    expect(withoutPretenuring(() => 'done')).toBe('done');
  });
});
