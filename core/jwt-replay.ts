/**
 * The jti anti-replay policy of the API Gateway JWT plugin (`preventJtiReplay`), shared by the
 * config validation, the JWT plugin construct and the APIGW-JWT2 rule.
 */

/** What the project renders when `preventJtiReplay` is not set: every token single-use. */
export const PREVENT_JTI_REPLAY_DEFAULT = true;

/**
 * Whether a `preventJtiReplay` setting is allowed in an environment: production requires
 * replay protection (a captured token could otherwise be replayed until it expires); elsewhere
 * it may be turned off.
 *
 * @param production - whether the environment is production
 * @param preventJtiReplay - the setting; `undefined` means {@link PREVENT_JTI_REPLAY_DEFAULT}
 */
export function isReplaySettingAllowed(production: boolean, preventJtiReplay: boolean | undefined): boolean {
  return !production || (preventJtiReplay ?? PREVENT_JTI_REPLAY_DEFAULT) === true;
}
