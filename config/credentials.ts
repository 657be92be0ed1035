/**
 * How an environment's alicloud provider authenticates: settings only, never secrets. An
 * AccessKey pair never goes in config; the provider reads it from the environment
 * (`ALIBABA_CLOUD_ACCESS_KEY_ID`/`ALIBABA_CLOUD_ACCESS_KEY_SECRET`) when no setting here says
 * otherwise. Whatever authenticates, the stacks fail at plan time when the caller is not in the
 * environment's `accountId`.
 */

/** Assume a RAM role (STS AssumeRole) with the base credentials the environment provides. */
export interface AssumeRoleConfig {
  /** ARN of the role, in the environment's account: `acs:ram::<accountId>:role/<name>`. */
  readonly roleArn: string;
  /**
   * Session name recorded in ActionTrail.
   * @default - the provider's default (`terraform`)
   */
  readonly sessionName?: string;
  /**
   * External id the role's trust policy requires (a confused-deputy guard, not a secret).
   * @default - none
   */
  readonly externalId?: string;
}

/** AK-free: assume a RAM role with an OIDC token (STS AssumeRoleWithOIDC), e.g. a CI job's token. */
export interface AssumeRoleWithOidcConfig {
  /** ARN of the role, in the environment's account: `acs:ram::<accountId>:role/<name>`. */
  readonly roleArn: string;
  /** ARN of the RAM OIDC provider trusting the token's issuer: `acs:ram::<accountId>:oidc-provider/<name>`. */
  readonly oidcProviderArn: string;
  /**
   * File holding the OIDC token (the token itself never goes in config).
   * @default - `ALIBABA_CLOUD_OIDC_TOKEN_FILE` from the environment
   */
  readonly oidcTokenFile?: string;
  /**
   * Session name recorded in ActionTrail.
   * @default - the provider's default
   */
  readonly roleSessionName?: string;
}

/** Credential settings of one environment's provider. Set at most one of the three. */
export interface CredentialsConfig {
  /**
   * Named profile of the Alibaba Cloud CLI config (`~/.aliyun/config.json`).
   * @default - the provider's default credential chain
   */
  readonly profile?: string;
  /**
   * A role to assume in the environment's account.
   * @default - no role: the base credentials are used as they are
   */
  readonly assumeRole?: AssumeRoleConfig;
  /**
   * A role to assume with an OIDC token (AK-free).
   * @default - none
   */
  readonly assumeRoleWithOidc?: AssumeRoleWithOidcConfig;
}
