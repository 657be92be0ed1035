/**
 * RAM OIDC federation: issuer → OIDC provider (fingerprints, client ids) → role (trust
 * conditions: subjects, audiences and their operators) → policies the role holds.
 */
import { parseReference } from '../../core/expressions';
import { loadFederationStack } from '../../emulator';
import type { AccessChange, AccessSystem, Effect, MermaidBuilder } from '../model';
import type { StackResource, SynthesizedStack } from '../synth-output';
import { compareCodeUnits } from '../../core/order';
import { stringList } from '../../core/terraform-json';

/** An `alicloud_ims_oidc_provider`. */
export interface OidcProviderAccess {
  /** `oidc_provider_name`. */
  readonly name: string;
  /** Terraform address. */
  readonly address: string;
  /** `issuer_url`. */
  readonly issuerUrl: string;
  /** TLS fingerprints trusted for the issuer. */
  readonly fingerprints: readonly string[];
  /** Client ids (audiences) accepted. */
  readonly clientIds: readonly string[];
  /** Hours after issuance a token can still be exchanged. */
  readonly issuanceLimitHours?: number;
}

/** One condition of a trust statement. */
export interface TrustCondition {
  /** `StringEquals`, `StringLike`, ... */
  readonly operator: string;
  /** `oidc:sub`, `oidc:aud`, `oidc:iss`, ... */
  readonly key: string;
  /** Allowed values. */
  readonly values: readonly string[];
}

/** One Allow statement of a trust policy. */
export interface TrustStatement {
  /** `Allow` or `Deny`. */
  readonly effect: string;
  /** The OIDC provider's name (or the principal text when it is not a provider of the stack). */
  readonly provider: string;
  /** Conditions. */
  readonly conditions: readonly TrustCondition[];
}

/** A policy attached to a role. */
export interface PolicyGrant {
  /** Policy name. */
  readonly name: string;
  /** `System` or `Custom`. */
  readonly type: string;
  /** `Effect Action Resource` lines of a custom policy of the stack. */
  readonly statements?: readonly string[];
}

/** An `alicloud_ram_role`. */
export interface RoleAccess {
  /** `role_name`. */
  readonly name: string;
  /** Terraform address. */
  readonly address: string;
  /** `max_session_duration`. */
  readonly maxSessionSeconds?: number;
  /** Trust statements; `null` when the document is only known at apply time. */
  readonly trust: readonly TrustStatement[] | null;
  /** Policies attached in the stack. */
  readonly policies: readonly PolicyGrant[];
}

/** The RAM part of one stack. */
export interface RamFederationAccess {
  /** OIDC providers, by name. */
  readonly providers: readonly OidcProviderAccess[];
  /** Roles, by name. */
  readonly roles: readonly RoleAccess[];
}

/** Account id for the ARNs of the STS emulator's reading; only the names in them are used here. */
const ANY_ACCOUNT = '0';

function extract(stack: SynthesizedStack): RamFederationAccess | undefined {
  if (!stack.resources.some((r) => r.type === 'alicloud_ims_oidc_provider' || r.type === 'alicloud_ram_role')) return undefined;
  // The STS emulator's reading of the federation stack: providers, roles, trust policies with
  // provider references replaced by ARNs.
  const federation = loadFederationStack(stack.json, ANY_ACCOUNT);
  const byAddress = new Map(stack.resources.map((r) => [r.address, r]));
  const providers = federation.providers.map((p): OidcProviderAccess => ({
    name: p.name,
    address: p.address,
    issuerUrl: p.issuerUrl,
    fingerprints: [...p.fingerprints].sort(),
    clientIds: [...p.clientIds].sort(),
    issuanceLimitHours: p.issuanceLimitHours,
  }));
  const attachments = stack.resources.filter((r) => r.type === 'alicloud_ram_role_policy_attachment');
  const roles = federation.roles.map((r): RoleAccess => {
    const refersToRole = (value: unknown) => parseReference(value)?.address === r.address || value === r.name;
    const policies = attachments.filter((a) => refersToRole(a.config.role_name)).map((a) => policyGrant(a, byAddress));
    return {
      name: r.name,
      address: r.address,
      maxSessionSeconds: r.maxSessionDurationSeconds,
      trust: r.trustPolicy === undefined ? null : readTrust(r.trustPolicy),
      policies: policies.sort((x, y) => compareCodeUnits(x.name, y.name)),
    };
  });
  return {
    providers: providers.sort((a, b) => compareCodeUnits(a.name, b.name)),
    roles: roles.sort((a, b) => compareCodeUnits(a.name, b.name)),
  };
}

/** `acs:ram::<uid>:oidc-provider/<name>` → `<name>`; any other principal as written. */
function providerName(principal: string): string {
  const m = /:oidc-provider\/(.+)$/.exec(principal);
  return m ? m[1] : principal;
}

