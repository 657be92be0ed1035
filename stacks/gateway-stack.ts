import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import {
  Api, ApiGroup, Backend, HttpMethod, M2mAuthorizationServer, M2mProtectedApis, Stage, ThrottlingUnit, TokenLocation,
} from '../constructs';
import type { M2mClient } from '../constructs';
import type { EnvironmentConfig } from '../config/environment';
import { alicloudProvider } from './providers';
import { configureStateBackend } from './state-backend';
import type { EnvironmentStackOptions } from './state-backend';

/**
 * The gateway side of an environment: one API group, its HTTP backend and APIs, protected by the
 * JWT Authentication and Parametric Access Control plugins (plus throttling when configured),
 * bound on every stage each API is published to.
 *
 * Composed only from config: no resource logic lives here.
 */
export class GatewayStack extends TerraformStack {
  /** The API group. */
  public readonly group: ApiGroup;
  /** The APIs, by configured name. */
  public readonly apis: ReadonlyMap<string, Api>;
  /** The protection pattern (plugins and bindings). */
  public readonly protection: M2mProtectedApis;

  public constructor(scope: Construct, id: string, env: EnvironmentConfig, options: EnvironmentStackOptions = {}) {
    super(scope, id);
    configureStateBackend(this, id, env.state, options.localStateDir);
    alicloudProvider(this, env);
    const gw = env.gateway;
    const server = new M2mAuthorizationServer(this, 'M2mServer', env.m2mServer);
    const clients = new Map<string, M2mClient>(env.clients.map((c) => [
      c.name, server.addClient(`Client-${c.name}`, { clientId: c.clientId, grantedScopes: c.grantedScopes }),
    ]));
    this.group = new ApiGroup(this, 'Group', { groupName: gw.groupName, description: gw.description, instanceId: gw.instanceId });
    const backend = new Backend(this, 'Backend', { backendName: gw.backendName, address: gw.backendAddress });
    const apis = new Map<string, Api>();
    for (const config of gw.apis) {
      apis.set(config.name, new Api(this, `Api-${config.name}`, {
        group: this.group,
        backend,
        apiName: config.name,
        description: config.description,
        path: config.path,
        method: config.method as HttpMethod,
        backendPath: config.backendPath,
        backendMethod: (config.backendMethod ?? config.method) as HttpMethod,
        stages: (config.stages ?? env.stages).map((s) => s as Stage),
      }));
    }
    this.apis = apis;
    this.protection = new M2mProtectedApis(this, 'Protection', {
      server,
      tokenLocation: gw.tokenLocation === 'query' ? TokenLocation.query('id_token') : TokenLocation.authorizationBearer(),
      preventJtiReplay: gw.preventJtiReplay,
      allowJtiReplay: gw.allowJtiReplay,
      keyId: env.m2mServer.signingKeyId,
      throttling: gw.throttle ? { apiLimit: gw.throttle.requestsPerMinute, unit: ThrottlingUnit.MINUTE } : undefined,
      apis: gw.apis.map((config) => ({
        api: apis.get(config.name) as Api,
        requiredScopes: config.requiredScopes,
        allowedClients: config.allowedClients.map((name) => clients.get(name) as M2mClient),
      })),
    });
    new TerraformOutput(this, 'group_sub_domain', {
      value: this.group.subDomain,
      description: 'Second-level domain of the API group: call https://<this>/<path>',
    });
  }
}
