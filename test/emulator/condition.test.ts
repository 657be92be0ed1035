import { describe, expect, test } from 'vitest';
import { ConditionSyntaxError, evaluateCondition, likeMatches } from '../../emulator/condition';
import { ORACLE } from '../support/condition-oracle';

describe('evaluateCondition', () => {
  const rows = Object.entries(ORACLE).flatMap(([condition, cases]) => cases.map((c) => [condition, c.values, c.holds] as const));

  test.each(rows)('agrees with the hand-written oracle: %s with %j is %s', (condition, values, holds) => {
    expect(evaluateCondition(condition, values)).toBe(holds);
  });

  test('treats % and _ as LIKE wildcards, case-sensitively', () => {
    expect(likeMatches('abc', 'a%')).toBe(true);
    expect(likeMatches('abc', 'a_c')).toBe(true);
    expect(likeMatches('ABC', 'a%')).toBe(false);
    expect(likeMatches('a.c', 'a.c')).toBe(true);
    expect(likeMatches('abc', 'a.c')).toBe(false);
  });

  test('fails when the expression is outside the rendered subset', () => {
    expect(() => evaluateCondition('$a != \'1\'', { a: '1' })).toThrow(ConditionSyntaxError);
    expect(() => evaluateCondition("$a = 'x", {})).toThrow(/unterminated/);
    expect(() => evaluateCondition("$a = 'x' $b", {})).toThrow(/trailing/);
  });
});
