import { checkHttpsUrl } from '../lookups/issuer-url';
import type { EnvironmentConfig } from './environment';
import { checkOciConfig } from './oci';

const STAGES = new Set(['TEST', 'PRE', 'RELEASE']);
const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']);
const ENV_NAME = /^[a-z][a-z0-9-]{0,19}$/;
const ACCOUNT_ID = /^\d{16}$/;
const REGION = /^[a-z]{2}(-[a-z0-9]+)+$/;

/** One problem found in an environment's config. */
export interface ConfigProblem {
  /** Environment name (or its index when the name itself is bad). */
  readonly environment: string;
  /** Field path, e.g. `gateway.apis[1].path`. */
  readonly field: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

/** Thrown when one or more environments are misconfigured; lists every problem. */
export class ConfigError extends Error {
  public constructor(public readonly problems: readonly ConfigProblem[]) {
    super(`Invalid environment config (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n`
      + problems.map((p) => `  - environment '${p.environment}', field '${p.field}': ${p.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

/**
 * Checks environment configs before any stack is built, so a bad config fails with a message
 * naming the environment and field instead of a construct error deep in a stack.
 *
 * @throws ConfigError listing every problem found
 */
export function validateEnvironments(environments: readonly EnvironmentConfig[]): void {
  const problems: ConfigProblem[] = [];
  const names = new Set<string>();
  environments.forEach((env, index) => {
    const label = typeof env.name === 'string' && env.name !== '' ? env.name : `#${index}`;
    const problem = (field: string, message: string) => problems.push({ environment: label, field, message });
    if (!ENV_NAME.test(env.name ?? '')) problem('name', `must be lowercase letters, digits and dashes (max 20), starting with a letter, got ${show(env.name)}.`);
    if (names.has(env.name)) problem('name', `is used by two environments, got ${show(env.name)}. Stack ids must be unique.`);
    names.add(env.name);
    checkEnvironment(env, problem);
  });
  if (problems.length > 0) throw new ConfigError(problems);
}

type Report = (field: string, message: string) => void;

function checkEnvironment(env: EnvironmentConfig, problem: Report): void {
  if (!REGION.test(env.region ?? '')) problem('region', `must be an Alibaba Cloud region id such as "cn-hangzhou", got ${show(env.region)}.`);
  if (!ACCOUNT_ID.test(env.accountId ?? '')) problem('accountId', `must be the 16-digit Alibaba Cloud account UID, got ${show(env.accountId)}.`);
  if (typeof env.production !== 'boolean') problem('production', `must be true or false, got ${show(env.production)}.`);
  checkStages(env.stages, 'stages', problem);
  const scopes = checkServer(env, problem);
  const clients = checkClients(env, scopes, problem);
  checkGateway(env, scopes, clients, problem);
  checkFederation(env, problem);
  checkState(env, problem);
  if (env.oci !== undefined) checkOciConfig(env.oci, problem);
}

function checkStages(stages: readonly string[] | undefined, field: string, problem: Report): void {
  if (!Array.isArray(stages) || stages.length === 0) {
    problem(field, 'must list at least one stage of TEST, PRE, RELEASE.');
    return;
  }
  stages.forEach((s, i) => {
    if (!STAGES.has(s)) problem(`${field}[${i}]`, `is not a stage, got ${show(s)}. Use TEST, PRE or RELEASE.`);
  });
  if (new Set(stages).size !== stages.length) problem(field, `lists a stage twice, got ${show(stages)}.`);
}

function checkServer(env: EnvironmentConfig, problem: Report): Set<string> {
  const server = env.m2mServer;
  if (!server) {
    problem('m2mServer', 'is missing. Configure the IDaaS M2M server: issuer, audience, scopes.');
    return new Set();
  }
  if (!server.issuer) {
    problem('m2mServer.issuer', 'is missing. Copy the Issuer URL from IDaaS console > M2M server > Application Settings.');
  } else if (checkHttpsUrl(server.issuer).defect !== undefined) {
    problem('m2mServer.issuer', `must be an https URL without query, fragment or credentials, got ${show(server.issuer)}.`);
  }
  if (!server.audience) problem('m2mServer.audience', 'is missing. Copy the Audience Identifier of the M2M server.');
  if (!Array.isArray(server.scopes) || server.scopes.length === 0) problem('m2mServer.scopes', 'must list the server\'s scopes, got none.');
  const scopes = new Set(server.scopes ?? []);
  if (scopes.size !== (server.scopes ?? []).length) problem('m2mServer.scopes', `lists a scope twice, got ${show(server.scopes)}.`);
  (server.expectedFingerprints ?? []).forEach((fp, i) => {
    if (!/^[0-9a-f]{40}$/.test(fp)) problem(`m2mServer.expectedFingerprints[${i}]`, `must be 40 lowercase hex characters (SHA-1, no colons), got ${show(fp)}.`);
  });
  return scopes;
}

function checkClients(env: EnvironmentConfig, scopes: Set<string>, problem: Report): Set<string> {
  const names = new Set<string>();
  const ids = new Set<string>();
  (env.clients ?? []).forEach((c, i) => {
    const f = `clients[${i}]`;
    if (!c.name) problem(`${f}.name`, 'is missing.');
    if (names.has(c.name)) problem(`${f}.name`, `is used twice, got ${show(c.name)}.`);
    names.add(c.name);
    if (!c.clientId) problem(`${f}.clientId`, 'is missing. Copy the application id from IDaaS console > M2M client.');
    if (ids.has(c.clientId)) problem(`${f}.clientId`, `is used by two clients, got ${show(c.clientId)}.`);
    ids.add(c.clientId);
    if (!c.grantedScopes?.length) problem(`${f}.grantedScopes`, 'must grant at least one scope.');
    (c.grantedScopes ?? []).forEach((s, j) => {
      if (!scopes.has(s)) problem(`${f}.grantedScopes[${j}]`, `is not a scope of the M2M server, got ${show(s)}. Known: ${[...scopes].join(', ') || 'none'}.`);
    });
  });
  return names;
}

function checkGateway(env: EnvironmentConfig, scopes: Set<string>, clients: Set<string>, problem: Report): void {
  const gw = env.gateway;
  if (!gw) {
    problem('gateway', 'is missing.');
    return;
  }
  if (!gw.groupName) problem('gateway.groupName', 'is missing.');
  if (!gw.backendName) problem('gateway.backendName', 'is missing.');
  if (!/^https?:\/\/[^\s]+$/.test(gw.backendAddress ?? '')) problem('gateway.backendAddress', `must be an http(s) URL, got ${show(gw.backendAddress)}.`);
  if (gw.tokenLocation !== 'query' && gw.tokenLocation !== 'bearer') problem('gateway.tokenLocation', `must be "query" or "bearer", got ${show(gw.tokenLocation)}.`);
  if (env.production && gw.preventJtiReplay === false) {
    problem('gateway.preventJtiReplay', 'must not be false in a production environment: without jti replay protection a captured token can be replayed until it expires. Remove the setting (default true).');
  }
  if (gw.throttle && !(Number.isInteger(gw.throttle.requestsPerMinute) && gw.throttle.requestsPerMinute > 0)) {
    problem('gateway.throttle.requestsPerMinute', `must be a positive integer, got ${show(gw.throttle.requestsPerMinute)}.`);
  }
  if (!gw.apis?.length) problem('gateway.apis', 'must list at least one API.');
  const names = new Set<string>();
  const routes = new Set<string>();
  (gw.apis ?? []).forEach((api, i) => {
    const f = `gateway.apis[${i}]`;
    if (!api.name) problem(`${f}.name`, 'is missing.');
    if (names.has(api.name)) problem(`${f}.name`, `is used by two APIs, got ${show(api.name)}.`);
    names.add(api.name);
    if (!api.path?.startsWith('/')) problem(`${f}.path`, `must start with "/", got ${show(api.path)}.`);
    if (!METHODS.has(api.method)) problem(`${f}.method`, `must be an HTTP method, got ${show(api.method)}.`);
    if (api.backendMethod !== undefined && !METHODS.has(api.backendMethod)) problem(`${f}.backendMethod`, `must be an HTTP method, got ${show(api.backendMethod)}.`);
    const route = `${api.method} ${api.path}`;
    if (routes.has(route)) problem(`${f}.path`, `duplicates another API's method and path, got ${show(route)}.`);
    routes.add(route);
    if (!api.backendPath?.startsWith('/')) problem(`${f}.backendPath`, `must start with "/", got ${show(api.backendPath)}.`);
    if (!api.requiredScopes?.length) problem(`${f}.requiredScopes`, 'must list at least one scope: an API any token can call is not M2M-protected.');
    (api.requiredScopes ?? []).forEach((s, j) => {
      if (!scopes.has(s)) problem(`${f}.requiredScopes[${j}]`, `is not a scope of the M2M server, got ${show(s)}. Known: ${[...scopes].join(', ') || 'none'}.`);
    });
    if (!api.allowedClients?.length) problem(`${f}.allowedClients`, 'must list at least one client.');
    (api.allowedClients ?? []).forEach((c, j) => {
      if (!clients.has(c)) problem(`${f}.allowedClients[${j}]`, `is not a configured client, got ${show(c)}. Known: ${[...clients].join(', ') || 'none'}.`);
      const client = env.clients?.find((k) => k.name === c);
      const missing = client ? (api.requiredScopes ?? []).filter((s) => !client.grantedScopes.includes(s)) : [];
      if (missing.length) problem(`${f}.allowedClients[${j}]`, `client ${show(c)} is not granted ${show(missing)}, so it could never call this API. Grant the scope or remove the client.`);
    });
    if (api.stages !== undefined) checkStages(api.stages, `${f}.stages`, problem);
  });
}

function checkFederation(env: EnvironmentConfig, problem: Report): void {
  const fed = env.federation;
  if (!fed) {
    problem('federation', 'is missing.');
    return;
  }
  if (!fed.providerName) problem('federation.providerName', 'is missing.');
  const limit = fed.issuanceLimitHours;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 168)) problem('federation.issuanceLimitHours', `must be an integer from 1 to 168, got ${show(limit)}.`);
  const names = new Set<string>();
  (fed.roles ?? []).forEach((role, i) => {
    const f = `federation.roles[${i}]`;
    if (!role.name) problem(`${f}.name`, 'is missing.');
    if (names.has(role.name)) problem(`${f}.name`, `is used twice, got ${show(role.name)}.`);
    names.add(role.name);
    if (!role.subjects?.length) problem(`${f}.subjects`, 'must list the exact token subjects allowed to assume the role; without them any token of the issuer could.');
    const d = role.maxSessionDurationSeconds;
    if (d !== undefined && !(Number.isInteger(d) && d >= 3600 && d <= 43200)) problem(`${f}.maxSessionDurationSeconds`, `must be an integer from 3600 to 43200, got ${show(d)}.`);
  });
}

function checkState(env: EnvironmentConfig, problem: Report): void {
  const oss = env.state?.oss;
  if (!oss) {
    if (env.production === true) {
      problem('state.oss', 'is required in a production environment: local state lives on one machine, has no lock and holds secrets in plain text. Configure OSS state with TableStore locking (bucket, region, prefix, tablestoreEndpoint, tablestoreTable).');
    }
    return;
  }
  for (const key of ['bucket', 'region', 'prefix', 'tablestoreEndpoint', 'tablestoreTable'] as const) {
    if (!oss[key]) problem(`state.oss.${key}`, 'is missing: OSS state needs bucket, region, prefix and TableStore locking (endpoint and table).');
  }
  if (oss.tablestoreEndpoint && !oss.tablestoreEndpoint.startsWith('https://')) problem('state.oss.tablestoreEndpoint', `must be an https endpoint, got ${show(oss.tablestoreEndpoint)}.`);
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}
