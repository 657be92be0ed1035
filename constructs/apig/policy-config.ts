import { canonicalJson } from '../../core/canonical-json';

/**
 * The keys of a `JWTAuth` `policy_config`, by their default names. Pass a map of these to
 * `policyConfigKeyNames` to render a key under another name (see {@link renderJwtAuthPolicyConfig}).
 */
export type ApigJwtAuthConfigKey =
  | 'enable' | 'type' | 'issuer' | 'sub' | 'jwks' | 'tokenPosition' | 'tokenName' | 'tokenNamePrefix' | 'tokenPass'
  | 'isWhite' | 'authResourceList' | 'domain' | 'path';

/** Renames of `policy_config` keys: default name → the name to render instead. */
export type ApigJwtAuthConfigKeyNames = { readonly [K in ApigJwtAuthConfigKey]?: string };

/** Every key of {@link ApigJwtAuthConfigKey}, in the order the TSDoc of {@link renderJwtAuthPolicyConfig} lists them. */
export const APIG_JWT_AUTH_CONFIG_KEYS: readonly ApigJwtAuthConfigKey[] = [
  'enable', 'type', 'issuer', 'sub', 'jwks', 'tokenPosition', 'tokenName', 'tokenNamePrefix', 'tokenPass', 'isWhite', 'authResourceList', 'domain', 'path',
];

/** A domain + path pair of the authorization rule list (console: Rule Condition). */
export interface ApigAuthResource {
  /** Request domain name (host), or `*` for any host. */
  readonly domain: string;
  /** Request path. */
  readonly path: string;
}

/** What {@link renderJwtAuthPolicyConfig} renders: the console fields, already validated. */
export interface ApigJwtAuthSettings {
  /** Console: Enable. */
  readonly enabled: boolean;
  /** Console: Issuer (`iss`). */
  readonly issuer: string;
  /** Console: Sub (`sub`), exact match. */
  readonly subject?: string;
  /** Console: JWKS, public keys only. */
  readonly jwks: { readonly keys: readonly Readonly<Record<string, string>>[] };
  /** Console: JWT Token > Type (`HEADER` or `QUERY`). */
  readonly tokenPosition: 'HEADER' | 'QUERY';
  /** Console: JWT Token > Key. */
  readonly tokenName: string;
  /** Console: JWT Token > Prefix (`''` for none). */
  readonly tokenNamePrefix: string;
  /** Console: JWT Token > Enable Passthrough. */
  readonly tokenPass: boolean;
  /** Console: Authorization mode; `true` = Whitelist. */
  readonly whitelist: boolean;
  /** Console: Rule Conditions (OR-combined). */
  readonly resources: readonly ApigAuthResource[];
}

/**
 * Renders the `policy_config` of an `alicloud_apig_policy` with `policy_class_name = "JWTAuth"`
 * as canonical JSON (RFC 8785: keys sorted, no whitespace), so that a re-ordered key never shows
 * as a perpetual diff (the provider stores the string as given and does not normalise it).
 *
 * The JWTAuth keys are **not published**. Evidence for each key, and its status:
 *
 * | key | value | evidence | status |
 * |---|---|---|---|
 * | `enable` | boolean | APIG `CreatePolicy`/`CreateAndAttachPolicy` document `config` with the example `{"enable":false}`; console "Enable" | confirmed for the config format (camelCase, `enable`), not for JWTAuth specifically |
 * | `type` | `"JWT"` | MSE `AddGatewayAuth` `Type` (JWT, OIDC, IDaaS, ExternalAuthZ); console "Authentication Type" | unconfirmed |
 * | `issuer` | string | MSE `AddGatewayAuth` `Issuer`; console "Issuer" | unconfirmed |
 * | `sub` | string, omitted when not set | MSE `AddGatewayAuth` `Sub`; console "Sub" | unconfirmed |
 * | `jwks` | string holding `{"keys":[…]}` | MSE `AddGatewayAuth` `Jwks` (a string, "JSON format"); console "JWKS" | unconfirmed |
 * | `tokenPosition` | `"HEADER"` or `"QUERY"` | MSE `AddGatewayAuth` `TokenPosition` (`HEADER` documented); console "Type" (shown as HEADER) | unconfirmed; `QUERY` is assumed |
 * | `tokenName` | string | MSE `AddGatewayAuth` `TokenName`; console "Key" | unconfirmed |
 * | `tokenNamePrefix` | string | MSE `AddGatewayAuth` `TokenNamePrefix`; console "Prefix" | unconfirmed |
 * | `tokenPass` | boolean | MSE `AddGatewayAuth` `TokenPass`; console "Enable Passthrough" | unconfirmed |
 * | `isWhite` | boolean | MSE `AddGatewayAuth` `IsWhite`, `ListGatewayAuth` `IsWhite` ("whitelist mode"); console "Authorization" mode | unconfirmed |
 * | `authResourceList` | list of `{domain, path}` | MSE `AddGatewayAuth` `AuthResourceList`, `AddAuthResource` (`DomainId`, `Path`); console "Rule Condition" | unconfirmed |
 * | `domain` | host name or `*` | console "Request Domain Name" (hosts); MSE uses a numeric `DomainId` instead | unconfirmed |
 * | `path` | path | MSE `AddAuthResource` `Path`; console "Request Path" (paths) | unconfirmed |
 *
 * The names are camelCase because APIG's own API and its documented `config` example are
 * camelCase; the MSE parameters they come from are PascalCase. When the real gateway wants
 * another name, correct it without forking with `keyNames` (the construct's
 * `policyConfigKeyNames` prop), e.g. `{ isWhite: 'whiteList' }`. The security rules and the
 * emulator read keys case-insensitively, so a PascalCase rename keeps them working; any other
 * rename makes them report the key as missing (fail closed).
 *
 * @param settings the validated console fields
 * @param keyNames renames of keys (default name → rendered name)
 * @returns canonical JSON
 */
