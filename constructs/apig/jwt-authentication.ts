import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { ApigPolicy } from '../../.gen/providers/alicloud/apig-policy';
import { PRIVATE_JWK_MEMBERS } from '../../core/jwk';
import type { KeyFact } from '../../core/issuer-facts';
import type { M2mAuthorizationServer } from '../m2m/authorization-server';
import { invalidProp } from '../private/errors';
import { domainDefect, pathDefect } from './auth-rule-match';
import type { IApigGateway } from './gateway';
import {
  ApigAttachResourceType, ApigAttachment, ApigAuthorization, ApigAuthorizationMode, ApigTokenPosition, ApigTokenSource,
} from './jwt-auth-options';
import { APIG_JWT_AUTH_CONFIG_KEYS, renderJwtAuthPolicyConfig } from './policy-config';
import type { ApigJwtAuthConfigKeyNames, ApigJwtAuthSettings } from './policy-config';
import { lean } from '../private/lean-resource';

const LeanApigPolicy = /* @__PURE__ */ lean(ApigPolicy);

/** Properties for {@link ApigJwtAuthentication}; each console field of "Create Authentication" has one. */
export interface ApigJwtAuthenticationProps {
  /** The gateway (and environment) the rule belongs to. */
  readonly gateway: IApigGateway;
  /**
   * Console: Issuer. The M2M server whose tokens are accepted: its issuer URL becomes the
   * required `iss`, and every public signing key of its JWKS, as recorded in
   * `lookups.lock.json`, becomes the JWKS (old and new keys during a rotation). Never pasted.
   */
  readonly server: M2mAuthorizationServer;
  /**
   * Console: Authentication Name (`policy_name`; unique per gateway, required for JWTAuth).
   * Letters, digits, `-` and `_`, at most 64 characters.
   */
  readonly policyName: string;
  /**
   * Console: Sub. Only tokens whose `sub` is exactly this value are accepted (for an M2M
   * token: the client id).
   * @default - any subject the issuer signs for
   */
  readonly subject?: string;
  /**
   * Console: JWT Token (Type, Key, Prefix).
   * @default ApigTokenSource.authorizationBearer() - header `Authorization`, prefix `Bearer `
   */
  readonly tokenSource?: ApigTokenSource;
  /**
   * Console: Enable Passthrough. Forwards the token to the backend (`APIG-JWT6`, informational).
   * @default false
   */
  readonly passThroughToken?: boolean;
  /**
   * Console: Authorization (mode and rule conditions).
   * @default ApigAuthorization.whitelist([]) - every request needs a valid token
   */
  readonly authorization?: ApigAuthorization;
  /**
   * Console: Enable. A disabled rule authenticates nothing (`APIG-JWT5` warns).
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * What the policy is attached to.
   * @default ApigAttachment.gateway() - the whole gateway (global authentication)
   */
  readonly attachTo?: ApigAttachment;
  /**
   * Renames keys of the rendered `policy_config` (default name → name to render), to correct
   * an unconfirmed key without forking; see {@link renderJwtAuthPolicyConfig} for the evidence
   * behind each default name.
   * @default - the default names
   */
  readonly policyConfigKeyNames?: ApigJwtAuthConfigKeyNames;
}

const POLICY_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const TOKEN_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const MAX_ATTACH_IDS = 10;
const MAX_RULES = 100;

/**
 * Defines a cloud-native API Gateway JWT authentication rule (`alicloud_apig_policy`,
 * `policy_class_name = "JWTAuth"`), by default global: attached to the whole gateway.
 *
 * The issuer and its public keys come from the M2M server reference and `lookups.lock.json`
 * (never pasted). `policy_config` is canonical JSON rendered by {@link renderJwtAuthPolicyConfig}.
 * Secure defaults: enabled, whitelist mode with nothing exempt (every request needs a valid
 * token), token in `Authorization: Bearer`, no passthrough.
 *
 * Security rules it can trigger: `APIG-JWT1` (issuer or keys), `APIG-JWT2` (blacklist mode),
 * `APIG-JWT3` (empty blacklist), `APIG-JWT4` (whitelisted catch-all path), `APIG-JWT5`
 * (disabled), `APIG-JWT6` (passthrough, informational).
 *
 * @see https://www.alibabacloud.com/help/en/api-gateway/cloud-native-api-gateway/user-guide/configure-jwt-authentication
 * @see https://registry.terraform.io/providers/aliyun/alicloud/1.292.0/docs/resources/apig_policy
 * @example
 * new ApigJwtAuthentication(stack, 'GlobalJwt', {
 *   gateway: ApigGateway.fromGatewayAttributes(stack, 'Gateway', { gatewayId: 'gw-…', environmentId: 'env-…' }),
 *   server, policyName: 'm2m-jwt',
 *   authorization: ApigAuthorization.whitelist([{ domain: 'api.example.com', path: '/health' }]),
 * });
 */
