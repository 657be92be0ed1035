import { Construct } from 'constructs';
import type { IM2mAuthorizationServer } from '../m2m/authorization-server';
import type { IM2mClient } from '../m2m/client';
import { invalidProp } from '../private/errors';
import type { SecurityOptOut } from '../security/opt-out';
import { validateScopeName } from '../private/validators';
import { AccessControlPlugin, ScopeMatch } from './access-control-plugin';
import type { DenyResponse } from './access-control-plugin';
import type { IApi } from './api';
import { DenyFirstBaseline } from './deny-first-baseline';
import { JwtAuthPlugin } from './jwt-auth-plugin';
import type { ClaimParameter, TokenLocation } from './jwt-auth-plugin';
import { InstanceType } from './plugin';
import { TrafficControlPlugin } from './traffic-control-plugin';
import type { TrafficControlOptions } from './traffic-control-plugin';
import { builtId } from '../private/construct-id';
import { compareCodeUnits } from '../../core/order';

/** One API to protect and who may call it. */
export interface ProtectedApi {
  /** The API (published to at least one stage). */
  readonly api: IApi;
  /** Scopes the token must hold, from the server's catalog. Must not be empty. */
  readonly requiredScopes: readonly string[];
  /** Clients allowed to call. Must not be empty. */
  readonly allowedClients: readonly IM2mClient[];
  /**
   * Whether every scope or any one scope is required.
   * @default ScopeMatch.ALL_OF
   */
  readonly scopeMatch?: ScopeMatch;
}

/** Properties for {@link M2mProtectedApis}. */
export interface M2mProtectedApisProps {
  /** The M2M authorization server whose tokens are accepted. */
  readonly server: IM2mAuthorizationServer;
  /** The APIs to protect. Must not be empty. */
  readonly apis: readonly ProtectedApi[];
  /**
   * Where callers send the token.
   * @default TokenLocation.authorizationBearer()
   */
  readonly tokenLocation?: TokenLocation;
  /**
   * Claims forwarded to the backends.
   * @default - none
   */
  readonly claimParameters?: readonly ClaimParameter[];
  /**
   * JWT anti-replay (each token accepted once): `true` is accepted, `false` is an error.
   * @deprecated Replay protection is the default; turn it off with `allowJtiReplay: { reason }`.
   * @default true
   */
  readonly preventJtiReplay?: boolean;
  /**
   * Opt-out, with a reason, of JWT anti-replay; reported as a suppressed `APIGW-JWT4` finding on
   * the JWT plugin (production stacks still fail `APIGW-JWT2`).
   * @default - each token is accepted once
   */
  readonly allowJtiReplay?: SecurityOptOut;
  /**
   * `kid` of the signing key to trust when the server has several.
   * @default - the server's only signing key
   */
  readonly keyId?: string;
  /**
   * Opt-out, with a reason, of the audience (`aud`) check in the access-control rules; reported
   * as a suppressed `APIGW-ACL4` finding on each access-control plugin.
   * @default - `aud` is checked
   */
  readonly skipAudienceCheck?: SecurityOptOut;
  /**
   * Response of every denying rule.
   * @default - status 403 and a message per rule
   */
  readonly denyResponse?: DenyResponse;
  /**
   * Throttling applied to every protected API.
   * @default - no throttling plugin
   */
  readonly throttling?: TrafficControlOptions;
  /**
   * Instance type the plugins are sized for.
   * @default - DEDICATED when every API's group is on a dedicated instance, else SHARED
   */
  readonly instanceType?: InstanceType;
}

/**
 * Protects a set of APIs with M2M (client-credentials) tokens from one authorization server:
 * one {@link JwtAuthPlugin}, one {@link AccessControlPlugin} per distinct rule set (allowed
 * clients + required scopes), and optionally one {@link TrafficControlPlugin}, each bound on
 * every stage each API is published to — which is exactly what `APIGW-AUTH1` requires.
 *
 * Deny first: before that, every group and stage an API is published to gets the group's
 * {@link DenyFirstBaseline} (the JWT plugin and a deny-all access-control plugin bound at group
 * level), and each API `depends_on` those bindings, so it is denied from the moment it is
 * published until its own bindings (which override the group's) are in place, and stays denied
 * if an apply stops half-way.
 *
 * Construct ids: `Jwt`, `AccessControl<id of the first API using the rule set>`, `Throttling`;
 * bindings below each plugin are `<api id>-<STAGE>`. Regrouping APIs into different rule sets
 * can rename access-control plugins (and so replace them).
 *
 * @see https://www.alibabacloud.com/help/en/idaas/eiam/user-guide/configure-api-gateway
 * @example
 * new M2mProtectedApis(stack, 'Protection', {
 *   server,
 *   apis: [{ api: hello, requiredScopes: ['user:read:one'], allowedClients: [reporting] }],
 *   throttling: { apiLimit: 600 },
 * });
 */