function policyGrant(attachment: StackResource, byAddress: ReadonlyMap<string, StackResource>): PolicyGrant {
  const ref = parseReference(attachment.config.policy_name);
  const policy = ref ? byAddress.get(ref.address) : undefined;
  const type = String(attachment.config.policy_type ?? 'Custom');
  if (!policy) return { name: String(attachment.config.policy_name), type };
  return { name: String(policy.config.policy_name ?? policy.config.name ?? ref?.address), type, statements: policyStatements(policy.config.policy_document ?? policy.config.document) };
}

function policyStatements(document: unknown): string[] | undefined {
  if (typeof document !== 'string') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    return undefined;
  }
  const out: string[] = [];
  for (const st of statementsOf(parsed)) {
    for (const action of stringList(st.Action ?? st.NotAction)) {
      for (const resource of stringList(st.Resource ?? st.NotResource)) {
        out.push(`${String(st.Effect)} ${st.NotAction ? 'NOT ' : ''}${action} on ${st.NotResource ? 'NOT ' : ''}${resource}`);
      }
    }
  }
  return out.sort();
}

/** The statements of a policy document (`Statement` may be one object or a list). */
function statementsOf(document: unknown): Record<string, unknown>[] {
  const raw = document && typeof document === 'object' ? (document as { Statement?: unknown }).Statement : undefined;
  const list: unknown[] = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return list.filter((s): s is Record<string, unknown> => !!s && typeof s === 'object' && !Array.isArray(s));
}

function readTrust(parsed: unknown): TrustStatement[] {
  const out: TrustStatement[] = [];
  for (const st of statementsOf(parsed)) {
    const principal = st.Principal && typeof st.Principal === 'object' ? (st.Principal as Record<string, unknown>) : {};
    const federated = stringList(principal.Federated);
    const principals = federated.length > 0 ? federated.map(providerName) : Object.entries(principal).flatMap(([kind, v]) => stringList(v).map((x) => `${kind}:${x}`));
    const conditions: TrustCondition[] = [];
    const cond = st.Condition && typeof st.Condition === 'object' ? (st.Condition as Record<string, unknown>) : {};
    for (const [operator, entries] of Object.entries(cond)) {
      if (!entries || typeof entries !== 'object') continue;
      for (const [key, values] of Object.entries(entries as Record<string, unknown>)) {
        conditions.push({ operator, key, values: stringList(values).sort() });
      }
    }
    conditions.sort((a, b) => compareCodeUnits(`${a.key} ${a.operator}`, `${b.key} ${b.operator}`));
    for (const provider of principals.length > 0 ? principals : ['(no principal)']) {
      out.push({ effect: String(st.Effect ?? 'Allow'), provider, conditions });
    }
  }
  return out;
}

const conditionText = (c: TrustCondition) => `${c.key} ${c.operator} ${c.values.join(', ')}`;

function markdown(model: RamFederationAccess): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const lines: string[] = [];
  if (model.providers.length > 0) {
    lines.push('| OIDC provider | issuer | fingerprints | client ids (aud) | issuance limit |', '|---|---|---|---|---|');
    for (const p of model.providers) {
      lines.push(`| ${cell(p.name)} | ${cell(p.issuerUrl)} | ${p.fingerprints.join('<br>')} | ${cell(p.clientIds.join(', '))} | ${p.issuanceLimitHours ?? 'default'} h |`);
    }
    lines.push('');
  }
  if (model.roles.length > 0) {
    lines.push('| role | trusted provider | conditions | policies | max session |', '|---|---|---|---|---|');
    for (const r of model.roles) {
      const trust = r.trust === null ? [{ provider: '**unknown until apply**', conditions: [] as TrustCondition[], effect: '' }] : r.trust;
      for (const t of trust) {
        const policies = r.policies.map((p) => `${p.name} (${p.type})${p.statements ? `: ${p.statements.join('; ')}` : ''}`).join('<br>') || 'none';
        lines.push(`| ${cell(r.name)} | ${cell(`${t.effect === 'Deny' ? 'DENY ' : ''}${t.provider}`)} | ${cell(t.conditions.map(conditionText).join('<br>'))} | ${cell(policies)} | ${r.maxSessionSeconds ?? 'default'} s |`);
      }
    }
  }
  return lines.join('\n');
}