export class ApigJwtAuthentication extends Construct {
  /** The L1 resource. */
  public readonly resource: ApigPolicy;
  /** The rendered `policy_config` (canonical JSON). */
  public readonly policyConfig: string;
  /** The public keys configured (all signing keys of the issuer's recorded JWKS). */
  public readonly keys: readonly KeyFact[];

  public constructor(scope: Construct, id: string, props: ApigJwtAuthenticationProps) {
    super(scope, id);
    if (!props.gateway) throw invalidProp(this, 'gateway', 'is required', props.gateway, 'Pass ApigGateway.fromGatewayAttributes(scope, id, { gatewayId, environmentId }).');
    if (!props.server) throw invalidProp(this, 'server', 'is required', props.server, 'Pass the M2mAuthorizationServer whose tokens the gateway accepts.');
    if (typeof props.policyName !== 'string' || !POLICY_NAME.test(props.policyName)) {
      throw invalidProp(this, 'policyName', 'must be 1-64 letters, digits, "-" or "_", starting with a letter or digit', props.policyName);
    }
    if (props.subject !== undefined && (typeof props.subject !== 'string' || props.subject.trim() === '' || props.subject !== props.subject.trim())) {
      throw invalidProp(this, 'subject', 'must be the exact, non-empty sub claim (no surrounding spaces)', props.subject, 'Omit it to accept any subject of the issuer.');
    }
    const source = props.tokenSource ?? ApigTokenSource.authorizationBearer();
    if (!(source instanceof ApigTokenSource) || !TOKEN_NAME.test(source.name)) {
      throw invalidProp(this, 'tokenSource', 'must name a header or query parameter (an HTTP token: letters, digits and !#$%&\'*+.^_`|~-)', source?.name,
        'Use ApigTokenSource.authorizationBearer(), ApigTokenSource.header("X-Token") or ApigTokenSource.query("access_token").');
    }
    if (/[\r\n]/.test(source.prefix)) throw invalidProp(this, 'tokenSource.prefix', 'must not contain line breaks', source.prefix);
    const passThroughToken = props.passThroughToken ?? false;
    if (typeof passThroughToken !== 'boolean') throw invalidProp(this, 'passThroughToken', 'must be a boolean', passThroughToken);
    const enabled = props.enabled ?? true;
    if (typeof enabled !== 'boolean') throw invalidProp(this, 'enabled', 'must be a boolean', enabled);
    const authorization = props.authorization ?? ApigAuthorization.whitelist([]);
    if (!(authorization instanceof ApigAuthorization)) {
      throw invalidProp(this, 'authorization', 'must be ApigAuthorization.whitelist(...) or ApigAuthorization.blacklist(...)', authorization);
    }
    this.checkRules(authorization);
    const attachment = props.attachTo ?? ApigAttachment.gateway();
    if (!(attachment instanceof ApigAttachment)) throw invalidProp(this, 'attachTo', 'must be an ApigAttachment', attachment, 'Use ApigAttachment.gateway(), domains(ids), httpApis(ids), operations(ids) or routes(ids).');
    const attachIds = this.attachIds(attachment, props.gateway);
    const keyNames = this.checkKeyNames(props.policyConfigKeyNames ?? {});

    this.keys = this.signingKeys(props.server);
    const settings: ApigJwtAuthSettings = {
      enabled,
      issuer: props.server.issuer,
      subject: props.subject,
      jwks: { keys: this.keys.map(publicJwk) },
      tokenPosition: source.position === ApigTokenPosition.QUERY ? 'QUERY' : 'HEADER',
      tokenName: source.name,
      tokenNamePrefix: source.prefix,
      tokenPass: passThroughToken,
      whitelist: authorization.mode === ApigAuthorizationMode.WHITELIST,
      resources: authorization.rules.map((r) => ({ domain: r.domain, path: r.path })),
    };
    this.policyConfig = renderJwtAuthPolicyConfig(settings, keyNames);
    this.resource = new LeanApigPolicy(this, 'Resource', {
      policyName: props.policyName,
      policyClassName: 'JWTAuth',
      policyConfig: this.policyConfig,
      attachResourceType: attachment.type,
      attachResourceIds: attachIds,
      gatewayId: props.gateway.gatewayId,
      environmentId: props.gateway.environmentId,
    });
  }

