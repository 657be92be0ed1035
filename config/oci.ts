/**
 * Typed configuration of an environment's OCI side (seed 002): an identity domain acting as the
 * authorization server (its resource server and confidential clients), an API Gateway (created
 * or imported) and token-protected deployments. Data plus its validation; stacks map it to
 * constructs.
 */
import { z } from 'zod';
import { checkHttpsUrl } from '../core/https-url';
import { ocidResourceType } from '../core/ocid';
import { type ClientAuthConfig, checkClientAuth, clientAuthConfigSchema } from './client-auth';
import { exactSchema } from './exact-schema';
import { show } from './show';

/** HTTP methods an OCI route can match. */
export type OciMethodName = 'ANY' | 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** The authorization server: an OCI IAM identity domain (or, in the example, the demo issuer). */
export interface OciIdentityDomainConfig {
  /** URL of the identity domain, e.g. `https://idcs-0123….identity.oraclecloud.com`: the apps are created there. */
  readonly url: string;
  /**
   * Issuer of its tokens (`iss`), recorded in `lookups.lock.json` with its `jwks_uri`
   * (`<domain>/admin/v1/SigningCert/jwk`, which must answer without credentials).
   */
  readonly issuer: string;
  /** Audience of the resource server (`aud` of the tokens), e.g. `application1`. */
  readonly audience: string;
  /** Scopes the resource server defines, e.g. `ApplicationReadA`. */
  readonly scopes: readonly string[];
}

/** The API Gateway: give `gatewayId` to import one, or `subnetId` to create one. */
export interface OciGatewayConfig {
  /**
   * OCID of an existing gateway.
   * @default - a gateway is created in `subnetId`
   */
  readonly gatewayId?: string;
  /**
   * OCID of the subnet a new gateway is placed in.
   * @default - none (then `gatewayId` is required)
   */
  readonly subnetId?: string;
  /**
   * Endpoint type of a new gateway.
   * @default 'PRIVATE'
   */
  readonly endpointType?: 'PUBLIC' | 'PRIVATE';
}

/** A confidential client (technical user, client credentials). */
export interface OciClientConfig {
  /** Name used in construct ids, display names and `allowedClients`. */
  readonly name: string;
  /**
   * Client id of a client created elsewhere (referenced, not created).
   * @default - the client is created in the identity domain (its secret is fetched after deploy)
   */
  readonly clientId?: string;
  /** Scopes of the resource server the client is granted. */
  readonly grantedScopes: readonly string[];
  /**
   * How `npm run verify` gets this client's tokens from the identity domain's token endpoint:
   * the name of the environment variable holding its secret (never the secret) and the method.
   * @default - verify cannot get tokens for this client (its rows fail, naming this field)
   */
  readonly clientAuth?: ClientAuthConfig;
}

/** A claim every token must carry with exactly one of the values (use case 2). */
export interface OciClaimConfig {
  /** Claim name, e.g. `APIGWMichael4`. */
  readonly name: string;
  /** Accepted values (exact, whole-value match). */
  readonly anyOfValues: readonly string[];
}

/** One route of a deployment. */
export interface OciRouteConfig {
  /** Path below the deployment's prefix, starting with `/`. */
  readonly path: string;
  /**
   * Methods.
   * @default ['GET']
   */
  readonly methods?: readonly OciMethodName[];
  /** https URL of the backend. */
  readonly backendUrl: string;
  /**
   * Scopes of which a token must hold one. Required unless the deployment has `requiredClaims`.
   * @default - authentication only (with `requiredClaims`)
   */
  readonly anyOfScopes?: readonly string[];
}

/** One deployment (path prefix) on the gateway. */
export interface OciDeploymentConfig {
  /** Name used in construct ids and display names. */
  readonly name: string;
  /** Path prefix, starting with `/`. */
  readonly pathPrefix: string;
  /**
   * Names of the clients (from `clients`) whose tokens are accepted.
   * @default - any client holding a route's scope
   */
  readonly allowedClients?: readonly string[];
  /**
   * Audiences accepted.
   * @default - [identityDomain.audience]
   */
  readonly audiences?: readonly string[];
  /**
   * Claims every token must carry (use case 2).
   * @default - none
   */
  readonly requiredClaims?: readonly OciClaimConfig[];
  /** The routes. */
  readonly routes: readonly OciRouteConfig[];
}

