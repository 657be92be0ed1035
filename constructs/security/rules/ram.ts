import { isUnresolvedValue as isUnresolved } from '../../../core/expressions';
import { RuleLevel, RuleResult } from '../rule';
import type { ResourceView, RuleContext, RuleOutcome, SecurityRule } from '../rule';

const ROLE = 'alicloud_ram_role';
const POLICY = 'alicloud_ram_policy';
const OIDC_PROVIDER = 'alicloud_ims_oidc_provider';
/** Operators that restrict a key to listed values (StringNot* and the like do not pin anything). */
const PINNING_OPERATORS = new Set(['stringequals', 'stringequalsignorecase', 'stringlike']);

/** A document attribute as rules see it. */
type ParsedDocument =
  | { readonly kind: 'absent' }
  | { readonly kind: 'unresolved' }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'parsed'; readonly statements: readonly Statement[] };

/** One statement, normalized: arrays everywhere, condition keys lower-cased. */
interface Statement {
  readonly index: number;
  readonly effect: string;
  readonly principal: Readonly<Record<string, readonly unknown[]>>;
  readonly action: readonly unknown[];
  readonly notAction: readonly unknown[] | undefined;
  readonly resource: readonly unknown[];
  readonly notResource: readonly unknown[] | undefined;
  /** operator (lower case) → condition key (lower case) → values. */
  readonly conditions: ReadonlyMap<string, ReadonlyMap<string, readonly unknown[]>>;
}


/** Whether a string is one whole Terraform expression. */
function isWholeExpression(value: unknown): boolean {
  return typeof value === 'string' && /^\$\{[\s\S]*\}$/.test(value.trim());
}

function toArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function normalizeStatement(raw: unknown, index: number): Statement {
  const s = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const principal: Record<string, unknown[]> = {};
  if (s.Principal && typeof s.Principal === 'object') {
    for (const [k, v] of Object.entries(s.Principal as Record<string, unknown>)) principal[k.toLowerCase()] = toArray(v);
  } else if (s.Principal !== undefined) {
    principal['*'] = toArray(s.Principal);
  }
  const conditions = new Map<string, Map<string, unknown[]>>();
  if (s.Condition && typeof s.Condition === 'object') {
    for (const [op, body] of Object.entries(s.Condition as Record<string, unknown>)) {
      const keys = conditions.get(op.toLowerCase()) ?? new Map<string, unknown[]>();
      if (body && typeof body === 'object') {
        for (const [key, values] of Object.entries(body as Record<string, unknown>)) {
          keys.set(key.toLowerCase(), [...(keys.get(key.toLowerCase()) ?? []), ...toArray(values)]);
        }
      }
      conditions.set(op.toLowerCase(), keys);
    }
  }
  return {
    index,
    effect: typeof s.Effect === 'string' ? s.Effect : '',
    principal,
    action: toArray(s.Action),
    notAction: s.NotAction === undefined ? undefined : toArray(s.NotAction),
    resource: toArray(s.Resource),
    notResource: s.NotResource === undefined ? undefined : toArray(s.NotResource),
    conditions,
  };
}

