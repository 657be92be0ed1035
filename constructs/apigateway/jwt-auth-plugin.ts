import { Token } from 'cdktf';
import type { Construct } from 'constructs';
import type { KeyFact } from '../../core/issuer-facts';
import { PRIVATE_JWK_MEMBERS } from '../../core/jwk';
import { PREVENT_JTI_REPLAY_DEFAULT, replayOptOutFix } from '../../core/jwt-replay';
import type { IM2mAuthorizationServer } from '../m2m/authorization-server';
import { invalidProp } from '../private/errors';
import { recordOptOut } from '../security/opt-out';
import type { SecurityOptOut } from '../security/opt-out';
import type { IApi } from './api';
import type { IApiGroup } from './api-group';
import { GatewayPlugin, PluginType } from './plugin';
import type { GatewayPluginOptions, PluginScript } from './plugin';
import { ensureTokenParameter, requireGroupTokenParameter } from './registry';

/** Where the JWT plugin reads the token from. */
export class TokenLocation {
  /**
   * `Authorization: Bearer <token>` (RFC 6750): `parameter: Authorization`,
   * `parameterLocation: header`. Keeps tokens out of URLs, access logs and caches.
   */
  public static authorizationBearer(): TokenLocation {
    return new TokenLocation('Authorization', 'header');
  }
  /** A request header carrying the bare token, e.g. `X-Token`. */
  public static header(name: string): TokenLocation {
    return new TokenLocation(name, 'header');
  }
  /**
   * A query parameter, e.g. `id_token` as in the seed. In MAPPING mode the parameter is declared
   * on each API the plugin is bound to. Query strings end up in logs: prefer a header.
   */
  public static query(name: string): TokenLocation {
    return new TokenLocation(name, 'query');
  }
  private constructor(
    /** `parameter`: the name of the header or query parameter. */
    public readonly parameter: string,
    /** `parameterLocation`: `header` or `query`. */
    public readonly parameterLocation: 'header' | 'query',
  ) {}
}

/** Where a claim is passed to the backend. */
export enum ClaimParameterLocation {
  /** Query parameter. */
  QUERY = 'query',
  /** Header. */
  HEADER = 'header',
  /** Path parameter. */
  PATH = 'path',
  /** Form field. */
  FORM_DATA = 'formData',
}

/** A JWT claim forwarded to the backend as a parameter (`claimParameters`). */
export interface ClaimParameter {
  /** Claim name, e.g. `client_id`. */
  readonly claimName: string;
  /** Backend parameter name. */
  readonly parameterName: string;
  /** Backend parameter location. */
  readonly location: ClaimParameterLocation;
}

/**
 * Explicit opt-in to let requests without a token through (`bypassEmptyToken: true`): the
 * library's one opt-out shape, recorded as the suppression of `APIGW-JWT1` on this plugin.
 */
export type JwtBypassEmptyToken = SecurityOptOut;

/** Properties for {@link JwtAuthPlugin}. */
export interface JwtAuthPluginProps extends GatewayPluginOptions {
  /** The M2M server whose tokens are accepted; its public key comes from the synth-time JWKS lookup. */
  readonly server: IM2mAuthorizationServer;
  /**
   * Where the token is read from.
   * @default TokenLocation.authorizationBearer()
   */
  readonly tokenLocation?: TokenLocation;
  /**
   * Claims forwarded to the backend.
   * @default - none
   */
  readonly claimParameters?: readonly ClaimParameter[];
  /**
   * Whether a token's `jti` may be used only once (anti-replay). Always on unless
   * `allowJtiReplay` is given: `true` is accepted, `false` is an error.
   * @deprecated Replay protection is the default; turn it off with `allowJtiReplay: { reason }`.
   * @default true
   */
  readonly preventJtiReplay?: boolean;
  /**
   * Opt-out, with a reason, of jti anti-replay (renders `preventJtiReplay: false`). Secure
   * default: every token is accepted once, so M2M clients fetch a fresh token per call. The
   * opt-out is recorded as the suppression of `APIGW-JWT4` on this plugin; `APIGW-JWT2` still
   * fails production stacks.
   * @default - a token's `jti` is accepted only once (`preventJtiReplay: true`)
   */
  readonly allowJtiReplay?: SecurityOptOut;
  /**
   * Let requests without a token through to the backend. Never by default.
   * @default - requests without a token are rejected (`bypassEmptyToken: false`)
   */
  readonly bypassEmptyToken?: JwtBypassEmptyToken;
  /**
   * `kid` of the signing key to trust when the server's JWKS holds several. The gateway checks
   * a token's `kid` against the configured key, so tokens signed with another key are rejected.
   * @default - the server's only signing key (an error when there are several)
   */
  readonly keyId?: string;
}

/** The rendered script with the values the plugin keeps. */
interface JwtAuthScript extends PluginScript {
  readonly tokenLocation: TokenLocation;
  readonly key: KeyFact;
}

