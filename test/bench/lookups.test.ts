import { describe, expect, test } from 'vitest';
import { benchLookups } from '../../bench/lookups';

describe('benchLookups', () => {
  test('refreshes 20 real issuers and then resolves them from the lock without network', async () => {
    // WHEN
    const result = await benchLookups();

    // THEN
    expect(result.refresh20IssuersMs).toBeGreaterThan(0);
    expect(result.lockCompleteMs).toBeGreaterThan(0);
    expect(result.lockCompleteMs).toBeLessThan(result.refresh20IssuersMs);
  });
});
