import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { M2mAuthorizationServer, OidcProvider, OidcRole } from '../constructs';
import type { EnvironmentConfig } from '../config/environment';
import { alicloudProvider } from './providers';
import { configureStateBackend } from './state-backend';
import type { EnvironmentStackOptions } from './state-backend';

/**
 * The federation side of an environment: a RAM OIDC identity provider for the M2M server and
 * the RAM roles its clients assume with their tokens (AssumeRoleWithOIDC), with their policies.
 *
 * Outputs the provider ARN and each role ARN, the two values a caller passes to
 * AssumeRoleWithOIDC.
 */
export class FederationStack extends TerraformStack {
  /** The OIDC identity provider. */
  public readonly oidcProvider: OidcProvider;
  /** The roles, by configured name. */
  public readonly roles: ReadonlyMap<string, OidcRole>;

  public constructor(scope: Construct, id: string, env: EnvironmentConfig, options: EnvironmentStackOptions = {}) {
    super(scope, id);
    configureStateBackend(this, id, env.state, options.localStateDir);
    alicloudProvider(this, env);
    const server = new M2mAuthorizationServer(this, 'M2mServer', env.m2mServer);
    this.oidcProvider = OidcProvider.forM2mServer(this, 'OidcProvider', server, {
      oidcProviderName: env.federation.providerName,
      issuanceLimitHours: env.federation.issuanceLimitHours,
      expectedFingerprints: env.m2mServer.expectedFingerprints,
      description: `IDaaS M2M issuer for ${env.name}`,
    });
    new TerraformOutput(this, 'oidc_provider_arn', {
      value: this.oidcProvider.oidcProviderArn,
      description: 'OIDCProviderArn for AssumeRoleWithOIDC',
    });
    const roles = new Map<string, OidcRole>();
    for (const config of env.federation.roles) {
      const role = new OidcRole(this, `Role-${config.name}`, {
        provider: this.oidcProvider,
        roleName: config.name,
        description: config.description,
        allowedSubjects: config.subjects,
        maxSessionDurationSeconds: config.maxSessionDurationSeconds,
      });
      for (const policy of config.systemPolicies) role.attachSystemPolicy(policy);
      new TerraformOutput(this, `role_arn_${config.name.replace(/[^A-Za-z0-9_]/g, '_')}`, {
        value: role.roleArn,
        description: `RoleArn of ${config.name} for AssumeRoleWithOIDC`,
      });
      roles.set(config.name, role);
    }
    this.roles = roles;
  }
}