function mermaid(model: RamFederationAccess, d: MermaidBuilder, stack: string): void {
  for (const p of model.providers) {
    const issuer = d.shared(`issuer|${p.issuerUrl}`, `(["${d.label(`issuer ${p.issuerUrl}`)}"])`);
    const provider = d.id(`${stack}|provider|${p.name}`);
    d.line(`${provider}["${d.label(`OIDC provider ${p.name}<br/>fingerprints ${p.fingerprints.map((f) => f.slice(0, 8)).join(', ')}<br/>aud ${p.clientIds.join(', ')}`)}"]`);
    d.edge(`${issuer} --> ${provider}`);
  }
  for (const r of model.roles) {
    const role = d.id(`${stack}|role|${r.name}`);
    d.line(`${role}["${d.label(`role ${r.name}`)}"]`);
    for (const t of r.trust ?? []) {
      const sub = t.conditions.filter((c) => c.key === 'oidc:sub').map((c) => `${c.operator} ${c.values.join(', ')}`).join('; ') || 'any subject';
      const source = model.providers.some((p) => p.name === t.provider) ? d.id(`${stack}|provider|${t.provider}`) : d.id(`${stack}|principal|${t.provider}`);
      if (!model.providers.some((p) => p.name === t.provider)) d.line(`${source}["${d.label(t.provider)}"]`);
      d.edge(`${source} -->|"${d.label(`sub ${sub}`)}"| ${role}`);
    }
    for (const p of r.policies) {
      const policy = d.id(`${stack}|policy|${r.name}|${p.name}`);
      d.line(`${policy}["${d.label(`${p.type} policy ${p.name}`)}"]`);
      d.edge(`${role} --> ${policy}`);
    }
  }
}

function diff(stack: string, base: RamFederationAccess | undefined, head: RamFederationAccess | undefined): AccessChange[] {
  const out: AccessChange[] = [];
  const add = (effect: Effect, category: AccessChange['category'], subject: string, summary: string, details?: Record<string, unknown>) =>
    out.push({ effect, category, stack, subject, summary, details });
  const setDiff = (a: readonly string[], b: readonly string[]) => ({ added: b.filter((x) => !a.includes(x)), removed: a.filter((x) => !b.includes(x)) });

  const bp = new Map((base?.providers ?? []).map((p) => [p.name, p]));
  const hp = new Map((head?.providers ?? []).map((p) => [p.name, p]));
  for (const [name, p] of hp) {
    const subject = `OIDC provider ${name}`;
    const b = bp.get(name);
    if (!b) {
      add('widens', 'trust', subject, `new OIDC provider trusting issuer ${p.issuerUrl} (aud ${p.clientIds.join(', ')})`, { provider: name, issuer: p.issuerUrl });
      continue;
    }
    if (b.issuerUrl !== p.issuerUrl) add('widens', 'trust', subject, `issuer ${b.issuerUrl} → ${p.issuerUrl}`, { before: b.issuerUrl, after: p.issuerUrl });
    const fp = setDiff(b.fingerprints, p.fingerprints);
    if (fp.added.length > 0 || fp.removed.length > 0) {
      const effect: Effect = fp.added.length > 0 && fp.removed.length > 0 ? 'neutral' : fp.added.length > 0 ? 'widens' : 'narrows';
      const verb = effect === 'neutral' ? 'rotated' : effect === 'widens' ? 'added' : 'removed';
      add(effect, 'key', subject, `TLS fingerprint ${verb}: ${[...fp.removed.map((f) => `-${f}`), ...fp.added.map((f) => `+${f}`)].join(' ')}`, { fingerprintsAdded: fp.added, fingerprintsRemoved: fp.removed });
    }
    const aud = setDiff(b.clientIds, p.clientIds);
    if (aud.added.length > 0) add('widens', 'trust', subject, `now accepts audience ${aud.added.join(', ')}`, { audiencesAdded: aud.added });
    if (aud.removed.length > 0) add('narrows', 'trust', subject, `no longer accepts audience ${aud.removed.join(', ')}`, { audiencesRemoved: aud.removed });
    if ((b.issuanceLimitHours ?? 12) !== (p.issuanceLimitHours ?? 12)) {
      add((p.issuanceLimitHours ?? 12) > (b.issuanceLimitHours ?? 12) ? 'widens' : 'narrows', 'trust', subject, `issuance limit ${b.issuanceLimitHours ?? 12} h → ${p.issuanceLimitHours ?? 12} h`);
    }
  }
  for (const [name, b] of bp) if (!hp.has(name)) add('narrows', 'trust', `OIDC provider ${name}`, `removed (issuer ${b.issuerUrl} no longer trusted)`);

  const br = new Map((base?.roles ?? []).map((r) => [r.name, r]));
  const hr = new Map((head?.roles ?? []).map((r) => [r.name, r]));
  for (const [name, r] of hr) {
    const subject = `RAM role ${name}`;
    const b = br.get(name);
    if (!b) {
      const who = (r.trust ?? []).map((t) => `${t.provider}: ${t.conditions.map(conditionText).join('; ')}`).join(' / ') || 'unknown trust';
      add('widens', 'trust', subject, `new role assumable via ${who}; policies ${r.policies.map((p) => p.name).join(', ') || 'none'}`, { role: name, trust: r.trust, policies: r.policies });
      continue;
    }
    diffTrust(b, r, (effect, summary, details) => add(effect, 'trust', subject, summary, { role: name, ...details }));
    const bpol = new Map(b.policies.map((p) => [`${p.type}:${p.name}`, p]));
    const hpol = new Map(r.policies.map((p) => [`${p.type}:${p.name}`, p]));
    for (const [key, p] of hpol) {
      const old = bpol.get(key);
      if (!old) add('widens', 'permission', subject, `${p.type} policy ${p.name} attached${p.statements ? ` (${p.statements.join('; ')})` : ''}`, { policy: p.name });
      else if (old.statements && p.statements) {
        const st = setDiff(old.statements, p.statements);
        for (const s of st.added) add(s.startsWith('Deny') ? 'narrows' : 'widens', 'permission', subject, `policy ${p.name}: + ${s}`, { policy: p.name });
        for (const s of st.removed) add(s.startsWith('Deny') ? 'widens' : 'narrows', 'permission', subject, `policy ${p.name}: - ${s}`, { policy: p.name });
      }
    }
    for (const [key, p] of bpol) if (!hpol.has(key)) add('narrows', 'permission', subject, `${p.type} policy ${p.name} detached`, { policy: p.name });
    if ((r.maxSessionSeconds ?? 3600) !== (b.maxSessionSeconds ?? 3600)) {
      add((r.maxSessionSeconds ?? 3600) > (b.maxSessionSeconds ?? 3600) ? 'widens' : 'narrows', 'trust', subject, `max session ${b.maxSessionSeconds ?? 3600} s → ${r.maxSessionSeconds ?? 3600} s`);
    }
  }
  for (const [name, b] of br) if (!hr.has(name)) add('narrows', 'trust', `RAM role ${name}`, `removed (policies ${b.policies.map((p) => p.name).join(', ') || 'none'})`);
  return out;
}