/** The OCI side of an environment, synthesized as the `oci-<env>` stack. */
export interface OciConfig {
  /** OCI region, e.g. `eu-frankfurt-1`. */
  readonly region: string;
  /** OCID of the compartment the gateway and deployments are created in. */
  readonly compartmentId: string;
  /** The identity domain. */
  readonly identityDomain: OciIdentityDomainConfig;
  /** The gateway. */
  readonly gateway: OciGatewayConfig;
  /** Confidential clients. */
  readonly clients: readonly OciClientConfig[];
  /** The deployments. */
  readonly deployments: readonly OciDeploymentConfig[];
}

type Report = (field: string, message: string) => void;

const strings = z.array(z.string()).readonly();
/** Methods an OCI route can match. */
export const OCI_METHODS = ['ANY', 'GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const satisfies readonly OciMethodName[];
const ociMethod = z.enum(OCI_METHODS, { error: (issue) => `must be an HTTP method or ANY (${OCI_METHODS.join(', ')}), got ${show(issue.input)}.` });

export const ociIdentityDomainConfigSchema = exactSchema<OciIdentityDomainConfig>()(z.strictObject({
  url: z.string(),
  issuer: z.string(),
  audience: z.string(),
  scopes: strings,
}));

export const ociGatewayConfigSchema = exactSchema<OciGatewayConfig>()(z.strictObject({
  gatewayId: z.string().optional(),
  subnetId: z.string().optional(),
  endpointType: z.enum(['PUBLIC', 'PRIVATE'], { error: (issue) => `must be "PUBLIC" or "PRIVATE", got ${show(issue.input)}.` }).optional(),
}));

export const ociClientConfigSchema = exactSchema<OciClientConfig>()(z.strictObject({
  name: z.string(),
  clientId: z.string().optional(),
  grantedScopes: strings,
  clientAuth: clientAuthConfigSchema.optional(),
}));

export const ociClaimConfigSchema = exactSchema<OciClaimConfig>()(z.strictObject({
  name: z.string(),
  anyOfValues: strings,
}));

export const ociRouteConfigSchema = exactSchema<OciRouteConfig>()(z.strictObject({
  path: z.string(),
  methods: z.array(ociMethod).readonly().optional(),
  backendUrl: z.string(),
  anyOfScopes: strings.optional(),
}));

export const ociDeploymentConfigSchema = exactSchema<OciDeploymentConfig>()(z.strictObject({
  name: z.string(),
  pathPrefix: z.string(),
  allowedClients: strings.optional(),
  audiences: strings.optional(),
  requiredClaims: z.array(ociClaimConfigSchema).readonly().optional(),
  routes: z.array(ociRouteConfigSchema).readonly(),
}));

/** The runtime shape of {@link OciConfig} (strict: unknown keys are errors). */
export const ociConfigSchema = exactSchema<OciConfig>()(z.strictObject({
  region: z.string(),
  compartmentId: z.string(),
  identityDomain: ociIdentityDomainConfigSchema,
  gateway: ociGatewayConfigSchema,
  clients: z.array(ociClientConfigSchema).readonly(),
  deployments: z.array(ociDeploymentConfigSchema).readonly(),
}));

const OCI_REGION = /^[a-z]{2}-[a-z]+-\d+$/;

/** Checks an environment's `oci` section; every problem is reported with its field path under `oci.`. */
export function checkOciConfig(oci: OciConfig, problem: Report): void {
  const p: Report = (field, message) => problem(`oci.${field}`, message);
  if (!OCI_REGION.test(oci.region ?? '')) p('region', `must be an OCI region identifier such as "eu-frankfurt-1", got ${show(oci.region)}.`);
  ocid(p, 'compartmentId', oci.compartmentId, ['compartment', 'tenancy']);
  const domain = oci.identityDomain;
  const scopes = new Set<string>(domain?.scopes ?? []);
  if (!domain) {
    p('identityDomain', 'is missing: url, issuer, audience and scopes of the identity domain.');
  } else {
    if (checkHttpsUrl(domain.url ?? '').defect !== undefined) p('identityDomain.url', `must be an https URL without query, fragment or credentials, got ${show(domain.url)}. Copy the domain URL from Identity > Domains > the domain.`);
    if (checkHttpsUrl(domain.issuer ?? '').defect !== undefined) p('identityDomain.issuer', `must be an https URL without query, fragment or credentials, got ${show(domain.issuer)}. Copy \`iss\` from a token of the domain.`);
    if (!domain.audience) p('identityDomain.audience', 'is missing. Use the resource server\'s primary audience, e.g. "application1".');
    if (!Array.isArray(domain.scopes) || domain.scopes.length === 0) p('identityDomain.scopes', 'must list the resource server\'s scopes.');
    if (scopes.size !== (domain.scopes ?? []).length) p('identityDomain.scopes', `lists a scope twice, got ${show(domain.scopes)}.`);
  }
  const gw = oci.gateway;
  if (!gw || (gw.gatewayId === undefined) === (gw.subnetId === undefined)) {
    p('gateway', 'must give either gatewayId (import an existing gateway) or subnetId (create one), not both.');
  } else {
    if (gw.gatewayId !== undefined) ocid(p, 'gateway.gatewayId', gw.gatewayId, ['apigateway']);
    if (gw.subnetId !== undefined) ocid(p, 'gateway.subnetId', gw.subnetId, ['subnet']);
  }
  const clients = new Map<string, OciClientConfig>();
  (oci.clients ?? []).forEach((c, i) => {
    const f = `clients[${i}]`;
    if (!c.name) p(`${f}.name`, 'is missing.');
    if (clients.has(c.name)) p(`${f}.name`, `is used twice, got ${show(c.name)}.`);
    clients.set(c.name, c);
    if (c.clientId !== undefined && !/^[A-Za-z0-9_.:-]+$/.test(c.clientId)) p(`${f}.clientId`, `must be a client id without spaces or quotes, got ${show(c.clientId)}.`);
    if (!c.grantedScopes?.length) p(`${f}.grantedScopes`, 'must grant at least one scope.');
    if (c.clientAuth !== undefined) checkClientAuth(c.clientAuth, `${f}.clientAuth`, p);
    (c.grantedScopes ?? []).forEach((s, j) => {
      if (!scopes.has(s)) p(`${f}.grantedScopes[${j}]`, `is not a scope of the identity domain's resource server, got ${show(s)}. Known: ${[...scopes].join(', ') || 'none'}.`);
    });
  });
  if (!oci.deployments?.length) p('deployments', 'must list at least one deployment.');
  const prefixes = new Set<string>();
  (oci.deployments ?? []).forEach((d, i) => {
    const f = `deployments[${i}]`;
    if (!d.name) p(`${f}.name`, 'is missing.');
    if (!d.pathPrefix?.startsWith('/')) p(`${f}.pathPrefix`, `must start with "/", got ${show(d.pathPrefix)}.`);
    if (prefixes.has(d.pathPrefix)) p(`${f}.pathPrefix`, `is used by two deployments, got ${show(d.pathPrefix)}.`);
    prefixes.add(d.pathPrefix);
    (d.allowedClients ?? []).forEach((name, j) => {
      if (!clients.has(name)) p(`${f}.allowedClients[${j}]`, `is not a configured OCI client, got ${show(name)}. Known: ${[...clients.keys()].join(', ') || 'none'}.`);
    });
    if (d.allowedClients !== undefined && d.allowedClients.length === 0) p(`${f}.allowedClients`, 'must not be empty when given; omit it to accept any client holding a route\'s scope.');
    (d.requiredClaims ?? []).forEach((c, j) => {
      if (!c.name) p(`${f}.requiredClaims[${j}].name`, 'is missing.');
      if (!c.anyOfValues?.length) p(`${f}.requiredClaims[${j}].anyOfValues`, 'must list the exact value(s) the claim must have.');
    });
    if (!d.routes?.length) p(`${f}.routes`, 'must list at least one route.');
    (d.routes ?? []).forEach((r, j) => {
      const rf = `${f}.routes[${j}]`;
      if (!r.path?.startsWith('/')) p(`${rf}.path`, `must start with "/", got ${show(r.path)}.`);
      if (!/^https:\/\/[^\s]+$/.test(r.backendUrl ?? '')) p(`${rf}.backendUrl`, `must be an https URL, got ${show(r.backendUrl)}.`);
      if (r.anyOfScopes === undefined && !d.requiredClaims?.length) {
        p(`${rf}.anyOfScopes`, 'is required unless the deployment has requiredClaims: a route without scopes would admit every token of the domain.');
      }
      (r.anyOfScopes ?? []).forEach((s, k) => {
        if (!scopes.has(s)) p(`${rf}.anyOfScopes[${k}]`, `is not a scope of the identity domain's resource server, got ${show(s)}. Known: ${[...scopes].join(', ') || 'none'}.`);
      });
      if (r.anyOfScopes !== undefined && r.anyOfScopes.length === 0) p(`${rf}.anyOfScopes`, 'must not be empty when given.');
    });
  });
}

function ocid(p: Report, field: string, value: unknown, types: readonly string[]): void {
  const type = ocidResourceType(value);
  if (type === undefined || !types.includes(type)) p(field, `must be the OCID of a ${types.join(' or ')}, got ${show(value)}.`);
}

