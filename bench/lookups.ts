/**
 * Benchmark of the lookups: 20 real issuers refreshed concurrently, then a lock-complete run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type DemoIssuer, startDemoIssuer } from '../demo-issuer/demo-issuer';
import { ChainShape, generateDemoPki } from '../demo-issuer/pki';
import { SILENT_LOGGER, prepareLookups } from '../lookups/prepare';

/** Number of distinct issuers the benchmark looks up. */
export const BENCH_ISSUER_COUNT = 20;

/**
 * Starts 20 demo issuers (real oidc-provider over HTTPS on loopback), refreshes all of them
 * concurrently into a temporary lock, then times a lock-complete prepare of the same issuers.
 *
 * @returns wall-clock milliseconds of both runs.
 * @throws Error when the lock-complete run opened any connection (it must not).
 */
export async function benchLookups(): Promise<{ refresh20IssuersMs: number; lockCompleteMs: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'lookups-bench-'));
  const pki = generateDemoPki({ label: 'bench' });
  const caBundlePath = path.join(dir, 'ca.pem');
  writeFileSync(caBundlePath, pki.root.certPem);
  const lockPath = path.join(dir, 'lookups.lock.json');
  const demos: DemoIssuer[] = [];
  try {
    for (let i = 0; i < BENCH_ISSUER_COUNT; i++) {
      demos.push(await startDemoIssuer({ pki, chainShape: ChainShape.LEAF_AND_INTERMEDIATE, path: `/tenant-${i}` }));
    }
    const issuers = demos.map((d) => ({ issuer: d.issuer }));
    const common = { issuers, lockPath, caBundlePath, logger: SILENT_LOGGER };

    const refreshStart = performance.now();
    const refreshed = await prepareLookups({ ...common, refresh: true, ci: false });
    const refresh20IssuersMs = performance.now() - refreshStart;
    if (Object.keys(refreshed.issuers).length !== BENCH_ISSUER_COUNT) {
      throw new Error(`benchLookups: expected ${BENCH_ISSUER_COUNT} issuers in the lock`);
    }

    const connectionsBefore = demos.reduce((n, d) => n + d.connectionCount, 0);
    const lockStart = performance.now();
    await prepareLookups({ ...common, refresh: false, ci: true });
    const lockCompleteMs = performance.now() - lockStart;
    if (demos.reduce((n, d) => n + d.connectionCount, 0) !== connectionsBefore) {
      throw new Error('benchLookups: the lock-complete run opened a connection');
    }
    return { refresh20IssuersMs, lockCompleteMs };
  } finally {
    await Promise.all(demos.map((d) => d.close()));
    rmSync(dir, { recursive: true, force: true });
  }
}
