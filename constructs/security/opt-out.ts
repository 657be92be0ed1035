import type { IConstruct } from 'constructs';
import { invalidProp } from '../private/errors';
import { MIN_REASON_LENGTH, isExplainedReason } from '../../core/opt-out';
import type { SecurityOptOut } from '../../core/opt-out';
import { Suppressions } from './suppressions';

export type { SecurityOptOut } from '../../core/opt-out';

/** Where {@link recordOptOut} records an opt-out. */
export interface OptOutRecord {
  /** Construct whose resources the rule reports on (the suppression is inherited by its children). */
  readonly target: IConstruct;
  /** Rule whose finding the opt-out accepts, e.g. `APIGW-ACL4`. */
  readonly ruleId: string;
  /**
   * Granular findings it covers, e.g. `['stage:TEST']`.
   * @default - every finding of the rule on the target
   */
  readonly appliesTo?: readonly string[];
}

/**
 * Validates an opt-out written as the prop `prop` of `scope` and records it as a suppression of
 * `record.ruleId` on `record.target`. The reason is prefixed with the prop so the finding says
 * which opt-out it comes from.
 *
 * @returns the trimmed reason
 * @throws Error naming the construct and the prop when the opt-out is not `{ reason }` with a
 *   reason of at least {@link MIN_REASON_LENGTH} characters
 */
export function recordOptOut(scope: IConstruct, prop: string, optOut: SecurityOptOut, record: OptOutRecord): string {
  const reason = checkOptOut(scope, prop, optOut);
  Suppressions.add(record.target, [{ id: record.ruleId, reason: `${prop}: ${reason}`, appliesTo: record.appliesTo }]);
  return reason;
}

/**
 * Validates the shape of an opt-out without recording it (for callers that record it elsewhere).
 * @returns the trimmed reason
 */
export function checkOptOut(scope: IConstruct, prop: string, optOut: SecurityOptOut): string {
  if (optOut === null || typeof optOut !== 'object' || Array.isArray(optOut)) {
    throw invalidProp(scope, prop, 'must be an opt-out object { reason }', optOut, `Write ${prop}: { reason: '<why this is acceptable, e.g. a ticket>' }, or omit it to keep the secure default.`);
  }
  const reason = optOut.reason;
  if (!isExplainedReason(reason)) {
    throw invalidProp(scope, `${prop}.reason`, `must explain the opt-out in at least ${MIN_REASON_LENGTH} characters`, reason,
      'Say why the weaker setting is acceptable here (e.g. a ticket), or omit the opt-out to keep the secure default.');
  }
  return reason.trim();
}