const NAME = /^[A-Za-z0-9_.-]+$/;
const CLAIM = /^[A-Za-z0-9_:.-]+$/;

/**
 * Defines a JWT Authentication plugin (`jwtAuth`) trusting one M2M authorization server.
 *
 * The public key is taken from the server's synth-time JWKS lookup (`lookups.lock.json`),
 * never pasted by hand, with its `kid`. Secure defaults: `bypassEmptyToken: false`,
 * `ignoreExpirationCheck: false`, `preventJtiReplay: true`, token in the `Authorization` header.
 *
 * The plugin verifies signature and expiry only; it has no documented issuer or audience
 * check, so pair it with an {@link AccessControlPlugin} (`m2m.checkAudience`).
 *
 * Only one key is rendered (`jwk:`): the gateway documents that several JWKs can be
 * configured, but the exact multi-key field could not be confirmed, so with several keys
 * you pick one with `keyId` (re-run the lookup and redeploy on rotation).
 *
 * Security rules it can trigger: `APIGW-JWT1` (bypassEmptyToken), `APIGW-JWT4` (replay
 * protection off: allowJtiReplay), `APIGW-JWT2` (the same in production), `APIGW-JWT3`
 * (ignoreExpirationCheck), `APIGW-LIM1`.
 *
 * @see https://www.alibabacloud.com/help/en/api-gateway/traditional-api-gateway/user-guide/jwt-authentication
 * @see https://www.alibabacloud.com/help/en/idaas/eiam/user-guide/configure-api-gateway
 * @example
 * const jwt = new JwtAuthPlugin(stack, 'Jwt', { server, tokenLocation: TokenLocation.query('id_token') });
 * jwt.bindToApi(api);
 */
export class JwtAuthPlugin extends GatewayPlugin {
  /** Where the token is read from. */
  public readonly tokenLocation: TokenLocation;
  /** The signing key the plugin trusts. */
  public readonly key: KeyFact;

  public constructor(scope: Construct, id: string, props: JwtAuthPluginProps) {
    let rendered!: JwtAuthScript;
    super(scope, id, PluginType.JWT_AUTH, props, (plugin) => (rendered = JwtAuthPlugin.render(plugin, props)));
    this.tokenLocation = rendered.tokenLocation;
    this.key = rendered.key;
  }

  /** Validates the props, selects the key and returns the script. */
  private static render(plugin: GatewayPlugin, props: JwtAuthPluginProps): JwtAuthScript {
    if (!props.server) throw invalidProp(plugin, 'server', 'is required', props.server, 'Pass the M2mAuthorizationServer whose tokens the API accepts.');
    const location = props.tokenLocation ?? TokenLocation.authorizationBearer();
    if (!(location instanceof TokenLocation) || !NAME.test(location.parameter)) {
      throw invalidProp(plugin, 'tokenLocation', 'must name a header or query parameter (letters, digits, "_", "." or "-")', location?.parameter,
        'Use TokenLocation.authorizationBearer(), TokenLocation.header("X-Token") or TokenLocation.query("id_token").');
    }

    const claimParameters = (props.claimParameters ?? []).map((c, i) => {
      const prop = `claimParameters[${i}]`;
      if (!CLAIM.test(c.claimName ?? '')) throw invalidProp(plugin, `${prop}.claimName`, 'must be a claim name (letters, digits, "_", ":", "." or "-")', c.claimName);
      if (!NAME.test(c.parameterName ?? '')) throw invalidProp(plugin, `${prop}.parameterName`, 'must be letters, digits, "_", "." or "-"', c.parameterName);
      if (!Object.values(ClaimParameterLocation).includes(c.location)) {
        throw invalidProp(plugin, `${prop}.location`, 'is not a claim parameter location', c.location, 'Use ClaimParameterLocation.QUERY, HEADER, PATH or FORM_DATA.');
      }
      return { claimName: c.claimName, parameterName: c.parameterName, location: c.location };
    });
    claimParameters.forEach((c, i) => {
      if (claimParameters.findIndex((o) => o.parameterName === c.parameterName && o.location === c.location) !== i) {
        throw invalidProp(plugin, `claimParameters[${i}].parameterName`, `is already mapped in ${c.location}`, c.parameterName, 'Map each backend parameter once.');
      }
    });

    if (props.bypassEmptyToken !== undefined) recordOptOut(plugin, 'bypassEmptyToken', props.bypassEmptyToken, { target: plugin, ruleId: 'APIGW-JWT1' });
    if (props.preventJtiReplay !== undefined && props.preventJtiReplay !== true) {
      throw invalidProp(plugin, 'preventJtiReplay', 'must not turn replay protection off: that is the reasoned opt-out allowJtiReplay', props.preventJtiReplay,
        replayOptOutFix('allowJtiReplay'));
    }
    if (props.allowJtiReplay !== undefined) {
      if (props.preventJtiReplay === true) throw invalidProp(plugin, 'preventJtiReplay', 'contradicts allowJtiReplay', true, 'Remove one of the two.');
      recordOptOut(plugin, 'allowJtiReplay', props.allowJtiReplay, { target: plugin, ruleId: 'APIGW-JWT4' });
    }
    const preventJtiReplay = props.allowJtiReplay === undefined ? PREVENT_JTI_REPLAY_DEFAULT : false;

    const key = JwtAuthPlugin.selectKey(plugin, props.server, props.keyId);
    const script: Record<string, unknown> = {
      parameter: location.parameter,
      parameterLocation: location.parameterLocation,
      bypassEmptyToken: props.bypassEmptyToken !== undefined,
    };
    if (claimParameters.length > 0) script.claimParameters = claimParameters;
    script.preventJtiReplay = preventJtiReplay;
    script.ignoreExpirationCheck = false;
    script.jwk = renderJwk(key);
    return { script, tokenLocation: location, key };
  }

