import type { IConstruct } from 'constructs';
import { ALL_RULES } from './rules';

const METADATA_TYPE = 'm2m-guard:suppressions';
/** Shortest accepted reason of a suppression or a security opt-out, in characters (after trimming). */
export const MIN_REASON_LENGTH = 10;

/** One justified suppression of a security rule. */
export interface Suppression {
  /** The rule id, e.g. `APIGW-JWT2`. Wildcards are not accepted. */
  readonly id: string;
  /** Why this is acceptable here (at least 10 characters), e.g. a ticket reference. */
  readonly reason: string;
  /**
   * Granular findings this suppression covers, e.g. `['stage:TEST']`.
   * @default - every finding of the rule on the scope and its children
   */
  readonly appliesTo?: readonly string[];
}

/**
 * Adds and looks up suppressions of security rules.
 *
 * Suppressions are stored as construct metadata on the scope and inherited by its
 * children. They are rejected when the rule id is unknown or the reason is too short.
 */
export class Suppressions {
  /**
   * Suppresses rules on `scope` and everything below it.
   *
   * @example
   * Suppressions.add(healthApi, [{ id: 'APIGW-1', reason: 'Public health check, no data returned (#42)' }]);
   */
  public static add(scope: IConstruct, suppressions: readonly Suppression[]): void {
    suppressions.forEach((s, index) => {
      const where = `[${scope.node.path}] 'suppressions[${index}]`;
      if (!ALL_RULES.some((rule) => rule.id === s.id)) {
        const known = ALL_RULES.map((rule) => rule.id).sort().join(', ');
        throw new Error(`${where}.id' is not a known security rule id, got ${JSON.stringify(s.id)}. Use one of: ${known}.`);
      }
      if (typeof s.reason !== 'string' || s.reason.trim().length < MIN_REASON_LENGTH) {
        throw new Error(`${where}.reason' must explain the suppression in at least ${MIN_REASON_LENGTH} characters, got ${JSON.stringify(s.reason)}. Say why this is acceptable (e.g. a ticket).`);
      }
      if (s.appliesTo !== undefined && s.appliesTo.length === 0) {
        throw new Error(`${where}.appliesTo' must not be empty when given, got []. Omit it to suppress every finding of ${s.id}.`);
      }
      scope.node.addMetadata(METADATA_TYPE, { id: s.id, reason: s.reason.trim(), appliesTo: s.appliesTo ? [...s.appliesTo] : undefined });
    });
  }

  /**
   * The suppression that covers `ruleId` (and `finding`, when granular) on `scope`,
   * looking at the scope and its ancestors.
   */
  public static find(scope: IConstruct, ruleId: string, finding?: string): Suppression | undefined {
    for (const node of [...scope.node.scopes].reverse()) {
      for (const entry of node.node.metadata) {
        if (entry.type !== METADATA_TYPE) continue;
        const s = entry.data as Suppression;
        if (s.id !== ruleId) continue;
        if (s.appliesTo === undefined || (finding !== undefined && s.appliesTo.includes(finding))) return s;
      }
    }
    return undefined;
  }
}