/** Parses a JSON policy attribute (a string, or an object written through an override). */
function parseDocument(value: unknown): ParsedDocument {
  if (value === undefined || value === null) return { kind: 'absent' };
  let doc: unknown = value;
  if (typeof value === 'string') {
    if (isWholeExpression(value)) return { kind: 'unresolved' };
    try {
      doc = JSON.parse(value);
    } catch {
      return isUnresolved(value) ? { kind: 'unresolved' } : { kind: 'invalid' };
    }
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { kind: 'invalid' };
  const statements = toArray((doc as Record<string, unknown>).Statement);
  return { kind: 'parsed', statements: statements.map(normalizeStatement) };
}

/** The trust policy of a role: `assume_role_policy_document`, or the deprecated `document`. */
function trustDocument(res: ResourceView): ParsedDocument {
  const current = parseDocument(res.config.assume_role_policy_document);
  return current.kind === 'absent' ? parseDocument(res.config.document) : current;
}

function isAllow(s: Statement): boolean {
  return s.effect.toLowerCase() === 'allow';
}

function label(s: Statement): string {
  return `Statement[${s.index}]`;
}

/** How a federated principal relates to OIDC. */
type PrincipalKind = 'oidc' | 'other' | 'unknown';

function classifyPrincipal(principal: unknown, context: RuleContext): PrincipalKind {
  if (typeof principal !== 'string') return 'other';
  const referenced = context.referencedResource(principal);
  if (referenced) return referenced.type === OIDC_PROVIDER ? 'oidc' : 'other';
  if (isUnresolved(principal)) return 'unknown';
  return /:oidc-provider\//.test(principal) ? 'oidc' : 'other';
}

function mentionsOidcKeys(s: Statement): boolean {
  for (const keys of s.conditions.values()) {
    for (const key of keys.keys()) if (key.startsWith('oidc:')) return true;
  }
  return false;
}

/**
 * The Allow statements of a role's trust policy that trust an OIDC provider, and whether some
 * statement could not be classified (federated principal unknown until apply).
 */
type OidcStatements =
  | { readonly kind: 'na' }
  | { readonly kind: 'unresolved' }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'ok'; readonly statements: readonly Statement[]; readonly unknown: boolean };

function oidcStatements(res: ResourceView, context: RuleContext): OidcStatements {
  if (res.type !== ROLE) return { kind: 'na' };
  const doc = trustDocument(res);
  if (doc.kind === 'absent') return { kind: 'na' };
  if (doc.kind === 'unresolved') return { kind: 'unresolved' };
  if (doc.kind === 'invalid') return { kind: 'invalid' };
  const statements: Statement[] = [];
  let unknown = false;
  for (const s of doc.statements) {
    if (!isAllow(s)) continue;
    const federated = s.principal.federated ?? [];
    if (federated.length === 0) continue;
    const kinds = federated.map((p) => classifyPrincipal(p, context));
    if (kinds.includes('oidc') || mentionsOidcKeys(s)) statements.push(s);
    else if (kinds.includes('unknown')) unknown = true;
  }
  return { kind: 'ok', statements, unknown };
}

/** Values of `key` under `operator` (both lower case). */
function conditionValues(s: Statement, operator: string, key: string): readonly unknown[] {
  return s.conditions.get(operator)?.get(key) ?? [];
}

/** Whether `key` is restricted to listed values: a pinning operator with values, none a bare wildcard. */
function pins(s: Statement, key: string): boolean {
  for (const op of PINNING_OPERATORS) {
    const values = conditionValues(s, op, key);
    if (values.length === 0) continue;
    const matchesAll = op === 'stringlike' && values.some((v) => typeof v === 'string' && /^[*?]+$/.test(v));
    if (!matchesAll) return true;
  }
  return false;
}

/** Shared shape of the rules that check each OIDC trust statement for one property. */
function perOidcStatement(res: ResourceView, context: RuleContext, compliant: (s: Statement) => boolean, invalidFinding: boolean): RuleOutcome {
  const found = oidcStatements(res, context);
  if (found.kind === 'na') return RuleResult.NOT_APPLICABLE;
  if (found.kind === 'unresolved') return RuleResult.UNRESOLVED;
  if (found.kind === 'invalid') return invalidFinding ? ['document'] : RuleResult.NOT_APPLICABLE;
  const findings = found.statements.filter((s) => !compliant(s)).map(label);
  if (findings.length > 0) return findings;
  if (found.unknown) return RuleResult.UNRESOLVED;
  return found.statements.length > 0 ? RuleResult.COMPLIANT : RuleResult.NOT_APPLICABLE;
}