const isPattern = (operator: string, value: string) => /like/i.test(operator) && /[*?]/.test(value);

function diffTrust(b: RoleAccess, r: RoleAccess, add: (effect: Effect, summary: string, details?: Record<string, unknown>) => void): void {
  if (r.trust === null) {
    if (b.trust !== null) add('widens', 'trust policy can no longer be read (only known at apply time)');
    return;
  }
  if (b.trust === null) {
    add('neutral', `trust policy can be read again: ${r.trust.map((t) => t.provider).join(', ')}`);
    return;
  }
  const byProvider = (list: readonly TrustStatement[]) => new Map(list.filter((t) => t.effect !== 'Deny').map((t) => [t.provider, t]));
  const bs = byProvider(b.trust);
  const hs = byProvider(r.trust);
  for (const [provider, t] of hs) {
    const old = bs.get(provider);
    if (!old) {
      add('widens', `now trusts ${provider} with ${t.conditions.map(conditionText).join('; ') || 'no conditions'}`, { provider });
      continue;
    }
    const keys = new Set([...old.conditions, ...t.conditions].map((c) => c.key));
    for (const key of keys) {
      const before = old.conditions.filter((c) => c.key === key);
      const after = t.conditions.filter((c) => c.key === key);
      const text = (list: TrustCondition[]) => list.map((c) => `${c.operator} ${c.values.join(', ')}`).join('; ') || 'not checked';
      if (text(before) === text(after)) continue;
      const pairs = (list: TrustCondition[]) => list.flatMap((c) => c.values.map((v) => `${c.operator}\u0000${v}`));
      const pb = pairs(before);
      const pa = pairs(after);
      const added = pa.filter((p) => !pb.includes(p));
      const patterns = added.map((p) => p.split('\u0000')).filter(([op, v]) => isPattern(op, v)).map(([, v]) => v);
      const widens = after.length === 0 || added.length > 0;
      const narrowsToo = before.length === 0;
      const effect: Effect = narrowsToo ? 'narrows' : widens ? 'widens' : 'narrows';
      const pattern = patterns.length > 0 ? ` (pattern ${patterns.join(', ')} matches more than one value)` : '';
      add(effect, `${key}: ${text(before)} → ${text(after)}${pattern}`, { provider, key, before, after, patterns });
    }
  }
  for (const [provider] of bs) if (!hs.has(provider)) add('narrows', `no longer trusts ${provider}`, { provider });
}

/** The RAM OIDC federation system. */
export const RAM_FEDERATION: AccessSystem<RamFederationAccess> = {
  id: 'ram',
  title: 'RAM OIDC federation',
  extract,
  markdown,
  mermaid,
  diff,
};