export function renderJwtAuthPolicyConfig(settings: ApigJwtAuthSettings, keyNames: ApigJwtAuthConfigKeyNames = {}): string {
  const name = (key: ApigJwtAuthConfigKey): string => keyNames[key] ?? key;
  const config: Record<string, unknown> = {
    [name('enable')]: settings.enabled,
    [name('type')]: 'JWT',
    [name('issuer')]: settings.issuer,
    [name('jwks')]: canonicalJson({ keys: settings.jwks.keys }),
    [name('tokenPosition')]: settings.tokenPosition,
    [name('tokenName')]: settings.tokenName,
    [name('tokenNamePrefix')]: settings.tokenNamePrefix,
    [name('tokenPass')]: settings.tokenPass,
    [name('isWhite')]: settings.whitelist,
    [name('authResourceList')]: settings.resources.map((r) => ({ [name('domain')]: r.domain, [name('path')]: r.path })),
  };
  if (settings.subject !== undefined) config[name('sub')] = settings.subject;
  return canonicalJson(config);
}

export { canonicalJson } from '../../core/canonical-json';

/** A JWTAuth `policy_config` as the security rules and the emulator read it (keys matched case-insensitively). */
export interface ParsedJwtAuthPolicyConfig {
  /** `enable`, when a boolean. */
  readonly enable?: boolean;
  /** `type`. */
  readonly type?: string;
  /** `issuer`. */
  readonly issuer?: string;
  /** `sub`. */
  readonly sub?: string;
  /**
   * `jwks`: the keys of the set (from a JSON string or an object), or the URL when it is a URL,
   * or the problem when it is neither.
   */
  readonly jwks?: { readonly keys: readonly Readonly<Record<string, unknown>>[] } | { readonly uri: string } | { readonly problem: string };
  /** `tokenPosition`, upper-cased. */
  readonly tokenPosition?: string;
  /** `tokenName`. */
  readonly tokenName?: string;
  /** `tokenNamePrefix`. */
  readonly tokenNamePrefix?: string;
  /** `tokenPass`, when a boolean. */
  readonly tokenPass?: boolean;
  /** `isWhite`, when a boolean. */
  readonly isWhite?: boolean;
  /** `authResourceList` (entries that are not objects are dropped and counted in `problems`). */
  readonly authResourceList?: readonly { readonly domain?: string; readonly path?: string }[];
  /** What could not be read. */
  readonly problems: readonly string[];
}

/**
 * Reads a JWTAuth `policy_config` string. Keys are matched case-insensitively (`Issuer` and
 * `issuer` both count) so that MSE-style names work; values of the wrong JSON type are
 * reported in `problems` and left out.
 *
 * @returns the parsed config, or a string saying why the text is not a JSON object
 */
export function readJwtAuthPolicyConfig(text: string): ParsedJwtAuthPolicyConfig | string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return `policy_config is not JSON (${(error as Error).message})`;
  }
  if (!isObject(raw)) return 'policy_config is not a JSON object';
  const problems: string[] = [];
  const get = (object: Readonly<Record<string, unknown>>, key: string): unknown => {
    const found = Object.keys(object).find((k) => k.toLowerCase() === key.toLowerCase());
    return found === undefined ? undefined : object[found];
  };
  const typed = <T>(key: string, kind: 'string' | 'boolean'): T | undefined => {
    const value = get(raw, key);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== kind) {
      problems.push(`${key} is not a ${kind}: ${JSON.stringify(value)}`);
      return undefined;
    }
    return value as T;
  };
  const list = get(raw, 'authResourceList');
  let authResourceList: { domain?: string; path?: string }[] | undefined;
  if (Array.isArray(list)) {
    authResourceList = [];
    list.forEach((entry, i) => {
      if (!isObject(entry)) {
        problems.push(`authResourceList[${i}] is not an object`);
        return;
      }
      const domain = get(entry, 'domain');
      const path = get(entry, 'path');
      authResourceList!.push({ domain: typeof domain === 'string' ? domain : undefined, path: typeof path === 'string' ? path : undefined });
    });
  } else if (list !== undefined && list !== null) {
    problems.push('authResourceList is not a list');
  }
  const position = typed<string>('tokenPosition', 'string');
  return {
    enable: typed<boolean>('enable', 'boolean'),
    type: typed<string>('type', 'string'),
    issuer: typed<string>('issuer', 'string'),
    sub: typed<string>('sub', 'string'),
    jwks: readJwks(get(raw, 'jwks')),
    tokenPosition: position?.toUpperCase(),
    tokenName: typed<string>('tokenName', 'string'),
    tokenNamePrefix: typed<string>('tokenNamePrefix', 'string'),
    tokenPass: typed<boolean>('tokenPass', 'boolean'),
    isWhite: typed<boolean>('isWhite', 'boolean'),
    authResourceList,
    problems,
  };
}

function readJwks(value: unknown): ParsedJwtAuthPolicyConfig['jwks'] {
  if (value === undefined || value === null) return undefined;
  let set: unknown = value;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return { uri: trimmed };
    try {
      set = JSON.parse(trimmed);
    } catch {
      return { problem: 'jwks is neither a URL nor a JSON Web Key Set' };
    }
  }
  if (!isObject(set) || !Array.isArray(set.keys)) return { problem: 'jwks has no "keys" list' };
  const keys = set.keys.filter(isObject);
  if (keys.length !== set.keys.length) return { problem: 'jwks holds a key that is not an object' };
  return { keys };
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
