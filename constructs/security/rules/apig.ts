import { isUnresolvedValue as isUnresolved } from '../../../core/expressions';
import { isCatchAllPath } from '../../apig/auth-rule-match';
import { readJwtAuthPolicyConfig } from '../../apig/policy-config';
import type { ParsedJwtAuthPolicyConfig } from '../../apig/policy-config';
import { checkHttpsUrl } from '../../../core/https-url';
import { PRIVATE_JWK_MEMBERS } from '../../../core/jwk';
import { RuleLevel, RuleResult } from '../rule';
import type { ResourceView, RuleOutcome, SecurityRule } from '../rule';

const POLICY = 'alicloud_apig_policy';
const UNPARSEABLE = 'policy_config:unparseable';

/** The parsed config of a JWTAuth policy, or the outcome to return instead. */
function jwtAuthConfig(res: ResourceView): { readonly config: ParsedJwtAuthPolicyConfig } | { readonly outcome: RuleOutcome } {
  if (res.type !== POLICY) return { outcome: RuleResult.NOT_APPLICABLE };
  const className = res.config.policy_class_name;
  if (typeof className !== 'string' || isUnresolved(className)) return { outcome: RuleResult.UNRESOLVED };
  if (className !== 'JWTAuth') return { outcome: RuleResult.NOT_APPLICABLE };
  const text = res.config.policy_config;
  if (typeof text !== 'string' || isUnresolved(text)) return { outcome: RuleResult.UNRESOLVED };
  const config = readJwtAuthPolicyConfig(text);
  if (typeof config === 'string') return { outcome: [UNPARSEABLE] };
  return { config };
}

/** Whether the policy is in whitelist mode; an absent or non-boolean `isWhite` is read as blacklist (the less safe reading). */
function isBlacklist(config: ParsedJwtAuthPolicyConfig): boolean {
  return config.isWhite !== true;
}

function httpsUrl(value: string | undefined): boolean {
  return value !== undefined && checkHttpsUrl(value).defect === undefined;
}

/** `APIG-JWT1`: a JWTAuth policy must pin an https issuer and public keys from an https source. */
export const apigJwtIssuerAndKeys: SecurityRule = {
  id: 'APIG-JWT1',
  resourceTypes: [POLICY],
  level: RuleLevel.ERROR,
  info: 'A cloud-native API Gateway JWTAuth policy has no https issuer, or its JWKS is missing, empty, holds private key material or comes from a non-https URL.',
  explanation: 'Without an issuer the gateway accepts tokens of any issuer that shares a key; a JWKS fetched over plain http can be swapped in transit, and a key set without public keys (or with private members) either rejects everything or leaks a signing key. Take the issuer and keys from the M2M server reference and lookups.lock.json.',
  check: (res: ResourceView): RuleOutcome => {
    const parsed = jwtAuthConfig(res);
    if ('outcome' in parsed) return parsed.outcome;
    const { config } = parsed;
    const findings: string[] = [];
    if (!httpsUrl(config.issuer)) findings.push('issuer');
    const jwks = config.jwks;
    if (jwks === undefined || 'problem' in jwks) {
      findings.push('jwks');
    } else if ('uri' in jwks) {
      if (!httpsUrl(jwks.uri)) findings.push('jwks:not-https');
    } else if (jwks.keys.length === 0) {
      findings.push('jwks:empty');
    } else if (jwks.keys.some((k) => PRIVATE_JWK_MEMBERS.some((m) => m in k))) {
      findings.push('jwks:private-key');
    }
    return findings;
  },
};

/** `APIG-JWT2`: blacklist mode lets every request that is not listed through unauthenticated. */
export const apigJwtBlacklistMode: SecurityRule = {
  id: 'APIG-JWT2',
  resourceTypes: [POLICY],
  level: RuleLevel.WARNING,
  info: 'A cloud-native API Gateway JWTAuth policy is in blacklist mode: only the listed domain and path pairs need a token.',
  explanation: 'In blacklist mode everything not listed passes without authentication, so every new route or domain starts out open. Whitelist mode (everything needs a token except listed exemptions) fails closed.',
  check: (res: ResourceView): RuleOutcome => {
    const parsed = jwtAuthConfig(res);
    if ('outcome' in parsed) return parsed.outcome;
    return isBlacklist(parsed.config) ? RuleResult.NON_COMPLIANT : RuleResult.COMPLIANT;
  },
};

