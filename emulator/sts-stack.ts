/**
 * Reads a synthesized federation stack (`cdk.tf.json`) into what the STS emulator needs: the RAM
 * OIDC identity providers (`alicloud_ims_oidc_provider`), the RAM roles (`alicloud_ram_role`) with
 * their trust policies, and the stack's outputs, with the ARNs the emulator answers to.
 *
 * ARNs are what RAM would assign: `acs:ram::<uid>:oidc-provider/<name>` and
 * `acs:ram::<uid>:role/<name in lower case>` (RAM writes role names in ARNs in lower case).
 */
import { OIDC_ISSUANCE_LIMIT_HOURS, RAM_ROLE_SESSION_SECONDS } from '../core/ranges';
import { isExpression, parseReference } from './references';

const PROVIDER = 'alicloud_ims_oidc_provider';
const ROLE = 'alicloud_ram_role';

/** Issuance limit RAM applies when `issuance_limit_time` is not set, in hours. */
const DEFAULT_ISSUANCE_LIMIT_HOURS = OIDC_ISSUANCE_LIMIT_HOURS.default;
/** `max_session_duration` RAM applies when it is not set, in seconds. */
const DEFAULT_MAX_SESSION_SECONDS = RAM_ROLE_SESSION_SECONDS.default;

/** An `alicloud_ims_oidc_provider` of the stack. */
export interface EmulatedOidcProvider {
  /** Resource address, e.g. `alicloud_ims_oidc_provider.OidcProvider_A3C7D7F2`. */
  readonly address: string;
  /** `oidc_provider_name`. */
  readonly name: string;
  /** ARN the emulator answers to. */
  readonly arn: string;
  /** `issuer_url`: the token's `iss` must equal it. */
  readonly issuerUrl: string;
  /** `client_ids`: the token's `aud` must hold one of them. */
  readonly clientIds: readonly string[];
  /** `fingerprints` (SHA-1 of the issuer's certificate, lower-case hex). */
  readonly fingerprints: readonly string[];
  /** `issuance_limit_time` in hours. */
  readonly issuanceLimitHours: number;
}

/** An `alicloud_ram_role` of the stack. */
export interface EmulatedRole {
  /** Resource address. */
  readonly address: string;
  /** `role_name`. */
  readonly name: string;
  /** ARN the emulator answers to. */
  readonly arn: string;
  /** `max_session_duration` in seconds. */
  readonly maxSessionDurationSeconds: number;
  /** The trust policy with references to providers of the stack replaced by their ARNs; `undefined` when unreadable. */
  readonly trustPolicy?: unknown;
  /** Why the trust policy could not be read (every request is then refused). */
  readonly trustPolicyProblem?: string;
}

/** A federation stack as the STS emulator sees it. */
export interface FederationModel {
  /** Account UID used in the ARNs. */
  readonly accountId: string;
  /** OIDC identity providers. */
  readonly providers: readonly EmulatedOidcProvider[];
  /** RAM roles. */
  readonly roles: readonly EmulatedRole[];
  /** The stack's outputs whose value the emulator can resolve (e.g. `oidc_provider_arn`, `role_arn_*`). */
  readonly outputs: Readonly<Record<string, string>>;
  /** What could not be read (unresolved values); requests touching them are refused. */
  readonly warnings: readonly string[];
}

/**
 * Reads a parsed `cdk.tf.json`.
 * @param accountId - account UID the emulated RAM lives in (ARNs are built with it)
 */
