import { describe, expect, test } from 'vitest';
import { compareCodeUnits } from '../../core/order';

describe('compareCodeUnits', () => {
  test('orders like Array.prototype.sort() without a comparator (UTF-16 code units), not by locale', () => {
    const words = ['app_1', 'App_Z', 'app1x', 'Ärger', 'zebra', 'éclair', 'b', '', 'a-b', 'a_b', 'a b', '😀', 'ﬀ'];
    expect([...words].sort(compareCodeUnits)).toEqual([...words].sort());
    expect(compareCodeUnits('x', 'x')).toBe(0);
    // A locale-aware comparison puts "app_1" first ("_" before digits, case folded): code units do not.
    expect([...words.slice(0, 3)].sort(compareCodeUnits)).toEqual(['App_Z', 'app1x', 'app_1']);
  });
});
