/**
 * Cloud-native API Gateway (APIG): `JWTAuth` policies (`alicloud_apig_policy`), what they are
 * attached to, the rule mode (whitelist: everything needs a token except the exempt paths;
 * blacklist: only the listed paths need one), and the trusted issuer, subject and keys.
 */
import { readJwtAuthPolicyConfig } from '../../constructs';
import { jwkThumbprint } from '../../lookups/jwk-thumbprint';
import type { AccessChange, AccessSystem, Effect, MermaidBuilder } from '../model';
import type { SynthesizedStack } from '../synth-output';
import { compareCodeUnits } from '../../core/order';

/** One `JWTAuth` policy. */
export interface ApigJwtPolicy {
  /** Terraform address. */
  readonly address: string;
  /** What it is attached to, e.g. `Gateway gw-123`. */
  readonly attachedTo: string;
  /** Environment id, when set. */
  readonly environment?: string;
  /** `enable`. */
  readonly enabled: boolean;
  /** Trusted issuer. */
  readonly issuer?: string;
  /** Required subject, when set. */
  readonly subject?: string;
  /** `whitelist` (exempt paths skip authentication) or `blacklist` (only listed paths need it). */
  readonly mode: 'whitelist' | 'blacklist';
  /** Listed `domain path` rules: exempt in whitelist mode, protected in blacklist mode. */
  readonly rules: readonly string[];
  /** Where the token is read, e.g. `HEADER Authorization Bearer`. */
  readonly token: string;
  /** Thumbprints of the trusted keys (`kid:thumbprint`). */
  readonly keys: readonly string[];
  /** Why the config could not be read (fully), when it could not: not JSON, or values of the wrong type, which are left out. */
  readonly problem?: string;
}

/** The APIG part of one stack. */
export interface ApigAccess {
  /** JWTAuth policies, by address. */
  readonly policies: readonly ApigJwtPolicy[];
}

function extract(stack: SynthesizedStack): ApigAccess | undefined {
  const policies = stack.resources.filter((r) => r.type === 'alicloud_apig_policy' && String(r.config.policy_class_name).toLowerCase() === 'jwtauth');
  if (policies.length === 0) return undefined;
  return {
    policies: policies.map((r): ApigJwtPolicy => {
      const attachedTo = `${String(r.config.attach_resource_type)} ${(Array.isArray(r.config.attach_resource_ids) ? r.config.attach_resource_ids : []).join(', ')}`;
      const base = { address: r.address, attachedTo, environment: r.config.environment_id === undefined ? undefined : String(r.config.environment_id) };
      // The one reading of policy_config (keys case-insensitive), shared with the security rules and the emulator.
      const config = readJwtAuthPolicyConfig(String(r.config.policy_config));
      if (typeof config === 'string') return { ...base, enabled: true, mode: 'whitelist', rules: [], token: 'unknown', keys: [], problem: config };
      const jwks = config.jwks;
      const keys = jwks === undefined ? [] : 'keys' in jwks ? jwks.keys.map((k) => `${typeof k.kid === 'string' ? k.kid : '(no kid)'}:${jwkThumbprint(k) ?? 'unknown'}`) : ['unreadable'];
      const problems = [...config.problems, ...(jwks && 'problem' in jwks ? [jwks.problem] : [])];
      return {
        ...base,
        enabled: config.enable !== false,
        issuer: config.issuer,
        subject: config.sub,
        mode: config.isWhite === false ? 'blacklist' : 'whitelist',
        rules: (config.authResourceList ?? []).map((x) => `${x.domain ?? '*'} ${x.path ?? ''}`).sort(),
        token: [config.tokenPosition, config.tokenName, config.tokenNamePrefix].filter((x) => x !== undefined && x !== '').join(' '),
        keys,
        ...(problems.length > 0 ? { problem: problems.join('; ') } : {}),
      };
    }).sort((a, b) => compareCodeUnits(a.address, b.address)),
  };
}

/** What an unreadable `policy_config` is shown as: never as the rules that could be read of it. */
function unknownEnforcement(p: ApigJwtPolicy): string {
  return `policy_config cannot be read fully (${p.problem}): what the gateway enforces is unknown`;
}

function describeRules(p: ApigJwtPolicy): string {
  if (p.problem !== undefined) return unknownEnforcement(p);
  if (p.mode === 'whitelist') return p.rules.length === 0 ? 'every request needs a token' : `every request needs a token except ${p.rules.join(', ')}`;
  return `only ${p.rules.join(', ') || 'nothing'} needs a token`;
}

function markdown(model: ApigAccess): string {
  const cell = (t: string) => t.replace(/\|/g, '\\|');
  const lines = ['| JWTAuth policy | attached to | enabled | mode | issuer / sub | token | keys |', '|---|---|---|---|---|---|---|'];
  for (const p of model.policies) {
    const enabled = p.problem !== undefined ? '**unknown**' : p.enabled ? 'yes' : '**no**';
    lines.push(`| ${cell(p.address)} | ${cell(p.attachedTo)}${p.environment ? ` (env ${cell(p.environment)})` : ''} | ${enabled} | ${cell(describeRules(p))} | ${cell(`${p.issuer ?? '(none)'}${p.subject ? ` / ${p.subject}` : ''}`)} | ${cell(p.token)} | ${cell(p.keys.join(', '))} |`);
  }
  return lines.join('\n');
}