export function loadFederationStack(stack: unknown, accountId: string): FederationModel {
  if (!/^\d+$/.test(accountId)) throw new Error(`accountId must be digits (an Alibaba Cloud UID), got ${JSON.stringify(accountId)}`);
  const root = (stack && typeof stack === 'object' ? stack : {}) as Record<string, any>;
  const resources = (root.resource ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
  const warnings: string[] = [];
  const arns = new Map<string, string>();

  const providers: EmulatedOidcProvider[] = [];
  for (const [name, config] of Object.entries(resources[PROVIDER] ?? {})) {
    const address = `${PROVIDER}.${name}`;
    const providerName = literal(config.oidc_provider_name);
    const issuerUrl = literal(config.issuer_url);
    if (providerName === undefined || issuerUrl === undefined) {
      warnings.push(`${address}: oidc_provider_name or issuer_url is not a literal, so the provider is not emulated`);
      continue;
    }
    const arn = `acs:ram::${accountId}:oidc-provider/${providerName}`;
    arns.set(address, arn);
    const limit = config.issuance_limit_time === undefined ? DEFAULT_ISSUANCE_LIMIT_HOURS : Number(config.issuance_limit_time);
    providers.push({
      address,
      name: providerName,
      arn,
      issuerUrl,
      clientIds: literals(config.client_ids, `${address}.client_ids`, warnings),
      fingerprints: literals(config.fingerprints, `${address}.fingerprints`, warnings).map((f) => f.toLowerCase()),
      issuanceLimitHours: Number.isFinite(limit) ? limit : DEFAULT_ISSUANCE_LIMIT_HOURS,
    });
  }

  const roles: EmulatedRole[] = [];
  for (const [name, config] of Object.entries(resources[ROLE] ?? {})) {
    const address = `${ROLE}.${name}`;
    const roleName = literal(config.role_name) ?? literal(config.name);
    if (roleName === undefined) {
      warnings.push(`${address}: role_name is not a literal, so the role is not emulated`);
      continue;
    }
    const arn = `acs:ram::${accountId}:role/${roleName.toLowerCase()}`;
    arns.set(address, arn);
    const max = config.max_session_duration === undefined ? DEFAULT_MAX_SESSION_SECONDS : Number(config.max_session_duration);
    const base = { address, name: roleName, arn, maxSessionDurationSeconds: Number.isFinite(max) ? max : DEFAULT_MAX_SESSION_SECONDS };
    const document = config.assume_role_policy_document ?? config.document;
    if (typeof document !== 'string') {
      roles.push({ ...base, trustPolicyProblem: 'assume_role_policy_document is not a string' });
      continue;
    }
    const { text, unresolved } = substituteArns(document, arns);
    if (unresolved.length > 0) {
      roles.push({ ...base, trustPolicyProblem: `the trust policy references values only known at apply time (${unresolved.join(', ')})` });
      continue;
    }
    try {
      roles.push({ ...base, trustPolicy: JSON.parse(text) as unknown });
    } catch (error) {
      roles.push({ ...base, trustPolicyProblem: `the trust policy is not JSON: ${(error as Error).message}` });
    }
  }
  for (const role of roles) if (role.trustPolicyProblem) warnings.push(`${role.address}: ${role.trustPolicyProblem}; every request for this role is refused`);

  const outputs: Record<string, string> = {};
  for (const [name, output] of Object.entries((root.output ?? {}) as Record<string, { value?: unknown }>)) {
    const value = output?.value;
    const ref = parseReference(value);
    if (ref && ref.attribute === 'arn' && arns.has(ref.address)) outputs[name] = arns.get(ref.address) as string;
    else if (typeof value === 'string' && !isExpression(value)) outputs[name] = value;
  }
  return { accountId, providers, roles, outputs, warnings };
}

/** Replaces `${<provider or role>.arn}` references inside a JSON document by the emulated ARNs. */
function substituteArns(document: string, arns: ReadonlyMap<string, string>): { text: string; unresolved: string[] } {
  const unresolved: string[] = [];
  const text = document.replace(/\$\{([^}]*)\}/g, (whole: string) => {
    const ref = parseReference(whole);
    if (ref && ref.attribute === 'arn' && arns.has(ref.address)) return arns.get(ref.address) as string;
    unresolved.push(whole);
    return whole;
  });
  return { text, unresolved };
}

function literal(value: unknown): string | undefined {
  return typeof value === 'string' && !isExpression(value) ? value : undefined;
}

function literals(value: unknown, field: string, warnings: string[]): string[] {
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const v of value) {
    const s = literal(v);
    if (s === undefined) warnings.push(`${field}: ${JSON.stringify(v)} is not a literal and is ignored`);
    else out.push(s);
  }
  return out;
}