  private checkRules(authorization: ApigAuthorization): void {
    const rules = authorization.rules ?? [];
    if (rules.length > MAX_RULES) throw invalidProp(this, 'authorization.rules', `must have at most ${MAX_RULES} conditions`, rules.length);
    const seen = new Set<string>();
    rules.forEach((rule, i) => {
      const where = `authorization.rules[${i}]`;
      const domainProblem = domainDefect(rule?.domain);
      if (domainProblem) throw invalidProp(this, `${where}.domain`, domainProblem, rule?.domain);
      const pathProblem = pathDefect(rule.path);
      if (pathProblem) throw invalidProp(this, `${where}.path`, pathProblem, rule.path);
      const key = `${rule.domain.toLowerCase()} ${rule.path}`;
      if (seen.has(key)) throw invalidProp(this, where, 'repeats another condition', rule, 'List each domain and path once.');
      seen.add(key);
    });
  }

  private attachIds(attachment: ApigAttachment, gateway: IApigGateway): string[] {
    if (attachment.type === ApigAttachResourceType.GATEWAY) return [gateway.gatewayId];
    const ids = [...attachment.ids];
    if (ids.length === 0 || ids.length > MAX_ATTACH_IDS) {
      throw invalidProp(this, 'attachTo', `must list 1 to ${MAX_ATTACH_IDS} ${attachment.type} ids`, ids);
    }
    ids.forEach((value, i) => {
      if (!Token.isUnresolved(value) && (typeof value !== 'string' || !/^[A-Za-z0-9_-]+$/.test(value))) {
        throw invalidProp(this, `attachTo.ids[${i}]`, `must be a ${attachment.type} id`, value);
      }
    });
    if (new Set(ids).size !== ids.length) throw invalidProp(this, 'attachTo', 'lists an id twice', ids);
    return ids;
  }

  private checkKeyNames(names: ApigJwtAuthConfigKeyNames): ApigJwtAuthConfigKeyNames {
    const rendered = new Map<string, string>();
    for (const [key, name] of Object.entries(names)) {
      if (!(APIG_JWT_AUTH_CONFIG_KEYS as readonly string[]).includes(key)) {
        throw invalidProp(this, `policyConfigKeyNames.${key}`, 'is not a JWTAuth policy_config key', key, `Use one of: ${APIG_JWT_AUTH_CONFIG_KEYS.join(', ')}.`);
      }
      if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
        throw invalidProp(this, `policyConfigKeyNames.${key}`, 'must be a key name (a letter, then letters, digits or "_")', name);
      }
    }
    // Collisions are checked per JSON object: the rule entries' keys live one level down.
    const top = APIG_JWT_AUTH_CONFIG_KEYS.filter((k) => k !== 'domain' && k !== 'path');
    for (const group of [top, ['domain', 'path'] as const]) {
      rendered.clear();
      for (const key of group) {
        const name = names[key] ?? key;
        const other = rendered.get(name);
        if (other) throw invalidProp(this, `policyConfigKeyNames.${key}`, `renders the same name as '${other}'`, name);
        rendered.set(name, key);
      }
    }
    return names;
  }

  private signingKeys(server: M2mAuthorizationServer): KeyFact[] {
    const keys = server.signingKeys.filter((k) => k.use === undefined || k.use === 'sig');
    if (keys.length === 0) {
      throw invalidProp(this, 'server', 'has no public signing key in its recorded JWKS', server.issuer, 'Run `npm run lookups -- --refresh` to record the server\'s keys.');
    }
    for (const key of keys) {
      const leaked = PRIVATE_JWK_MEMBERS.filter((m) => m in key.jwk);
      if (leaked.length > 0 || !['RSA', 'EC', 'OKP'].includes(key.kty)) {
        throw invalidProp(this, 'server', `has a recorded key that is not a public RSA, EC or OKP key (${key.kty}${leaked.length ? `, private members ${leaked.join(', ')}` : ''})`, key.kid,
          'Re-record the JWKS with `npm run lookups -- --refresh`; the lookup refuses private keys.');
      }
    }
    return keys;
  }
}

/** The public JWK as recorded, with its kid, alg and use. */
function publicJwk(key: KeyFact): Readonly<Record<string, string>> {
  const jwk: Record<string, string> = { ...key.jwk, kty: key.kty };
  if (key.kid !== undefined) jwk.kid = key.kid;
  if (key.alg !== undefined) jwk.alg = key.alg;
  if (key.use !== undefined) jwk.use = key.use;
  return jwk;
}
