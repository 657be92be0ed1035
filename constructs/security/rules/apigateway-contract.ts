/**
 * `APIGW-*` rules of the security contract (issue #11): access-control rule sets that fail closed
 * (end in an unconditional DENY, check `iss` and `aud`), and APIs that accept no plain HTTP.
 * Each reasoned opt-out of the constructs (`skipAudienceCheck`, `allowPlainHttp`) is recorded as
 * a suppression of one of these rules, so it still shows up as a finding.
 */
import { GATEWAY_RESOURCE_TYPES } from '../../../core/binding-index';
import { isUnresolvedValue as isUnresolved } from '../../../core/expressions';
import { RuleLevel, RuleResult } from '../rule';
import type { ResourceView, RuleOutcome, SecurityRule } from '../rule';
import { scriptOf } from './apigateway';

const { api: API, plugin: PLUGIN } = GATEWAY_RESOURCE_TYPES;

interface AclView {
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly rules: readonly Record<string, unknown>[];
}

/** The `parameters` and `rules` of an access-control plugin, or the outcome to return instead. */
function aclOf(res: ResourceView): { readonly acl: AclView } | { readonly outcome: RuleOutcome } {
  const read = scriptOf(res, 'accessControl');
  if ('outcome' in read) return read;
  const { parameters = {}, rules } = read.script.script;
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters) || !Array.isArray(rules)) {
    return { outcome: ['plugin_data:unparseable'] };
  }
  return { acl: { parameters: parameters as Record<string, unknown>, rules: rules.map((r) => (r && typeof r === 'object' ? r as Record<string, unknown> : {})) } };
}

/** Whether a rule set reads claims of the verified JWT (`Token:<claim>` parameters). */
function readsToken(acl: AclView): boolean {
  return Object.values(acl.parameters).some((location) => typeof location === 'string' && /^token:/i.test(location));
}

/** Whether some rule's condition references a parameter declared as `Token:<claim>`. */
function checksClaim(acl: AclView, claim: string): boolean {
  const names = Object.entries(acl.parameters)
    .filter(([, location]) => typeof location === 'string' && location.trim().toLowerCase() === `token:${claim}`)
    .map(([name]) => name);
  return acl.rules.some((rule) => typeof rule.condition === 'string'
    && names.some((name) => new RegExp(`\\$${name}(?![A-Za-z0-9_])`).test(rule.condition as string)));
}

const isDeny = (action: unknown): boolean => typeof action === 'string' && action.trim().toUpperCase() === 'DENY';

/** `APIGW-ACL2`: an access-control rule set can run out of rules without a decision. */
export const aclEndsInDeny: SecurityRule = {
  id: 'APIGW-ACL2',
  resourceTypes: [PLUGIN],
  level: RuleLevel.ERROR,
  info: 'The access-control rule set does not end with an unconditional DENY (a last rule whose ifTrue and ifFalse are both DENY).',
  explanation: 'The gateway lets a request through when no rule decides, and may skip a rule it cannot evaluate (an absent claim, a value of an unexpected type); a rule set that can fall off its end then allows the request. Ending with an explicit ALLOW of the combined checks followed by an unconditional DENY fails closed.',
  check: (res) => {
    const read = aclOf(res);
    if ('outcome' in read) return read.outcome;
    const last = read.acl.rules[read.acl.rules.length - 1];
    return last && isDeny(last.ifTrue) && isDeny(last.ifFalse) ? RuleResult.COMPLIANT : RuleResult.NON_COMPLIANT;
  },
};

/** A rule: an access-control rule set that reads JWT claims must reference `Token:<claim>` in a condition. */
function claimChecked(id: string, claim: string, explanation: string): SecurityRule {
  return {
    id,
    resourceTypes: [PLUGIN],
    level: RuleLevel.ERROR,
    info: `The access-control rule set reads JWT claims but never checks ${claim} (a Token:${claim} parameter in a condition).`,
    explanation,
    check: (res) => {
      const read = aclOf(res);
      if ('outcome' in read) return read.outcome;
      if (!readsToken(read.acl)) return RuleResult.NOT_APPLICABLE;
      return checksClaim(read.acl, claim) ? RuleResult.COMPLIANT : RuleResult.NON_COMPLIANT;
    },
  };
}

/** `APIGW-ACL3`: a rule set over JWT claims does not check the issuer. */
export const aclChecksIssuer: SecurityRule = claimChecked('APIGW-ACL3', 'iss',
  'The JWT plugin verifies the signature with the configured key, not who issued the token; an issuer that shares or reuses the key (another tenant, a test issuer) would otherwise be accepted.');

/** `APIGW-ACL4`: a rule set over JWT claims does not check the audience. */
export const aclChecksAudience: SecurityRule = claimChecked('APIGW-ACL4', 'aud',
  'Without an audience check a token the server issued for another API (resource server) is accepted here. Opting out needs a reason (skipAudienceCheck: { reason }).');

/** `APIGW-TLS1`: an API accepts plain HTTP. */
export const apiHttpsOnly: SecurityRule = {
  id: 'APIGW-TLS1',
  resourceTypes: [API],
  level: RuleLevel.ERROR,
  info: 'The API accepts plain HTTP (request_config.protocol includes HTTP).',
  explanation: 'Bearer tokens sent over plain HTTP can be read and replayed by anyone on the path. Opting out needs a reason (allowPlainHttp: { reason }).',
  check: (res) => {
    if (res.type !== API) return RuleResult.NOT_APPLICABLE;
    const raw = res.config.request_config;
    const block = (Array.isArray(raw) ? raw[0] : raw) as Record<string, unknown> | undefined;
    const protocol = block?.protocol;
    if (typeof protocol !== 'string' || isUnresolved(protocol)) return RuleResult.UNRESOLVED;
    return protocol.split(',').some((p) => p.trim().toUpperCase() === 'HTTP') ? RuleResult.NON_COMPLIANT : RuleResult.COMPLIANT;
  },
};

/** The contract rules for API Gateway (issue #11). */
export const APIGATEWAY_CONTRACT_RULES: readonly SecurityRule[] = [aclEndsInDeny, aclChecksIssuer, aclChecksAudience, apiHttpsOnly];
