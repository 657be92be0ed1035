import type { IConstruct } from 'constructs';
import { MIN_REASON_LENGTH, isExplainedReason } from '../../core/opt-out';

export { MIN_REASON_LENGTH } from '../../core/opt-out';

const METADATA_TYPE = 'm2m-guard:suppressions';

/** Set on a construct when a suppression is added on it or below it (see {@link Suppressions.anyUnder}). */
const HAS_SUPPRESSIONS_BELOW = Symbol('m2m-guard.has-suppressions-below');

/**
 * The finding name a suppression lists in `appliesTo` to clear a rule's `UNRESOLVED` outcome
 * (the rule could not decide because its input is unknown until apply).
 */
export const UNRESOLVED_FINDING = 'UNRESOLVED';

/** A rule id: letters and digits in parts joined by `-`, `_` or `.`; no wildcards. */
const RULE_ID = /^[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*$/;

/** One justified suppression of a security rule. */
export interface Suppression {
  /**
   * The rule id, e.g. `APIGW-JWT2`: any rule the security checks run, including rules you add
   * through `SecurityChecks`' `rules`. Wildcards are not accepted.
   */
  readonly id: string;
  /** Why this is acceptable here (at least 10 characters), e.g. a ticket reference. */
  readonly reason: string;
  /**
   * Granular findings this suppression covers, e.g. `['stage:TEST']`, or `['UNRESOLVED']` to
   * accept that the rule cannot be evaluated before apply.
   * @default - every finding of the rule on the scope and its children, `UNRESOLVED` included
   */
  readonly appliesTo?: readonly string[];
}

/**
 * Adds and reads suppressions of security rules.
 *
 * Suppressions are stored as construct metadata on the scope and inherited by its children.
 * A wildcard or malformed id, a reason that is too short or an empty `appliesTo` is rejected when
 * it is added; an id that names no rule the checks run fails the synth, and a suppression that
 * covers no finding is reported as a warning (see `SecurityChecks`).
 */
export class Suppressions {
  /**
   * Suppresses rules on `scope` and everything below it.
   *
   * @example
   * Suppressions.add(healthApi, [{ id: 'APIGW-AUTH1', reason: 'Public health check, no data returned (#42)', appliesTo: ['stage:TEST'] }]);
   */
  public static add(scope: IConstruct, suppressions: readonly Suppression[]): void {
    suppressions.forEach((s, index) => {
      const where = `[${scope.node.path}] 'suppressions[${index}]`;
      if (typeof s.id !== 'string' || !RULE_ID.test(s.id)) {
        throw new Error(`${where}.id' must be the id of one security rule (no wildcards), got ${JSON.stringify(s.id)}. Use the id printed with the finding, e.g. 'APIGW-AUTH1'.`);
      }
      if (!isExplainedReason(s.reason)) {
        throw new Error(`${where}.reason' must explain the suppression in at least ${MIN_REASON_LENGTH} characters, got ${JSON.stringify(s.reason)}. Say why this is acceptable (e.g. a ticket).`);
      }
      if (s.appliesTo !== undefined && s.appliesTo.length === 0) {
        throw new Error(`${where}.appliesTo' must not be empty when given, got []. Omit it to suppress every finding of ${s.id}.`);
      }
      const entry: Suppression = { id: s.id, reason: s.reason.trim(), ...(s.appliesTo ? { appliesTo: [...s.appliesTo] } : {}) };
      scope.node.addMetadata(METADATA_TYPE, entry);
    });
    if (suppressions.length > 0) {
      for (const ancestor of scope.node.scopes) (ancestor as unknown as Record<symbol, boolean>)[HAS_SUPPRESSIONS_BELOW] = true;
    }
  }

  /**
   * Whether a suppression was added (through {@link Suppressions.add}) on `scope` or a construct
   * below it. `false` means {@link Suppressions.of} is empty for `scope` and all its children, so
   * the checks need not visit them.
   */
  public static anyUnder(scope: IConstruct): boolean {
    return (scope as unknown as Record<symbol, boolean | undefined>)[HAS_SUPPRESSIONS_BELOW] === true;
  }

  /** The suppressions added directly on `scope` (not its ancestors), in the order they were added. */
  public static of(scope: IConstruct): readonly Suppression[] {
    return scope.node.metadata.filter((m) => m.type === METADATA_TYPE).map((m) => m.data as Suppression);
  }

  /**
   * Whether `suppression` covers a finding of `ruleId`.
   * @param finding the granular finding, {@link UNRESOLVED_FINDING}, or `undefined` for a plain non-compliant result
   */
  public static covers(suppression: Suppression, ruleId: string, finding: string | undefined): boolean {
    if (suppression.id !== ruleId) return false;
    return suppression.appliesTo === undefined || (finding !== undefined && suppression.appliesTo.includes(finding));
  }

  /** A suppression as printed in messages: `APIGW-AUTH1` or `APIGW-AUTH1[stage:TEST,stage:PRE]`. */
  public static label(suppression: Suppression): string {
    return suppression.appliesTo ? `${suppression.id}[${suppression.appliesTo.join(',')}]` : suppression.id;
  }
}
