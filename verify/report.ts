/**
 * Prints verify's rows: one table (check, expected, got, result), or JSON with `--json`.
 */
import Table from 'cli-table3';
import pc from 'picocolors';
import type { VerifyRow } from './run';

/** The JSON document `--json` prints. */
export interface VerifyReport {
  /** Environment name. */
  readonly environment: string;
  /** `deployed` or `local`. */
  readonly mode: 'deployed' | 'local';
  /** Whether every row is ok. */
  readonly ok: boolean;
  /** Counts. */
  readonly summary: { readonly checks: number; readonly failed: number };
  /** The rows, in order. */
  readonly rows: readonly VerifyRow[];
}

/** Builds the report of a run. */
export function verifyReport(environment: string, mode: 'deployed' | 'local', rows: readonly VerifyRow[]): VerifyReport {
  const failed = rows.filter((r) => !r.ok).length;
  return { environment, mode, ok: failed === 0, summary: { checks: rows.length, failed }, rows };
}

/** The report as a table plus a summary line. */
export function formatReport(report: VerifyReport): string {
  const table = new Table({ head: ['check', 'expected', 'got', 'result'], style: { head: [], border: [] }, wordWrap: true, colWidths: [44, 46, 52, 8] });
  for (const row of report.rows) table.push([row.what, row.expected, row.got, row.ok ? pc.green('ok') : pc.red('FAIL')]);
  const failed = report.rows.filter((r) => !r.ok);
  const summary = failed.length === 0
    ? `${pc.green('ok')} ${report.summary.checks} checks passed (${report.environment}, ${report.mode})`
    : `${pc.red('FAIL')} ${failed.length} of ${report.summary.checks} checks failed (${report.environment}, ${report.mode}):\n${failed.map((r) => `  - ${r.what}: expected ${r.expected}, got ${r.got}`).join('\n')}`;
  return `${table.toString()}\n${summary}\n`;
}