/** `APIG-JWT3`: a blacklist without entries protects nothing. */
export const apigJwtEmptyBlacklist: SecurityRule = {
  id: 'APIG-JWT3',
  resourceTypes: [POLICY],
  level: RuleLevel.ERROR,
  info: 'A cloud-native API Gateway JWTAuth policy is in blacklist mode with no rule conditions, so it authenticates nothing.',
  explanation: 'Blacklist mode authenticates only the listed domain and path pairs; with none listed every request passes without a token while the console still shows JWT authentication as configured.',
  check: (res: ResourceView): RuleOutcome => {
    const parsed = jwtAuthConfig(res);
    if ('outcome' in parsed) return parsed.outcome;
    const { config } = parsed;
    if (!isBlacklist(config)) return RuleResult.COMPLIANT;
    return (config.authResourceList ?? []).some((r) => r.path !== undefined) ? RuleResult.COMPLIANT : RuleResult.NON_COMPLIANT;
  },
};

/** `APIG-JWT4`: a whitelist entry whose path covers everything exempts the whole gateway. */
export const apigJwtWhitelistCatchAll: SecurityRule = {
  id: 'APIG-JWT4',
  resourceTypes: [POLICY],
  level: RuleLevel.ERROR,
  info: 'A cloud-native API Gateway JWTAuth whitelist exempts every path (/, /* or /**).',
  explanation: 'Whitelisted requests skip authentication. How the gateway matches a path is not documented; if "/" is matched as a prefix, or "/*" and "/**" as wildcards, the entry exempts every request on its domains (every domain when the domain is "*"), which turns the authentication off.',
  check: (res: ResourceView): RuleOutcome => {
    const parsed = jwtAuthConfig(res);
    if ('outcome' in parsed) return parsed.outcome;
    const { config } = parsed;
    if (isBlacklist(config)) return RuleResult.NOT_APPLICABLE;
    const findings: string[] = [];
    (config.authResourceList ?? []).forEach((r, i) => {
      if (isCatchAllPath(r.path)) findings.push(`authResourceList[${i}]:${r.domain ?? '*'}${r.path ?? ''}`);
    });
    return findings;
  },
};

/** `APIG-JWT5`: a disabled authentication rule authenticates nothing. */
export const apigJwtDisabled: SecurityRule = {
  id: 'APIG-JWT5',
  resourceTypes: [POLICY],
  level: RuleLevel.WARNING,
  info: 'A cloud-native API Gateway JWTAuth policy is disabled (enable is not true).',
  explanation: 'A disabled authentication rule is kept in the console but checks no token, so every route it covers is open. Delete it, or enable it.',
  check: (res: ResourceView): RuleOutcome => {
    const parsed = jwtAuthConfig(res);
    if ('outcome' in parsed) return parsed.outcome;
    // An absent enable is not a finding: the construct always renders it, a hand-written config may not.
    return parsed.config.enable === false ? RuleResult.NON_COMPLIANT : RuleResult.COMPLIANT;
  },
};

/** `APIG-JWT6` (informational): the token is passed through to the backend. */
export const apigJwtTokenPassthrough: SecurityRule = {
  id: 'APIG-JWT6',
  resourceTypes: [POLICY],
  level: RuleLevel.INFO,
  info: 'A cloud-native API Gateway JWTAuth policy passes the token through to the backend.',
  explanation: 'With passthrough the backend receives the bearer token and, while it is valid, could replay it against every API of the same audience; keep it only when the backend needs the token itself.',
  check: (res: ResourceView): RuleOutcome => {
    const parsed = jwtAuthConfig(res);
    if ('outcome' in parsed) return parsed.outcome;
    return parsed.config.tokenPass === true ? RuleResult.NON_COMPLIANT : RuleResult.COMPLIANT;
  },
};

/** The cloud-native API Gateway (APIG) rule pack. */
export const APIG_RULES: readonly SecurityRule[] = [
  apigJwtIssuerAndKeys, apigJwtBlacklistMode, apigJwtEmptyBlacklist, apigJwtWhitelistCatchAll, apigJwtDisabled, apigJwtTokenPassthrough,
];
