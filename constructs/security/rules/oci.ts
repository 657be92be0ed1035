import { isUnresolvedValue as isUnresolved } from '../../../core/expressions';
import { OCI_MAX_CLOCK_SKEW_SECONDS as MAX_CLOCK_SKEW_SECONDS } from '../../../core/ranges';
import { RuleLevel, RuleResult } from '../rule';
import type { ResourceView, RuleContext, RuleOutcome, SecurityRule } from '../rule';

const DEPLOYMENT = 'oci_apigateway_deployment';
const IDENTITY_DOMAINS_APP = 'oci_identity_domains_app';
/** Largest clock skew `OCI-JWT3` accepts, in seconds. */

type Obj = Readonly<Record<string, unknown>>;

/** Collects findings, remembering whether some input could not be evaluated. */
class Outcome {
  public readonly findings: string[] = [];
  public unresolved = false;

  public add(finding: string): void {
    if (!this.findings.includes(finding)) this.findings.push(finding);
  }

  /** Findings win over UNRESOLVED: a known problem is reported even when something else is unknown. */
  public result(): RuleOutcome {
    if (this.findings.length > 0) return this.findings;
    return this.unresolved ? RuleResult.UNRESOLVED : RuleResult.COMPLIANT;
  }
}

/**
 * The blocks of a nested block attribute: cdktf writes single blocks as an object, overrides
 * may write a list. `undefined` when the whole attribute is an expression.
 */
function blocks(value: unknown): Obj[] | undefined {
  if (value === undefined || value === null) return [];
  if (isUnresolved(value)) return undefined;
  const list = Array.isArray(value) ? value : [value];
  return list.filter((b): b is Obj => typeof b === 'object' && b !== null && !Array.isArray(b));
}

/** The first block of a single-block attribute (`null` when absent, `undefined` when unresolved). */
function block(value: unknown): Obj | null | undefined {
  const list = blocks(value);
  if (list === undefined) return undefined;
  return list[0] ?? null;
}

