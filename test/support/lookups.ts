/**
 * Helpers for tests of the prepare step.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { LookupLogger } from '../../lookups/prepare';

/** A logger that keeps every message. */
export function recordingLogger(): LookupLogger & { readonly infos: string[]; readonly warnings: string[] } {
  const infos: string[] = [];
  const warnings: string[] = [];
  return { infos, warnings, info: (m) => infos.push(m), warn: (m) => warnings.push(m) };
}

/** The file's bytes, or `undefined` when it does not exist (to assert "untouched"). */
export function snapshotFile(file: string): Buffer | undefined {
  return existsSync(file) ? readFileSync(file) : undefined;
}
