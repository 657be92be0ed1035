import { App, TerraformStack, Testing } from 'cdktf';
import type { IConstruct } from 'constructs';
import { IssuerLookup, M2mAuthorizationServer, SecurityChecks, annotationsByLevel } from '../constructs';
import type { ConstructAnnotation, M2mAuthorizationServerProps } from '../constructs';
import type { IssuerFacts, LockFile } from '../core/issuer-facts';
import { AlicloudProvider } from '../.gen/providers/alicloud/provider';

/** Issuer used by unit tests; its facts below stand in for a recorded lookup. */
export const TEST_ISSUER = 'https://eiam-test.aliyunidaas.com/api/v2/iauths_system/oauth2';
/** Audience identifier used by unit tests. */
export const TEST_AUDIENCE = 'https://eiam-test.aliyunidaas.com';
/** Client id of the seed's M2M client. */
export const SEED_CLIENT_ID = 'app_m7hfgn66xkyyxlhpkiw5kjenhy';

/** A real RSA public key (generated for these tests; the private half was discarded). */
export const TEST_JWK = {
  e: 'AQAB',
  kty: 'RSA',
  n: 'nZdxdcRDuN0j2mc4LJQ6gXgqk1xQwzpfECI9-xuiGwJHzkZDw2a0De0t3kAufdbKBDl9sBp4cw6yozZB4baNMTpbAhwCQSGhO_JHFQE6-2KijpVxJgDilK1mD_gcwg-qSa0i3dc4EmLfawMj038N8cr1XJUBmdr2DiuCQl1g7LsUuMYb88kKEgHpF6s9yA5Ulv7tONB8ZzFwkqOq2kdic-_qY4zQfzXFnzeodZ4dGYAd4TFUeX0iqmftSMqe3LwKrgIhdMR9iqVCGrNrd6Y9pdouEt8MKuGj5-jRxHUXUk52GUEe0g-JVbj_MYdUaWFlGkv7iC4GVe1Cq7o02bstAQ',
};

/** Facts as `npm run lookups` would record them for {@link TEST_ISSUER}. */
export const TEST_FACTS: IssuerFacts = {
  issuer: TEST_ISSUER,
  jwksUri: 'https://eiam-test.aliyunidaas.com/api/v2/iauths_system/oauth2/jwks',
  tokenEndpoint: 'https://eiam-test.aliyunidaas.com/api/v2/iauths_system/oauth2/token',
  hosts: [
    {
      host: 'eiam-test.aliyunidaas.com',
      port: 443,
      presentedTop: { sha1: '4a7c1f0e2b9d3c5e6f708192a3b4c5d6e7f80912', subject: 'CN=Test Intermediate CA', issuer: 'CN=Test Root CA', notAfter: '2030-01-01T00:00:00.000Z' },
      root: { sha1: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c', subject: 'CN=Test Root CA', issuer: 'CN=Test Root CA', notAfter: '2040-01-01T00:00:00.000Z' },
    },
  ],
  fingerprints: ['4a7c1f0e2b9d3c5e6f708192a3b4c5d6e7f80912'],
  keys: [
    { kid: 'AUTHSKEY7Ph6QS83xkN76oRwvZsJT68ejJ4PdAXmk', kty: 'RSA', alg: 'RS256', use: 'sig', thumbprint: 'Ly7lCyRbWVKIGPBoGhEFV4MF-1JUrkRfJsZSsiMTDd8', jwk: TEST_JWK },
  ],
};

/** A lock holding {@link TEST_FACTS}. */
export function testLock(extra: IssuerFacts[] = []): LockFile {
  const issuers: Record<string, IssuerFacts> = { [TEST_ISSUER]: TEST_FACTS };
  for (const facts of extra) issuers[facts.issuer] = facts;
  return { version: 1, issuers };
}

/** Options for {@link testStack}. */
export interface TestStackOptions {
  /** Mark the stack as production for the security checks. */
  readonly production?: boolean;
  /** Attach the security checks aspect (default true). */
  readonly securityChecks?: boolean;
  /** Lock to attach (default: {@link testLock}). */
  readonly lock?: LockFile;
}

/** An App with the test lock attached and one stack with the alicloud provider and the security checks. */
export function testStack(options: TestStackOptions = {}): TerraformStack {
  const app = Testing.app();
  IssuerLookup.attach(app, options.lock ?? testLock());
  const stack = new TerraformStack(app, 'test');
  new AlicloudProvider(stack, 'alicloud', { region: 'cn-hangzhou' });
  if (options.securityChecks ?? true) {
    SecurityChecks.attach(stack, { production: options.production ?? false });
  }
  return stack;
}

/** The seed's M2M server reference: scope `user:read:one` granted to the seed client. */
export function testServer(scope: IConstruct, props: Partial<M2mAuthorizationServerProps> = {}): M2mAuthorizationServer {
  return new M2mAuthorizationServer(scope as never, 'Idaas', {
    issuer: TEST_ISSUER,
    audience: TEST_AUDIENCE,
    scopes: ['user:read:one', 'user:write:one'],
    ...props,
  });
}

/** Synthesizes a stack (running aspects and validations) and returns the parsed JSON. */
export function synthJson(stack: TerraformStack): SynthesizedStack {
  return JSON.parse(Testing.synth(stack, true)) as SynthesizedStack;
}

/** Parsed `cdk.tf.json` shape, loosely typed for assertions. */
export interface SynthesizedStack {
  readonly resource?: Record<string, Record<string, Record<string, any>>>;
  readonly data?: Record<string, Record<string, Record<string, any>>>;
  readonly output?: Record<string, { value: unknown }>;
  readonly provider?: Record<string, unknown[]>;
  readonly terraform?: Record<string, any>;
}

/** All resources of one type in a synthesized stack, in name order. */
export function resourcesOfType(synth: SynthesizedStack, type: string): Record<string, any>[] {
  const byName = synth.resource?.[type] ?? {};
  return Object.keys(byName).sort().map((k) => byName[k]);
}

/** Annotation messages under `scope`, by level (run a synth first so aspects have run). */
export function annotations(scope: IConstruct): { errors: string[]; warnings: string[]; infos: string[] } {
  const found = annotationsByLevel(scope);
  const messages = (list: readonly ConstructAnnotation[]) => list.map((a) => a.message);
  return { errors: messages(found.errors), warnings: messages(found.warnings), infos: messages(found.infos) };
}

/**
 * Runs aspects and the stack's security checks on its synthesized JSON without failing on errors
 * (and without construct validations), then returns the stack's annotations.
 */
export function checkStack(stack: TerraformStack): { errors: string[]; warnings: string[]; infos: string[] } {
  Testing.synth(stack);
  SecurityChecks.of(stack)?.check(stack, stack.toTerraform());
  return annotations(stack);
}

/** Builds a fresh, empty App (for tests that need several stacks). */
export function testApp(lock: LockFile = testLock()): App {
  const app = Testing.app();
  IssuerLookup.attach(app, lock);
  return app;
}