function mermaid(model: ApigAccess, d: MermaidBuilder, stack: string): void {
  for (const p of model.policies) {
    const node = d.id(`${stack}|apig|${p.address}`);
    d.line(`${node}["${d.label(`APIG JWTAuth on ${p.attachedTo}<br/>${p.enabled || p.problem !== undefined ? describeRules(p) : 'DISABLED'}`)}"]`);
    if (p.issuer) d.edge(`${d.shared(`issuer|${p.issuer}`, `(["${d.label(`issuer ${p.issuer}`)}"])`)} -->|"${d.label(p.subject ? `sub ${p.subject}` : 'any subject')}"| ${node}`);
  }
}

function diff(stack: string, base: ApigAccess | undefined, head: ApigAccess | undefined): AccessChange[] {
  const out: AccessChange[] = [];
  const add = (effect: Effect, category: AccessChange['category'], p: ApigJwtPolicy, summary: string, details: Record<string, unknown> = {}) =>
    out.push({ effect, category, stack, subject: `APIG JWTAuth ${p.address} on ${p.attachedTo}`, summary, details: { address: p.address, attachedTo: p.attachedTo, ...details } });
  const before = new Map((base?.policies ?? []).map((p) => [p.address, p]));
  const after = new Map((head?.policies ?? []).map((p) => [p.address, p]));
  for (const [address, p] of after) {
    const b = before.get(address);
    if (!b) {
      // Only a policy that could be read is claimed to narrow access.
      add(p.problem === undefined ? 'narrows' : 'neutral', 'plugin', p, `JWT authentication added: ${describeRules(p)}`);
      continue;
    }
    if (b.attachedTo !== p.attachedTo) add('neutral', 'plugin', p, `attachment ${b.attachedTo} → ${p.attachedTo} (requests of the old target are no longer authenticated by it)`);
    // With either side read only in part, comparing field by field would report changes of values
    // the gateway may read differently: report the one thing known instead.
    if (p.problem !== undefined) {
      // A value the reader leaves out (e.g. `"enable": "false"`, a string) may mean anything to the gateway: flag it.
      if (p.problem !== b.problem) add('widens', 'plugin', p, unknownEnforcement(p));
      continue;
    }
    if (b.problem !== undefined) {
      add('neutral', 'plugin', p, `policy_config can be read again: ${p.enabled ? describeRules(p) : 'disabled'}`);
      continue;
    }
    if (b.enabled !== p.enabled) add(p.enabled ? 'narrows' : 'widens', 'plugin', p, p.enabled ? 'enabled' : 'disabled: requests are no longer authenticated');
    if (b.mode !== p.mode) add(p.mode === 'blacklist' ? 'widens' : 'narrows', 'plugin', p, `rule mode ${b.mode} → ${p.mode}: ${describeRules(p)}`);
    else {
      const added = p.rules.filter((r) => !b.rules.includes(r));
      const removed = b.rules.filter((r) => !p.rules.includes(r));
      const exempt = p.mode === 'whitelist';
      for (const r of added) add(exempt ? 'widens' : 'narrows', 'access', p, exempt ? `path ${r} is now exempt from authentication` : `path ${r} now needs a token`, { rule: r });
      for (const r of removed) add(exempt ? 'narrows' : 'widens', 'access', p, exempt ? `path ${r} is no longer exempt` : `path ${r} no longer needs a token`, { rule: r });
    }
    if (b.issuer !== p.issuer) add('widens', 'trust', p, `issuer ${b.issuer ?? '(none)'} → ${p.issuer ?? '(none)'}`);
    if (b.subject !== p.subject) add(p.subject === undefined ? 'widens' : b.subject === undefined ? 'narrows' : 'widens', 'trust', p, `sub ${b.subject ?? '(any)'} → ${p.subject ?? '(any)'}`);
    if (b.token !== p.token) add('neutral', 'plugin', p, `token location ${b.token} → ${p.token}`);
    if (b.keys.join() !== p.keys.join()) {
      const k = { added: p.keys.filter((x) => !b.keys.includes(x)), removed: b.keys.filter((x) => !p.keys.includes(x)) };
      add(k.added.length > 0 && k.removed.length > 0 ? 'neutral' : k.added.length > 0 ? 'widens' : 'narrows', 'key', p, `trusted keys: ${[...k.removed.map((x) => `-${x}`), ...k.added.map((x) => `+${x}`)].join(' ')}`);
    }
  }
  for (const [address, b] of before) if (!after.has(address)) add('widens', 'plugin', b, 'JWT authentication removed');
  return out;
}

/** The cloud-native APIG system. */
export const APIG: AccessSystem<ApigAccess> = { id: 'apig', title: 'Cloud-native API Gateway (APIG)', extract, markdown, mermaid, diff };