/** RAM-OIDC1: `oidc:iss` pinned with StringEquals to the trusted provider's issuer. */
const trustPinsIssuer: SecurityRule = {
  id: 'RAM-OIDC1',
  resourceTypes: [ROLE],
  info: 'The OIDC role trust policy does not pin oidc:iss with StringEquals to the issuer of the trusted OIDC provider.',
  explanation: 'RAM requires oidc:iss to use StringEquals; a missing or different issuer condition lets the trust drift from the provider it names and accept tokens it was not written for. A trust policy that is not valid JSON cannot be verified at all.',
  level: RuleLevel.ERROR,
  check: (res, context) => {
    const found = oidcStatements(res, context);
    if (found.kind === 'na') return RuleResult.NOT_APPLICABLE;
    if (found.kind === 'unresolved') return RuleResult.UNRESOLVED;
    if (found.kind === 'invalid') return ['document'];
    const findings: string[] = [];
    let unresolved = found.unknown;
    for (const s of found.statements) {
      const iss = conditionValues(s, 'stringequals', 'oidc:iss');
      if (iss.length === 0 || iss.some((v) => typeof v !== 'string' || v === '')) {
        findings.push(label(s));
        continue;
      }
      if (iss.some(isUnresolved)) {
        unresolved = true;
        continue;
      }
      // The issuer(s) of the provider(s) the statement trusts, when they are in this stack.
      const issuers = new Set<string>();
      let verifiable = true;
      for (const principal of s.principal.federated ?? []) {
        const provider = context.referencedResource(principal);
        const issuer = provider?.type === OIDC_PROVIDER ? provider.config.issuer_url : undefined;
        if (typeof issuer === 'string' && !isUnresolved(issuer)) issuers.add(issuer);
        else verifiable = false;
      }
      if (verifiable && issuers.size > 0) {
        if (!iss.every((v) => issuers.has(v as string))) findings.push(label(s));
      } else {
        // e.g. an imported provider given by literal ARN: the issuer exists but cannot be compared.
        unresolved = true;
      }
    }
    if (findings.length > 0) return findings;
    if (unresolved) return RuleResult.UNRESOLVED;
    return found.statements.length > 0 ? RuleResult.COMPLIANT : RuleResult.NOT_APPLICABLE;
  },
};

/** RAM-OIDC2: the trust restricts `oidc:sub`. */
const trustPinsSubject: SecurityRule = {
  id: 'RAM-OIDC2',
  resourceTypes: [ROLE],
  info: 'The OIDC role trust policy does not restrict oidc:sub.',
  explanation: 'Without a subject condition any workload the issuer signs a token for (any client of the IdP) can assume the role.',
  level: RuleLevel.ERROR,
  check: (res, context) => perOidcStatement(res, context, (s) => pins(s, 'oidc:sub'), false),
};

/** RAM-OIDC3: the trust restricts `oidc:aud`. */
const trustPinsAudience: SecurityRule = {
  id: 'RAM-OIDC3',
  resourceTypes: [ROLE],
  info: 'The OIDC role trust policy does not restrict oidc:aud.',
  explanation: 'Without an audience condition, tokens issued for any client id registered on the provider (meant for other applications) can assume the role.',
  level: RuleLevel.ERROR,
  check: (res, context) => perOidcStatement(res, context, (s) => pins(s, 'oidc:aud'), false),
};

/** RAM-OIDC4: subjects matched with StringLike (warning). */
const trustMatchesSubjectExactly: SecurityRule = {
  id: 'RAM-OIDC4',
  resourceTypes: [ROLE],
  info: 'The OIDC role trust policy matches oidc:sub with StringLike (wildcards).',
  explanation: 'A wildcard subject also admits future identities that happen to match the pattern; list exact subjects with StringEquals unless the pattern is reviewed.',
  level: RuleLevel.WARNING,
  check: (res, context) => perOidcStatement(res, context, (s) => conditionValues(s, 'stringlike', 'oidc:sub').length === 0, false),
};

/** Whether an action grants every action (of a service, or at all). */
function isWildcardAction(action: string): boolean {
  return action.trim() === '*' || /^[^:]+:\*$/.test(action.trim());
}

