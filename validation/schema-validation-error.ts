import type { Finding } from './finding';
import type { StackFindings } from './synth-output';

/**
 * Thrown by `synthAndValidate` when a synthesized stack breaks its provider schema.
 * The message lists every finding, one per line.
 */
export class SchemaValidationError extends Error {
  /** Every finding, across stacks, in stack order. */
  public readonly findings: readonly Finding[];

  /**
   * @param stacks per-stack findings (stacks without findings are ignored)
   * @param outdir the output directory that was left untouched
   */
  public constructor(
    public readonly stacks: readonly StackFindings[],
    public readonly outdir: string,
  ) {
    const findings = stacks.flatMap((s) => s.findings);
    const failing = stacks.filter((s) => s.findings.length > 0).length;
    super(
      `Provider schema validation failed: ${findings.length} finding${findings.length === 1 ? '' : 's'} in ${failing} stack${failing === 1 ? '' : 's'}; ` +
        `'${outdir}' was left unchanged.\n  ${findings.map((f) => f.format()).join('\n  ')}`,
    );
    this.name = 'SchemaValidationError';
    this.findings = findings;
  }
}
