import type { z } from 'zod';
import { parseFingerprint } from '../core/fingerprint';
import { checkHttpsUrl } from '../core/https-url';
import { isReplaySettingAllowed, replayOptOutFix } from '../core/jwt-replay';
import { MIN_REASON_LENGTH, isExplainedReason } from '../core/opt-out';
import { OIDC_ISSUANCE_LIMIT_HOURS, RAM_ROLE_SESSION_SECONDS, isWholeNumberIn } from '../core/ranges';
import { STAGE_NAMES } from '../core/stages';
import { closestMatch } from '../core/suggest';
import { checkApigConfig } from './apig';
import type { EnvironmentConfig } from './environment';
import { checkOciConfig } from './oci';
import { environmentConfigSchema } from './schema';
import { checkClientAuth } from './client-auth';

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
    // Shape first (unknown keys, types, value sets); the rules below assume a well-formed config.
    const shape = environmentConfigSchema.safeParse(env, { reportInput: true });
    if (!shape.success) {
      for (const issue of shape.error.issues) shapeProblems(issue, problem);
      return;
    }
    checkEnvironment(env, problem);
  });
  if (problems.length === 0) checkSharedAccounts(environments, problems);
  if (problems.length > 0) throw new ConfigError(problems);
}

/** Turns one zod issue into problems naming the field path (one per unknown key). */
function shapeProblems(issue: z.core.$ZodIssue, problem: Report): void {
  const base = fieldPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const known = Object.keys(schemaAt(issue.path)?.shape ?? {});
    for (const key of issue.keys) {
      const guess = closestMatch(key, known);
      const hint = guess ? ` Did you mean '${guess}'?` : ` Known fields: ${known.join(', ')}.`;
      problem(base ? `${base}.${key}` : key, `is not a known field, so it would be ignored.${hint}`);
    }
    return;
  }
  const input = (issue as { input?: unknown }).input;
  if (issue.code === 'invalid_type') {
    problem(base, input === undefined ? `is missing (expected ${issue.expected}).` : `must be ${issue.expected === 'array' ? 'an' : 'a'} ${issue.expected}, got ${show(input)}.`);
    return;
  }
  problem(base, issue.message);
}

/** `['gateway', 'apis', 1, 'path']` → `gateway.apis[1].path`. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

/** The object schema at a config path, for listing the fields it knows. */
function schemaAt(path: readonly PropertyKey[]): { shape: Record<string, unknown> } | undefined {
  let schema: z.core.$ZodType | undefined = environmentConfigSchema;
  const unwrap = (s: z.core.$ZodType): z.core.$ZodType => {
    const def = s._zod.def as { type: string; innerType?: z.core.$ZodType };
    return (def.type === 'optional' || def.type === 'readonly') && def.innerType ? unwrap(def.innerType) : s;
  };
  for (const key of path) {
    if (!schema) return undefined;
    const def = unwrap(schema)._zod.def as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType };
    schema = typeof key === 'number' ? def.element : def.shape?.[String(key)];
  }
  const def = schema ? (unwrap(schema)._zod.def as { shape?: Record<string, unknown> }) : undefined;
  return def?.shape ? { shape: def.shape } : undefined;
}

/**
 * RAM is account-wide: two environments in one account would define the same OIDC provider
 * (its name, and its issuer URL, which must be unique per account) or the same role names, and
 * the second deploy would fail or, worse, take the first one's objects over.
 */
function checkSharedAccounts(environments: readonly EnvironmentConfig[], problems: ConfigProblem[]): void {
  const claims = new Map<string, string>(); // "<account>|<kind>|<value>" → environment name
  const claim = (env: EnvironmentConfig, field: string, kind: string, value: string) => {
    const key = `${env.accountId}|${kind}|${value}`;
    const owner = claims.get(key);
    if (owner === undefined) {
      claims.set(key, env.name);
      return;
    }
    problems.push({
      environment: env.name,
      field,
      message: `${kind} ${show(value)} is also defined by environment '${owner}' in the same account ${env.accountId}. RAM is account-wide: use another account or a distinct name${kind === 'OIDC provider issuer URL' ? ' (one OIDC provider per issuer URL per account: share it through one environment)' : ''}.`,
    });
  };
  for (const env of environments) {
    claim(env, 'federation.providerName', 'OIDC provider name', env.federation.providerName);
    claim(env, 'm2mServer.issuer', 'OIDC provider issuer URL', env.m2mServer.issuer);
    env.federation.roles.forEach((role, i) => claim(env, `federation.roles[${i}].name`, 'RAM role name', role.name));
  }
}

type Report = (field: string, message: string) => void;

function checkEnvironment(env: EnvironmentConfig, problem: Report): void {
  if (!REGION.test(env.region ?? '')) problem('region', `must be an Alibaba Cloud region id such as "cn-hangzhou", got ${show(env.region)}.`);
  if (!ACCOUNT_ID.test(env.accountId ?? '')) problem('accountId', `must be the 16-digit Alibaba Cloud account UID, got ${show(env.accountId)}.`);
  checkStages(env.stages, 'stages', problem);
  const scopes = checkServer(env, problem);
  const clients = checkClients(env, scopes, problem);
  checkGateway(env, scopes, clients, problem);
  checkFederation(env, problem);
  checkState(env, problem);
  if (env.apig) checkApigConfig(env.apig, clients, problem);
  if (env.oci !== undefined) checkOciConfig(env.oci, problem);
  checkCredentials(env, problem);
}

