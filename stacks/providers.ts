import type { Construct } from 'constructs';
import { AlicloudProvider } from '../.gen/providers/alicloud/provider';
import type { EnvironmentConfig } from '../config/environment';

/**
 * The alicloud provider for an environment: region only. Credentials are never configured here;
 * the provider reads them at plan/apply time from the environment (`ALIBABA_CLOUD_ACCESS_KEY_ID`/
 * `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, a profile, an ECS role) or, AK-free, from
 * `ALIBABA_CLOUD_ROLE_ARN` + `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` + `ALIBABA_CLOUD_OIDC_TOKEN_FILE`
 * (AssumeRoleWithOIDC, e.g. from a CI job's OIDC token). See README, "Credentials".
 */
export function alicloudProvider(scope: Construct, env: EnvironmentConfig): AlicloudProvider {
  return new AlicloudProvider(scope, 'alicloud', { region: env.region });
}