/** `true`, `false`, or `undefined` when unresolved; Terraform also accepts the strings "true"/"false". */
function bool(value: unknown, absent: boolean): boolean | undefined {
  if (value === undefined || value === null) return absent;
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** Upper-cased string value (the provider compares these types case-insensitively). */
function upper(value: unknown): string | undefined {
  return typeof value === 'string' && !isUnresolved(value) ? value.toUpperCase() : undefined;
}

/** The deployment's `specification` block, or the outcome to return instead. */
function specificationOf(res: ResourceView): { readonly spec: Obj } | { readonly outcome: RuleOutcome } {
  if (res.type !== DEPLOYMENT) return { outcome: RuleResult.NOT_APPLICABLE };
  const spec = block(res.config.specification);
  if (spec === undefined) return { outcome: RuleResult.UNRESOLVED };
  if (spec === null) return { outcome: RuleResult.NOT_APPLICABLE };
  return { spec };
}

/** One authentication policy of a deployment, with the label prefix its findings carry. */
interface AuthenticationPolicy {
  readonly label: string;
  readonly policy: Obj;
}

/**
 * Every authentication policy of a deployment: `request_policies.authentication` and each
 * `dynamic_authentication.authentication_servers[i].authentication_server_detail`.
 * `undefined` when one of them is an expression.
 */
function authenticationPolicies(spec: Obj): AuthenticationPolicy[] | undefined {
  const requestPolicies = block(spec.request_policies);
  if (requestPolicies === undefined) return undefined;
  if (requestPolicies === null) return [];
  const out: AuthenticationPolicy[] = [];
  const main = block(requestPolicies.authentication);
  if (main === undefined) return undefined;
  if (main) out.push({ label: '', policy: main });
  const dynamic = block(requestPolicies.dynamic_authentication);
  if (dynamic === undefined) return undefined;
  if (dynamic) {
    const servers = blocks(dynamic.authentication_servers);
    if (servers === undefined) return undefined;
    for (const [i, server] of servers.entries()) {
      const detail = block(server.authentication_server_detail);
      if (detail === undefined) return undefined;
      if (detail) out.push({ label: `authenticationServers[${i}]:`, policy: detail });
    }
  }
  return out;
}

/** Whether a list attribute holds at least one non-empty string (`undefined` when unresolved). */
function nonEmptyList(value: unknown): boolean | undefined {
  if (isUnresolved(value)) return undefined;
  if (!Array.isArray(value)) return false;
  if (value.some((v) => isUnresolved(v))) return undefined;
  return value.some((v) => typeof v === 'string' && v.trim() !== '');
}

/** `OCI-JWT1`: no anonymous access, an authentication policy, and an authorization on every route. */
export const ociDeploymentNotAnonymous: SecurityRule = {
  id: 'OCI-JWT1',
  resourceTypes: [DEPLOYMENT],
  level: RuleLevel.ERROR,
  info: 'The API deployment allows anonymous access, has no authentication policy, or has a route without authorization (or with authorization type ANONYMOUS).',
  explanation: 'The gateway is the only thing between the internet and the backends: with isAnonymousAccessAllowed, without an authentication policy, or with a route that is anonymous or has no authorization policy, callers reach the backend without a valid token or without the scope the route needs.',
  check: (res: ResourceView): RuleOutcome => {
    const found = specificationOf(res);
    if ('outcome' in found) return found.outcome;
    const out = new Outcome();
    const policies = authenticationPolicies(found.spec);
    if (policies === undefined) {
      out.unresolved = true;
    } else {
      if (policies.length === 0) out.add('authentication:missing');
      for (const { label, policy } of policies) {
        const anonymous = bool(policy.is_anonymous_access_allowed, false);
        if (anonymous === undefined) out.unresolved = true;
        else if (anonymous) out.add(`${label}anonymousAccess`);
      }
    }
    const routes = blocks(found.spec.routes);
    if (routes === undefined) {
      out.unresolved = true;
      return out.result();
    }
    for (const route of routes) {
      const path = typeof route.path === 'string' ? route.path : '?';
      const requestPolicies = block(route.request_policies);
      const authorization = requestPolicies === undefined ? undefined : requestPolicies === null ? null : block(requestPolicies.authorization);
      if (authorization === undefined) {
        out.unresolved = true;
        continue;
      }
      if (authorization === null) {
        out.add(`route:${path}`);
        continue;
      }
      if (isUnresolved(authorization.type)) {
        out.unresolved = true;
        continue;
      }
      const type = upper(authorization.type);
      if (type === 'AUTHENTICATION_ONLY') continue;
      if (type === 'ANY_OF') {
        const scopes = nonEmptyList(authorization.allowed_scope);
        if (scopes === undefined) out.unresolved = true;
        else if (!scopes) out.add(`route:${path}`);
        continue;
      }
      // ANONYMOUS, or no type at all.
      out.add(`route:${path}`);
    }
    return out.result();
  },
};

/** `OCI-JWT2`: JWT / token authentication pins issuers and audiences. */
export const ociJwtPinsIssuerAndAudience: SecurityRule = {
  id: 'OCI-JWT2',
  resourceTypes: [DEPLOYMENT],
  level: RuleLevel.ERROR,
  info: 'A JWT authentication policy of the API deployment has no audiences or no issuers.',
  explanation: 'Without issuers the gateway accepts tokens of any issuer whose keys it trusts; without audiences it accepts tokens minted for any other API of the same identity domain. Pin both to the authorization server that protects this API.',
  check: (res: ResourceView): RuleOutcome => {
    const found = specificationOf(res);
    if ('outcome' in found) return found.outcome;
    const policies = authenticationPolicies(found.spec);
    if (policies === undefined) return RuleResult.UNRESOLVED;
    const out = new Outcome();
    const applicable = forEachTokenPolicy(policies, out, (label, type, policy) => {
      let holder: Obj | null | undefined;
      if (type === 'JWT_AUTHENTICATION') {
        holder = policy;
      } else {
        const validation = block(policy.validation_policy);
        holder = validation === undefined ? undefined : validation === null ? null : block(validation.additional_validation_policy);
      }
      if (holder === undefined) {
        out.unresolved = true;
        return;
      }
      for (const key of ['audiences', 'issuers'] as const) {
        const ok = holder === null ? false : nonEmptyList(holder[key]);
        if (ok === undefined) out.unresolved = true;
        else if (!ok) out.add(`${label}${key}`);
      }
    });
    if (!applicable && !out.unresolved) return RuleResult.NOT_APPLICABLE;
    return out.result();
  },
};

/** `OCI-JWT3`: keys (or the introspection endpoint) fetched over verified https; bounded clock skew. */
export const ociJwtRemoteKeysAndSkew: SecurityRule = {
  id: 'OCI-JWT3',
  resourceTypes: [DEPLOYMENT],
  level: RuleLevel.WARNING,
  info: `A JWT or token authentication policy of the API deployment does not validate tokens with an https REMOTE_JWKS (or, for token authentication, REMOTE_DISCOVERY) URL with TLS verification, or allows more than ${MAX_CLOCK_SKEW_SECONDS} s of clock skew.`,
  explanation: 'Keys fetched over plain http or without certificate verification can be replaced by anyone on the path, who can then sign tokens the gateway accepts; static keys are not rotated with the issuer. A large clock skew keeps expired tokens usable.',
  check: (res: ResourceView): RuleOutcome => {
    const found = specificationOf(res);
    if ('outcome' in found) return found.outcome;
    const policies = authenticationPolicies(found.spec);
    if (policies === undefined) return RuleResult.UNRESOLVED;
    const out = new Outcome();
    const applicable = forEachTokenPolicy(policies, out, (label, type, policy) => {
      const keysAttribute = type === 'JWT_AUTHENTICATION' ? 'public_keys' : 'validation_policy';
      const keyLabel = `${label}${keysAttribute === 'public_keys' ? 'publicKeys' : 'validationPolicy'}`;
      const keys = block(policy[keysAttribute]);
      if (keys === undefined) {
        out.unresolved = true;
      } else if (keys === null) {
        out.add(`${keyLabel}:missing`);
      } else if (isUnresolved(keys.type)) {
        out.unresolved = true;
      } else if (upper(keys.type) === 'REMOTE_JWKS' || (type === 'TOKEN_AUTHENTICATION' && upper(keys.type) === 'REMOTE_DISCOVERY')) {
        // REMOTE_DISCOVERY: the introspection endpoint comes from the discovery document at source_uri_details.uri.
        const source = upper(keys.type) === 'REMOTE_JWKS' ? keys : block(keys.source_uri_details);
        const uri = source === undefined ? undefined : source === null ? null : source.uri;
        if (isUnresolved(uri) || source === undefined) out.unresolved = true;
        else if (typeof uri !== 'string' || !uri.toLowerCase().startsWith('https://')) out.add(`${keyLabel}:uri`);
        const sslOff = bool(keys.is_ssl_verify_disabled, false);
        if (sslOff === undefined) out.unresolved = true;
        else if (sslOff) out.add(`${keyLabel}:sslVerifyDisabled`);
      } else {
        out.add(`${keyLabel}:${String(keys.type)}`);
      }
      const skew = policy.max_clock_skew_in_seconds;
      if (isUnresolved(skew)) out.unresolved = true;
      else if (skew !== undefined && skew !== null && !(Number(skew) <= MAX_CLOCK_SKEW_SECONDS)) out.add(`${label}maxClockSkew`);
    });
    if (!applicable && !out.unresolved) return RuleResult.NOT_APPLICABLE;
    return out.result();
  },
};

/**
 * Calls `visit` for every JWT_AUTHENTICATION / TOKEN_AUTHENTICATION policy; a policy whose type is a
 * token marks the outcome unresolved. Returns whether any such policy was found.
 */
function forEachTokenPolicy(
  policies: readonly { label: string; policy: Obj }[],
  out: Outcome,
  visit: (label: string, type: 'JWT_AUTHENTICATION' | 'TOKEN_AUTHENTICATION', policy: Obj) => void,
): boolean {
  let applicable = false;
  for (const { label, policy } of policies) {
    if (isUnresolved(policy.type)) {
      out.unresolved = true;
      continue;
    }
    const type = upper(policy.type);
    if (type !== 'JWT_AUTHENTICATION' && type !== 'TOKEN_AUTHENTICATION') continue;
    applicable = true;
    visit(label, type, policy);
  }
  return applicable;
}

/** The `verify_claims` blocks of a token policy (`undefined` when unresolved). */
function verifyClaimsOf(type: 'JWT_AUTHENTICATION' | 'TOKEN_AUTHENTICATION', policy: Obj): Obj[] | undefined {
  if (type === 'JWT_AUTHENTICATION') return blocks(policy.verify_claims);
  const validation = block(policy.validation_policy);
  if (validation === undefined) return undefined;
  if (validation === null) return [];
  const additional = block(validation.additional_validation_policy);
  if (additional === undefined) return undefined;
  return additional === null ? [] : blocks(additional.verify_claims);
}

/**
 * Largest number of scopes an identity domain app of the stack is granted (`allowed_scopes`),
 * `undefined` when one of them is an expression.
 */
function mostGrantedScopes(context: RuleContext): number | undefined {
  let most = 0;
  for (const app of context.resourcesOfType(IDENTITY_DOMAINS_APP)) {
    const granted = blocks(app.config.allowed_scopes);
    if (granted === undefined) return undefined;
    most = Math.max(most, granted.length);
  }
  return most;
}

/** `OCI-SCOPE1`: a global exact-match `scope` claim check while a client is granted several scopes. */
export const ociGlobalScopeExactMatch: SecurityRule = {
  id: 'OCI-SCOPE1',
  resourceTypes: [DEPLOYMENT],
  level: RuleLevel.WARNING,
  info: 'The API deployment checks the scope claim globally (verify_claims) against single values, while a client of the stack is granted several scopes.',
  explanation: 'A claim check compares the whole claim value: a token of a client granted several scopes carries them all, space-separated ("A B"), and never equals "A" (seed 002: "in the case of scopes, this must be all scopes"). Check scopes per route with authorization type ANY_OF instead.',
  check: (res: ResourceView, context: RuleContext): RuleOutcome => {
    const found = specificationOf(res);
    if ('outcome' in found) return found.outcome;
    const policies = authenticationPolicies(found.spec);
    if (policies === undefined) return RuleResult.UNRESOLVED;
    const out = new Outcome();
    let scopeChecks = 0;
    forEachTokenPolicy(policies, out, (label, type, policy) => {
      const claims = verifyClaimsOf(type, policy);
      if (claims === undefined) {
        out.unresolved = true;
        return;
      }
      for (const claim of claims) {
        if (isUnresolved(claim.key)) {
          out.unresolved = true;
          continue;
        }
        if (claim.key !== 'scope') continue;
        if (isUnresolved(claim.values) || (Array.isArray(claim.values) && claim.values.some(isUnresolved))) {
          out.unresolved = true;
          continue;
        }
        const values = Array.isArray(claim.values) ? claim.values : [];
        if (values.some((v) => typeof v === 'string' && !/\s/.test(v.trim()))) {
          scopeChecks++;
          out.add(`${label}verifyClaims:scope`);
        }
      }
    });
    if (scopeChecks === 0) return out.result();
    const most = mostGrantedScopes(context);
    if (most === undefined) return RuleResult.UNRESOLVED;
    if (most > 1) return out.result();
    // No client of the stack holds several scopes: the exact match can work.
    return out.unresolved ? RuleResult.UNRESOLVED : RuleResult.COMPLIANT;
  },
};

/** `OCI-BACKEND1`: every HTTP backend is reached over https with certificate verification. */
export const ociBackendTls: SecurityRule = {
  id: 'OCI-BACKEND1',
  resourceTypes: [DEPLOYMENT],
  level: RuleLevel.ERROR,
  info: 'A route of the API deployment reaches its HTTP backend over plain http or without TLS certificate verification.',
  explanation: 'The gateway forwards the caller\'s token and the response: over plain http (or unverified TLS) anyone on the path can read or alter them. Opt out only for a backend reachable solely inside the gateway\'s VCN (plaintextBackend: { reason }).',
  check: (res: ResourceView): RuleOutcome => {
    const found = specificationOf(res);
    if ('outcome' in found) return found.outcome;
    const routes = blocks(found.spec.routes);
    if (routes === undefined) return RuleResult.UNRESOLVED;
    const out = new Outcome();
    for (const route of routes) {
      const path = typeof route.path === 'string' ? route.path : '?';
      const backend = block(route.backend);
      if (backend === undefined) {
        out.unresolved = true;
        continue;
      }
      if (backend === null || upper(backend.type) !== 'HTTP_BACKEND') continue;
      if (isUnresolved(backend.url)) out.unresolved = true;
      else if (typeof backend.url !== 'string' || !backend.url.toLowerCase().startsWith('https://')) out.add(`route:${path}`);
      const sslOff = bool(backend.is_ssl_verify_disabled, false);
      if (sslOff === undefined) out.unresolved = true;
      else if (sslOff) out.add(`route:${path}:sslVerifyDisabled`);
    }
    return out.result();
  },
};

/** Security rules for OCI API Gateway deployments protected with JWTs (seed 002). */
export const OCI_RULES: readonly SecurityRule[] = [ociDeploymentNotAnonymous, ociJwtPinsIssuerAndAudience, ociJwtRemoteKeysAndSkew, ociGlobalScopeExactMatch, ociBackendTls];