  protected onBindApi(api: IApi): void {
    if (this.tokenLocation.parameterLocation === 'query') ensureTokenParameter(api, this.tokenLocation.parameter);
  }

  protected onBindGroup(group: IApiGroup): void {
    if (this.tokenLocation.parameterLocation === 'query') requireGroupTokenParameter(group, this.tokenLocation.parameter);
  }

  private static selectKey(plugin: GatewayPlugin, server: IM2mAuthorizationServer, keyId: string | undefined): KeyFact {
    const keys = server.signingKeys.filter((k) => k.use === undefined || k.use === 'sig');
    const kids = keys.map((k) => k.kid ?? '(no kid)').join(', ');
    let key: KeyFact | undefined;
    if (keyId !== undefined) {
      if (Token.isUnresolved(keyId)) throw invalidProp(plugin, 'keyId', 'must be a literal kid recorded by the JWKS lookup', keyId);
      key = keys.find((k) => k.kid === keyId);
      if (!key) {
        throw invalidProp(plugin, 'keyId', `is not a signing key of ${server.issuer} in lookups.lock.json (recorded: ${kids || 'none'})`, keyId,
          `Run \`npm run lookups -- --refresh\` if the server rotated its keys, or pick a recorded kid.`);
      }
    } else if (keys.length === 1) {
      key = keys[0];
    } else if (keys.length === 0) {
      throw invalidProp(plugin, 'server', 'has no signing key in its recorded JWKS', server.issuer, 'Run `npm run lookups -- --refresh` to record the server\'s keys.');
    } else {
      throw invalidProp(plugin, 'keyId', `must pick one of the ${keys.length} signing keys of ${server.issuer} (${kids})`, keyId,
        'The gateway\'s multi-key script form is not confirmed, so one key is configured: set keyId to the kid the server signs with.');
    }
    if (!['RSA', 'EC', 'OKP'].includes(key.kty)) {
      throw invalidProp(plugin, 'keyId', `selects a ${key.kty} key; only public RSA, EC or OKP keys can be configured`, key.kid);
    }
    const leaked = PRIVATE_JWK_MEMBERS.filter((m) => m in key!.jwk);
    if (leaked.length > 0) {
      throw invalidProp(plugin, 'server', `has a recorded key with private members (${leaked.join(', ')}), which must never be configured`, key.kid,
        'Re-record the JWKS with `npm run lookups -- --refresh`; the lookup refuses private keys.');
    }
    if (key.alg !== undefined && (key.alg === 'none' || key.alg.startsWith('HS'))) {
      throw invalidProp(plugin, 'keyId', `selects a key for ${key.alg}; only asymmetric signature keys can be configured`, key.kid);
    }
    const jwkKid = key.jwk.kid;
    if (jwkKid !== undefined && key.kid !== undefined && jwkKid !== key.kid) {
      throw invalidProp(plugin, 'server', 'has a recorded key whose JWK kid differs from its recorded kid', `${jwkKid} vs ${key.kid}`, 'Re-record the JWKS.');
    }
    return key;
  }
}

/** `kid`, `kty`, `alg`, `use` first (as recorded), then the public key members in sorted order. */
function renderJwk(key: KeyFact): Record<string, string> {
  const jwk: Record<string, string> = {};
  const kid = key.kid ?? key.jwk.kid;
  if (kid !== undefined) jwk.kid = kid;
  jwk.kty = key.kty;
  const alg = key.alg ?? key.jwk.alg;
  if (alg !== undefined) jwk.alg = alg;
  const use = key.use ?? key.jwk.use;
  if (use !== undefined) jwk.use = use;
  for (const name of Object.keys(key.jwk).sort()) {
    if (['kid', 'kty', 'alg', 'use'].includes(name)) continue;
    jwk[name] = key.jwk[name];
  }
  return jwk;
}