function checkCredentials(env: EnvironmentConfig, problem: Report): void {
  const c = env.credentials;
  if (!c) return;
  const set = (['profile', 'assumeRole', 'assumeRoleWithOidc'] as const).filter((k) => c[k] !== undefined);
  if (set.length > 1) problem('credentials', `sets ${set.join(' and ')}; set at most one.`);
  if (c.profile !== undefined && !c.profile) problem('credentials.profile', 'must not be empty.');
  const role = (field: string, arn: string) => {
    const m = /^acs:ram::(\d{16}):role\/[A-Za-z0-9.@_-]{1,64}$/.exec(arn);
    if (!m) problem(field, `must be a RAM role ARN "acs:ram::<accountId>:role/<name>", got ${show(arn)}.`);
    else if (m[1] !== env.accountId) problem(field, `is a role in account ${m[1]}, but the environment deploys into accountId ${env.accountId}. Assume a role in the environment's own account.`);
  };
  if (c.assumeRole) role('credentials.assumeRole.roleArn', c.assumeRole.roleArn);
  if (c.assumeRoleWithOidc) {
    role('credentials.assumeRoleWithOidc.roleArn', c.assumeRoleWithOidc.roleArn);
    if (!/^acs:ram::\d{16}:oidc-provider\/[A-Za-z0-9._-]+$/.test(c.assumeRoleWithOidc.oidcProviderArn)) {
      problem('credentials.assumeRoleWithOidc.oidcProviderArn', `must be an OIDC provider ARN "acs:ram::<accountId>:oidc-provider/<name>", got ${show(c.assumeRoleWithOidc.oidcProviderArn)}.`);
    }
  }
}

function checkStages(stages: readonly string[] | undefined, field: string, problem: Report): void {
  if (!Array.isArray(stages) || stages.length === 0) {
    problem(field, `must list at least one stage of ${STAGE_NAMES.join(', ')}.`);
    return;
  }
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
    if (parseFingerprint(fp) === undefined) {
      problem(`m2mServer.expectedFingerprints[${i}]`, `must be a SHA-1 fingerprint (40 hex characters; colons, upper case and OpenSSL's "SHA1 Fingerprint=" line are accepted), got ${show(fp)}.`);
    }
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
    if (c.clientAuth !== undefined) checkClientAuth(c.clientAuth, `${f}.clientAuth`, problem);
  });
  return names;
}

/** `gateway.preventJtiReplay` / `gateway.allowJtiReplay`: replay protection is only turned off by a reasoned opt-out, never in production. */
function checkReplayOptOut(env: EnvironmentConfig, problem: Report): void {
  const { preventJtiReplay, allowJtiReplay } = env.gateway;
  if (preventJtiReplay === false) {
    problem('gateway.preventJtiReplay', `must not be false: turning jti replay protection off is the reasoned opt-out gateway.allowJtiReplay. ${replayOptOutFix('gateway.allowJtiReplay')}`);
  }
  if (allowJtiReplay === undefined) return;
  if (!isReplaySettingAllowed(env.production === true, false)) {
    problem('gateway.allowJtiReplay', 'must not be set in a production environment: without jti replay protection a captured token can be replayed until it expires. Remove it.');
  } else if (!isExplainedReason(allowJtiReplay.reason)) {
    problem('gateway.allowJtiReplay.reason', `must explain the opt-out in at least ${MIN_REASON_LENGTH} characters, got ${show(allowJtiReplay.reason)}. Say why tokens may be replayed here (e.g. a ticket), or remove gateway.allowJtiReplay to keep replay protection.`);
  }
  if (preventJtiReplay === true) problem('gateway.preventJtiReplay', 'contradicts gateway.allowJtiReplay. Remove one of the two.');
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
  checkReplayOptOut(env, problem);
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
  if (limit !== undefined && !isWholeNumberIn(limit, OIDC_ISSUANCE_LIMIT_HOURS)) {
    problem('federation.issuanceLimitHours', `must be an integer from ${OIDC_ISSUANCE_LIMIT_HOURS.min} to ${OIDC_ISSUANCE_LIMIT_HOURS.max}, got ${show(limit)}.`);
  }
  const names = new Set<string>();
  (fed.roles ?? []).forEach((role, i) => {
    const f = `federation.roles[${i}]`;
    if (!role.name) problem(`${f}.name`, 'is missing.');
    if (names.has(role.name)) problem(`${f}.name`, `is used twice, got ${show(role.name)}.`);
    names.add(role.name);
    if (!role.subjects?.length) problem(`${f}.subjects`, 'must list the exact token subjects allowed to assume the role; without them any token of the issuer could.');
    const d = role.maxSessionDurationSeconds;
    if (d !== undefined && !isWholeNumberIn(d, RAM_ROLE_SESSION_SECONDS)) {
      problem(`${f}.maxSessionDurationSeconds`, `must be an integer from ${RAM_ROLE_SESSION_SECONDS.min} to ${RAM_ROLE_SESSION_SECONDS.max}, got ${show(d)}.`);
    }
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
