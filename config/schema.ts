/**
 * The runtime shape of the config: strict zod schemas mirroring the interfaces in
 * `environment.ts` and `credentials.ts`. Every object is a `z.strictObject`, so an unknown key
 * (a typo) is an error naming its field path; `exactSchema` makes `tsc` fail when a schema and
 * its interface disagree (a field added to one but not the other).
 *
 * Shape and value sets live here; rules that relate fields (a client's scopes exist, names are
 * unique, production needs OSS state, ...) live in `validate.ts`.
 *
 * Extending: see the header of `environment.ts`.
 */
import { z } from 'zod';
import { STAGE_NAMES } from '../core/stages';
import { type ApigConfig, apigConfigSchema } from './apig';
import { clientAuthConfigSchema } from './client-auth';
import { exactSchema } from './exact-schema';
import type { AssumeRoleConfig, AssumeRoleWithOidcConfig, CredentialsConfig } from './credentials';
import type {
  ApiConfig, EnvironmentConfig, FederationConfig, GatewayConfig, HttpMethodName, M2mClientConfig, M2mServerConfig,
  OssStateConfig, RoleConfig, StateConfig, ThrottleConfig,
} from './environment';
import { ociConfigSchema } from './oci';
import { show } from './show';

export { exactSchema } from './exact-schema';

/** HTTP methods an API can be called with. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const satisfies readonly HttpMethodName[];

const stageName = z.enum(STAGE_NAMES, { error: (issue) => `is not a stage, got ${show(issue.input)}. Use TEST, PRE or RELEASE.` });
const httpMethod = z.enum(HTTP_METHODS, { error: (issue) => `must be an HTTP method (${HTTP_METHODS.join(', ')}), got ${show(issue.input)}.` });
const strings = z.array(z.string()).readonly();

export const m2mServerConfigSchema = exactSchema<M2mServerConfig>()(z.strictObject({
  issuer: z.string(),
  audience: z.string(),
  scopes: strings,
  expectedFingerprints: strings.optional(),
  signingKeyId: z.string().optional(),
}));


export const m2mClientConfigSchema = exactSchema<M2mClientConfig>()(z.strictObject({
  name: z.string(),
  clientId: z.string(),
  grantedScopes: strings,
  clientAuth: clientAuthConfigSchema.optional(),
}));

export const throttleConfigSchema = exactSchema<ThrottleConfig>()(z.strictObject({
  requestsPerMinute: z.number(),
}));

export const apiConfigSchema = exactSchema<ApiConfig>()(z.strictObject({
  name: z.string(),
  description: z.string(),
  path: z.string(),
  method: httpMethod,
  backendPath: z.string(),
  backendMethod: httpMethod.optional(),
  requiredScopes: strings,
  allowedClients: strings,
  stages: z.array(stageName).readonly().optional(),
}));

export const gatewayConfigSchema = exactSchema<GatewayConfig>()(z.strictObject({
  groupName: z.string(),
  description: z.string(),
  backendName: z.string(),
  backendAddress: z.string(),
  instanceId: z.string().optional(),
  tokenLocation: z.enum(['query', 'bearer'], { error: (issue) => `must be "query" or "bearer", got ${show(issue.input)}.` }),
  preventJtiReplay: z.boolean().optional(),
  allowJtiReplay: z.strictObject({ reason: z.string() }).optional(),
  throttle: throttleConfigSchema.optional(),
  apis: z.array(apiConfigSchema).readonly(),
}));

export const roleConfigSchema = exactSchema<RoleConfig>()(z.strictObject({
  name: z.string(),
  description: z.string(),
  subjects: strings,
  systemPolicies: strings,
  maxSessionDurationSeconds: z.number().optional(),
}));

export const federationConfigSchema = exactSchema<FederationConfig>()(z.strictObject({
  providerName: z.string(),
  issuanceLimitHours: z.number().optional(),
  roles: z.array(roleConfigSchema).readonly(),
}));

export const ossStateConfigSchema = exactSchema<OssStateConfig>()(z.strictObject({
  bucket: z.string(),
  region: z.string(),
  prefix: z.string(),
  tablestoreEndpoint: z.string(),
  tablestoreTable: z.string(),
}));

export const stateConfigSchema = exactSchema<StateConfig>()(z.strictObject({
  oss: ossStateConfigSchema.optional(),
}));

export const assumeRoleConfigSchema = exactSchema<AssumeRoleConfig>()(z.strictObject({
  roleArn: z.string(),
  sessionName: z.string().optional(),
  externalId: z.string().optional(),
}));

export const assumeRoleWithOidcConfigSchema = exactSchema<AssumeRoleWithOidcConfig>()(z.strictObject({
  roleArn: z.string(),
  oidcProviderArn: z.string(),
  oidcTokenFile: z.string().optional(),
  roleSessionName: z.string().optional(),
}));

export const credentialsConfigSchema = exactSchema<CredentialsConfig>()(z.strictObject({
  profile: z.string().optional(),
  assumeRole: assumeRoleConfigSchema.optional(),
  assumeRoleWithOidc: assumeRoleWithOidcConfigSchema.optional(),
}));

/** The whole environment. Add one line per optional section (see `environment.ts`). */
export const environmentConfigSchema = exactSchema<EnvironmentConfig>()(z.strictObject({
  name: z.string(),
  region: z.string(),
  accountId: z.string(),
  credentials: credentialsConfigSchema.optional(),
  production: z.boolean(),
  stages: z.array(stageName).readonly(),
  m2mServer: m2mServerConfigSchema,
  clients: z.array(m2mClientConfigSchema).readonly(),
  gateway: gatewayConfigSchema,
  federation: federationConfigSchema,
  state: stateConfigSchema,
  apig: exactSchema<ApigConfig>()(apigConfigSchema).optional(),
  oci: ociConfigSchema.optional(),
}));
