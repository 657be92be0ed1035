import type { TerraformStack } from 'cdktf';
import { OidcProvider, OidcRole } from '../../../constructs';
import type { OidcProviderOptions, OidcRoleProps } from '../../../constructs';
import type { IssuerFacts } from '../../../core/issuer-facts';
import { SEED_CLIENT_ID, TEST_FACTS, testLock, testServer, testStack } from '../../util';
import type { SynthesizedStack } from '../../util';

/** The fingerprint recorded for the test issuer. */
export const RECORDED_FINGERPRINT = TEST_FACTS.fingerprints[0];
/** Root CA fingerprint of the test issuer (observed, but not what RAM checks). */
export const ROOT_FINGERPRINT = TEST_FACTS.hosts[0].root.sha1;

/** A distinct, well-formed 40-hex fingerprint. */
export function fingerprint(n: number): string {
  return n.toString(16).padStart(2, '0').repeat(20);
}

/** `count` distinct client ids. */
export function clientIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `app_client_${String(i).padStart(2, '0')}`);
}

/** The test issuer's facts with other recorded fingerprints (e.g. old + new during rotation). */
export function factsWithFingerprints(fingerprints: string[]): IssuerFacts {
  return { ...TEST_FACTS, fingerprints };
}

/** A test stack whose lock records `fingerprints` for the test issuer. */
export function stackWithFingerprints(fingerprints: string[]): TerraformStack {
  return testStack({ lock: testLock([factsWithFingerprints(fingerprints)]) });
}

/** The seed's OIDC provider: from the test M2M server (its issuer and audience). */
export function testProvider(stack: TerraformStack, options: OidcProviderOptions = {}): OidcProvider {
  return OidcProvider.forM2mServer(stack, 'IdaasProvider', testServer(stack), { oidcProviderName: 'idaas-m2m', ...options });
}

/** A role trusting `provider` for the seed's client. */
export function testRole(stack: TerraformStack, provider: OidcProvider, props: Partial<OidcRoleProps> = {}): OidcRole {
  return new OidcRole(stack, 'ReportingRole', { provider, allowedSubjects: [SEED_CLIENT_ID], roleName: 'reporting-m2m', ...props });
}

/** The only resource of a type in a synthesized stack (fails loudly when there are several). */
export function onlyResource(synth: SynthesizedStack, type: string): Record<string, any> {
  const all = Object.values(synth.resource?.[type] ?? {});
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

/** Terraform address of a resource, as it appears in `${...}` references. */
export function addressOf(synth: SynthesizedStack, type: string): string {
  const names = Object.keys(synth.resource?.[type] ?? {});
  if (names.length !== 1) throw new Error(`expected exactly one ${type}, found ${names.length}`);
  return `${type}.${names[0]}`;
}

/** Replaces the role's trust policy through the L1 escape hatch, starting from the rendered one. */
export function overrideTrust(role: OidcRole, mutate: (document: any) => void): void {
  const document = JSON.parse(role.assumeRolePolicyDocument);
  mutate(document);
  role.resource.addOverride('assume_role_policy_document', JSON.stringify(document));
}
