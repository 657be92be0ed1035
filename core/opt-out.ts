/**
 * The shape of a security opt-out and how long its reason must be, shared by the constructs
 * (which record opt-outs as suppressions) and the config validation (which checks the opt-outs
 * written in `config/`).
 */

/** Shortest accepted reason of a suppression or a security opt-out, in characters (after trimming). */
export const MIN_REASON_LENGTH = 10;

/**
 * An explicit, reasoned opt-out of a secure default. Every opt-out of the library has this one
 * shape (e.g. `bypassEmptyToken`, `skipAudienceCheck`, `allowPlainHttp`, `allowJtiReplay`), and
 * each one is recorded as the suppression of its own security rule, so the synth reports it as a
 * finding (with the reason) under a stable rule id instead of silently accepting a weaker setting.
 *
 * @example
 * new Api(stack, 'Legacy', { ..., protocol: ApiProtocol.HTTP_AND_HTTPS, allowPlainHttp: { reason: 'Legacy devices without TLS until 2027-03 (#118)' } });
 */
export interface SecurityOptOut {
  /** Why the weaker setting is acceptable here: at least 10 characters, e.g. with a ticket reference. */
  readonly reason: string;
}

/** Whether `reason` is a string explaining an opt-out or suppression in at least {@link MIN_REASON_LENGTH} characters. */
export function isExplainedReason(reason: unknown): reason is string {
  return typeof reason === 'string' && reason.trim().length >= MIN_REASON_LENGTH;
}
