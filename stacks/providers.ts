import type { Construct } from 'constructs';
import { AlicloudProvider } from '../.gen/providers/alicloud/provider';
import type { AlicloudProviderConfig } from '../.gen/providers/alicloud/provider';
import { ExpectedAccount } from '../constructs';
import type { EnvironmentConfig } from '../config/environment';

/**
 * The alicloud provider for an environment: its region and the credential settings of
 * `env.credentials` (a profile or a role to assume, never secrets), plus the {@link ExpectedAccount}
 * check that fails the plan when the caller is not in `env.accountId`.
 *
 * Without settings the provider reads credentials at plan/apply time from the environment
 * (`ALIBABA_CLOUD_ACCESS_KEY_ID`/`ALIBABA_CLOUD_ACCESS_KEY_SECRET`, a profile, an ECS role) or,
 * AK-free, from `ALIBABA_CLOUD_ROLE_ARN` + `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` +
 * `ALIBABA_CLOUD_OIDC_TOKEN_FILE`. See README, "Environments, state and credentials".
 */
export function alicloudProvider(scope: Construct, env: EnvironmentConfig): AlicloudProvider {
  const c = env.credentials ?? {};
  const config: AlicloudProviderConfig = {
    region: env.region,
    profile: c.profile,
    assumeRole: c.assumeRole ? {
      roleArn: c.assumeRole.roleArn,
      sessionName: c.assumeRole.sessionName,
      externalId: c.assumeRole.externalId,
    } : undefined,
    assumeRoleWithOidc: c.assumeRoleWithOidc ? {
      roleArn: c.assumeRoleWithOidc.roleArn,
      oidcProviderArn: c.assumeRoleWithOidc.oidcProviderArn,
      oidcTokenFile: c.assumeRoleWithOidc.oidcTokenFile,
      roleSessionName: c.assumeRoleWithOidc.roleSessionName,
    } : undefined,
  };
  const provider = new AlicloudProvider(scope, 'alicloud', config);
  new ExpectedAccount(scope, 'ExpectedAccount', {
    accountId: env.accountId,
    hint: `Environment '${env.name}' sets accountId ${env.accountId} in config/: use credentials of that account (README: Environments, state and credentials).`,
  });
  return provider;
}