export class M2mProtectedApis extends Construct {
  /** The JWT plugin shared by all APIs. */
  public readonly jwtPlugin: JwtAuthPlugin;
  /** The access-control plugins, one per distinct rule set. */
  public readonly accessControlPlugins: readonly AccessControlPlugin[];
  /** The throttling plugin, when `throttling` is given. */
  public readonly trafficControlPlugin?: TrafficControlPlugin;
  private readonly aclByApi = new Map<IApi, AccessControlPlugin>();

  public constructor(scope: Construct, id: string, props: M2mProtectedApisProps) {
    super(scope, id);
    const { server } = props;
    if (!server) throw invalidProp(this, 'server', 'is required', server, 'Pass the M2mAuthorizationServer whose tokens the APIs accept.');
    if (!props.apis || props.apis.length === 0) {
      throw invalidProp(this, 'apis', 'must not be empty', props.apis ?? [], 'List the APIs to protect with their required scopes and allowed clients.');
    }
    props.apis.forEach((entry, i) => {
      const prop = `apis[${i}]`;
      if (props.apis.findIndex((e) => e.api === entry.api) !== i) {
        throw invalidProp(this, `${prop}.api`, 'is listed twice', entry.api.node.path, 'List each API once.');
      }
      if (entry.api.stages.length === 0) {
        throw invalidProp(this, `${prop}.api`, 'is not published to any stage, so nothing would protect it once published', entry.api.node.path,
          'Publish it (ApiProps.stages) so the plugins are bound on those stages.');
      }
      if (!entry.requiredScopes || entry.requiredScopes.length === 0) {
        throw invalidProp(this, `${prop}.requiredScopes`, 'must not be empty', entry.requiredScopes ?? [], 'Require at least one scope of the M2M server.');
      }
      entry.requiredScopes.forEach((s, j) => validateScopeName(this, `${prop}.requiredScopes[${j}]`, s));
      server.assertScopes(this, `${prop}.requiredScopes`, entry.requiredScopes);
      if (!entry.allowedClients || entry.allowedClients.length === 0) {
        throw invalidProp(this, `${prop}.allowedClients`, 'must not be empty', entry.allowedClients ?? [], 'List the M2M clients allowed to call the API.');
      }
    });

    const instanceType = props.instanceType
      ?? (props.apis.every((e) => e.api.group.instanceType === InstanceType.DEDICATED) ? InstanceType.DEDICATED : InstanceType.SHARED);

    this.jwtPlugin = new JwtAuthPlugin(this, 'Jwt', {
      server,
      tokenLocation: props.tokenLocation,
      claimParameters: props.claimParameters,
      preventJtiReplay: props.preventJtiReplay,
      allowJtiReplay: props.allowJtiReplay,
      keyId: props.keyId,
      instanceType,
    });
    this.trafficControlPlugin = props.throttling
      ? new TrafficControlPlugin(this, 'Throttling', { ...props.throttling, instanceType })
      : undefined;

    const bySet = new Map<string, AccessControlPlugin>();
    for (const entry of props.apis) {
      const scopes = [...new Set(entry.requiredScopes)].sort();
      const clients = [...entry.allowedClients].sort((a, b) => compareCodeUnits(a.clientId, b.clientId));
      const match = entry.scopeMatch ?? ScopeMatch.ALL_OF;
      const key = JSON.stringify({ scopes, clients: clients.map((c) => c.clientId), match });
      let acl = bySet.get(key);
      if (!acl) {
        let aclId = `AccessControl${entry.api.node.id}`;
        for (let n = 2; this.node.tryFindChild(aclId); n++) aclId = `AccessControl${entry.api.node.id}${n}`;
        acl = new AccessControlPlugin(this, builtId(aclId), {
          instanceType,
          m2m: { server, allowedClients: clients, requiredScopes: scopes, scopeMatch: match, skipAudienceCheck: props.skipAudienceCheck, denyResponse: props.denyResponse },
        });
        bySet.set(key, acl);
      }
      this.aclByApi.set(entry.api, acl);
      // Deny first: the group baseline is bound on the API's stages before the API is published.
      DenyFirstBaseline.of(entry.api.group, this.jwtPlugin).protect(entry.api);
      this.jwtPlugin.bindToApi(entry.api);
      acl.bindToApi(entry.api);
      this.trafficControlPlugin?.bindToApi(entry.api);
    }
    this.accessControlPlugins = [...bySet.values()];
  }

  /** The access-control plugin protecting `api`. */
  public accessControlPluginFor(api: IApi): AccessControlPlugin {
    const acl = this.aclByApi.get(api);
    if (!acl) throw invalidProp(this, 'api', 'is not protected by this construct', api.node.path);
    return acl;
  }
}
