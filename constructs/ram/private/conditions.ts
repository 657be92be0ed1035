import type { PolicyCondition } from '../policy-document';
import { sortedUnique } from './values';

/** `{ Operator: { key: [values] } }` with operators and keys sorted. */
export function renderConditions(conditions: readonly PolicyCondition[]): Record<string, Record<string, string[]>> {
  const byOperator = new Map<string, Map<string, string[]>>();
  for (const c of conditions) {
    const keys = byOperator.get(c.operator.value) ?? new Map<string, string[]>();
    keys.set(c.key, sortedUnique([...(keys.get(c.key) ?? []), ...c.values]));
    byOperator.set(c.operator.value, keys);
  }
  const out: Record<string, Record<string, string[]>> = {};
  for (const op of [...byOperator.keys()].sort()) {
    const keys = byOperator.get(op)!;
    out[op] = {};
    for (const key of [...keys.keys()].sort()) out[op][key] = keys.get(key)!;
  }
  return out;
}
