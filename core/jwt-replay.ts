/**
 * The jti anti-replay policy of the API Gateway JWT plugin (`preventJtiReplay`), shared by the
 * config validation, the JWT plugin construct and the APIGW-JWT2 / APIGW-JWT4 rules.
 *
 * Replay protection is on unless turned off by the reasoned opt-out `allowJtiReplay: { reason }`
 * (config: `gateway.allowJtiReplay`), which is reported as a suppressed `APIGW-JWT4` finding; a
 * plain `preventJtiReplay: false` is refused, and production refuses the opt-out too.
 */

/** What the project renders when replay protection is not opted out of: every token single-use. */
export const PREVENT_JTI_REPLAY_DEFAULT = true;

/**
 * Whether a `preventJtiReplay` setting is allowed in an environment: production requires
 * replay protection (a captured token could otherwise be replayed until it expires); elsewhere
 * it may be turned off through the reasoned opt-out.
 *
 * @param production - whether the environment is production
 * @param preventJtiReplay - the setting; `undefined` means {@link PREVENT_JTI_REPLAY_DEFAULT}
 */
export function isReplaySettingAllowed(production: boolean, preventJtiReplay: boolean | undefined): boolean {
  return !production || (preventJtiReplay ?? PREVENT_JTI_REPLAY_DEFAULT) === true;
}

/**
 * The fix for a plain `preventJtiReplay: false`, for errors of the construct and the config.
 * @param optOut - how the opt-out is written where the error occurs, e.g. `gateway.allowJtiReplay`
 */
export function replayOptOutFix(optOut: string): string {
  return `Remove it (replay protection is on by default) and, where tokens must be reusable, write ${optOut}: { reason: '<why, e.g. a ticket>' }; production environments refuse that opt-out.`;
}