/** RAM-POL1: no wildcard action or resource in an Allow statement of a custom policy. */
const policyHasNoWildcards: SecurityRule = {
  id: 'RAM-POL1',
  resourceTypes: [POLICY],
  info: 'The custom policy allows a wildcard action ("*" or "service:*") or resource ("*"), or uses NotAction/NotResource in an Allow statement.',
  explanation: 'Wildcard grants give the role every current and future action or resource in scope, far beyond what a machine-to-machine workload needs; list actions and resource ARNs explicitly.',
  level: RuleLevel.ERROR,
  check: (res) => {
    if (res.type !== POLICY) return RuleResult.NOT_APPLICABLE;
    const findings: string[] = [];
    let unresolved = false;
    let seen = false;
    for (const attribute of ['policy_document', 'document'] as const) {
      const doc = parseDocument(res.config[attribute]);
      if (doc.kind === 'absent') continue;
      seen = true;
      if (doc.kind === 'unresolved') { unresolved = true; continue; }
      const prefix = attribute === 'policy_document' ? '' : 'document.';
      if (doc.kind === 'invalid') { findings.push(`${prefix}invalid-json`); continue; }
      for (const s of doc.statements) {
        if (!isAllow(s)) continue;
        const at = `${prefix}${label(s)}`;
        if (s.action.some((a) => typeof a === 'string' && !isWholeExpression(a) && isWildcardAction(a))) findings.push(`${at}.Action`);
        if (s.action.some(isWholeExpression) || s.resource.some(isWholeExpression)) unresolved = true;
        if (s.notAction !== undefined) findings.push(`${at}.NotAction`);
        if (s.resource.some((r) => typeof r === 'string' && r.trim() === '*')) findings.push(`${at}.Resource`);
        if (s.notResource !== undefined) findings.push(`${at}.NotResource`);
      }
    }
    // The deprecated `statement` blocks.
    const blocks = res.config.statement;
    if (isWholeExpression(blocks)) { seen = true; unresolved = true; }
    toArray(Array.isArray(blocks) ? blocks : undefined).forEach((block, i) => {
      seen = true;
      const b = (block && typeof block === 'object' ? block : {}) as Record<string, unknown>;
      if (String(b.effect ?? 'Allow').toLowerCase() !== 'allow') return;
      const actions = toArray(b.action);
      const resources = toArray(b.resource);
      if (actions.some((a) => typeof a === 'string' && !isWholeExpression(a) && isWildcardAction(a))) findings.push(`statement[${i}].action`);
      if (resources.some((r) => typeof r === 'string' && r.trim() === '*')) findings.push(`statement[${i}].resource`);
      if (actions.some(isWholeExpression) || resources.some(isWholeExpression)) unresolved = true;
    });
    if (findings.length > 0) return findings;
    if (unresolved) return RuleResult.UNRESOLVED;
    return seen ? RuleResult.COMPLIANT : RuleResult.NOT_APPLICABLE;
  },
};

/** RAM-IDP1: 1–5 fingerprints on an OIDC provider. */
const providerFingerprintCount: SecurityRule = {
  id: 'RAM-IDP1',
  resourceTypes: [OIDC_PROVIDER],
  info: 'The OIDC provider does not have between 1 and 5 TLS fingerprints.',
  explanation: 'RAM accepts 1 to 5 fingerprints; without one the provider cannot verify the issuer\'s certificate, and more than five fails at apply. Keep old and new only during a certificate rotation.',
  level: RuleLevel.ERROR,
  check: (res) => {
    if (res.type !== OIDC_PROVIDER) return RuleResult.NOT_APPLICABLE;
    const fingerprints = res.config.fingerprints;
    if (isUnresolved(fingerprints)) return RuleResult.UNRESOLVED;
    if (fingerprints !== undefined && fingerprints !== null && !Array.isArray(fingerprints)) return RuleResult.NON_COMPLIANT;
    const count = new Set(toArray(fingerprints).map((f) => (typeof f === 'string' ? f.toLowerCase() : f))).size;
    return count >= 1 && count <= 5 ? RuleResult.COMPLIANT : RuleResult.NON_COMPLIANT;
  },
};

/** Rules for RAM OIDC identity providers, roles and policies (ids `RAM-*`). */
export const RAM_RULES: readonly SecurityRule[] = [
  trustPinsIssuer,
  trustPinsSubject,
  trustPinsAudience,
  trustMatchesSubjectExactly,
  policyHasNoWildcards,
  providerFingerprintCount,
];
