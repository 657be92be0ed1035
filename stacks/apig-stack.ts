import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { ApigAuthorization, ApigGateway, ApigJwtAuthentication, ApigTokenSource, M2mAuthorizationServer } from '../constructs';
import type { ApigConfig } from '../config/apig';
import type { EnvironmentConfig } from '../config/environment';
import { alicloudProvider } from './providers';
import { configureStateBackend } from './state-backend';
import type { EnvironmentStackOptions } from './state-backend';

/**
 * The cloud-native API Gateway side of an environment (`apig-<env>`, when `apig` is configured):
 * a global JWT authentication rule on an existing gateway and environment, trusting the
 * environment's M2M server with the keys recorded in `lookups.lock.json`.
 *
 * Composed only from config: no resource logic lives here.
 */
export class ApigStack extends TerraformStack {
  /** The JWT authentication rule. */
  public readonly authentication: ApigJwtAuthentication;

  public constructor(scope: Construct, id: string, env: EnvironmentConfig & { readonly apig: ApigConfig }, options: EnvironmentStackOptions = {}) {
    super(scope, id);
    configureStateBackend(this, id, env.state, options.localStateDir);
    alicloudProvider(this, env);
    const apig = env.apig;
    const server = new M2mAuthorizationServer(this, 'M2mServer', env.m2mServer);
    const gateway = ApigGateway.fromGatewayAttributes(this, 'Gateway', { gatewayId: apig.gatewayId, environmentId: apig.environmentId });
    const source = apig.tokenSource;
    const rules = (apig.rules ?? []).map((r) => ({ domain: r.domain, path: r.path }));
    this.authentication = new ApigJwtAuthentication(this, 'GlobalJwt', {
      gateway,
      server,
      policyName: apig.policyName,
      subject: apig.subjectClient === undefined ? undefined : env.clients.find((c) => c.name === apig.subjectClient)?.clientId,
      tokenSource: source === undefined ? undefined
        : source.in === 'query' ? ApigTokenSource.query(source.name) : ApigTokenSource.header(source.name, source.prefix ?? ''),
      passThroughToken: apig.passThroughToken,
      authorization: apig.mode === 'blacklist' ? ApigAuthorization.blacklist(rules) : ApigAuthorization.whitelist(rules),
      enabled: apig.enabled,
    });
    new TerraformOutput(this, 'jwt_policy_id', {
      value: this.authentication.resource.id,
      description: 'Id of the APIG JWTAuth policy (global authentication rule)',
    });
  }
}
