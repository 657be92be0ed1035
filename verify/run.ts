/**
 * Runs a {@link VerifyPlan} against targets (a deployed environment or the local stack) and
 * returns one row per check: what, expected, got, ok.
 *
 * Every call gets a fresh token (the gateway's jti replay protection makes tokens single-use).
 * Tokens, secrets and credentials never reach a row.
 */
import { Agent, type Dispatcher, request } from 'undici';
import type { OciClientConfig } from '../config';
import { DEFAULT_REQUEST_STAGE } from '../core/stages';
import type { CallExpectation, RouteCheck, VerifyClient, VerifyPlan } from './plan';
import { assumeRoleWithOidc } from './sts-client';
import { type ClientCredentialsResult, requestClientCredentialsToken, scopesOf } from './token-client';
import { redact } from './redact';

/** Where the checks go. */
export interface VerifyTargets {
  /** `deployed` or `local`, for the report. */
  readonly mode: 'deployed' | 'local';
  /** Token endpoint of the M2M server. */
  readonly tokenEndpoint: string;
  /**
   * Extra trusted CA certificates (PEM) for the token endpoint and the gateway.
   * @default - the system trust store
   */
  readonly caPem?: string;
  /** STS endpoint URL. */
  readonly stsEndpoint: string;
  /** A client's secret, or why there is none (never the secret in the reason). */
  secret(client: VerifyClient): { readonly secret: string } | { readonly problem: string };
  /** Base URL (`scheme://host[:port]`) a route is called at, or why it is unknown. */
  baseUrl(route: RouteCheck): { readonly url: string } | { readonly problem: string };
  /** A deployed output's value (`undefined` when missing). */
  output(stack: string, name: string): unknown;
  /**
   * The OCI identity domain (its own token endpoint and client secrets), for `oci-<env>` routes.
   * @default - OCI routes fail, naming what is missing
   */
  readonly oci?: {
    /** Token endpoint of the identity domain. */
    readonly tokenEndpoint: string;
    /** An OCI client's secret, or why there is none (never the secret in the reason). */
    secret(client: OciClientConfig): { readonly secret: string } | { readonly problem: string };
    /**
     * The client id of an app the stack creates in the identity domain (config `clientId` unset),
     * e.g. the local identity domain's id for it.
     * @default - none: such a client gets no token (its id is known only after deploy)
     */
    clientId?(client: OciClientConfig): string | undefined;
  };
}

/** One checked expectation. */
export interface VerifyRow {
  /** `plan`, `token`, `api` or `sts`. */
  readonly section: 'plan' | 'token' | 'api' | 'sts';
  /** What was checked, e.g. `GET /hello [TEST] as reporting`. */
  readonly what: string;
  /** What the config implies. */
  readonly expected: string;
  /** What came back. */
  readonly got: string;
  /** Whether they agree. */
  readonly ok: boolean;
}

/** Options of {@link runVerification}. */
export interface RunOptions {
  /**
   * DurationSeconds of the STS exchanges.
   * @default 900 (the shortest STS grants)
   */
  readonly durationSeconds?: number;
  /**
   * RoleSessionName of the STS exchanges.
   * @default 'm2m-guard-verify'
   */
  readonly roleSessionName?: string;
}

/** Clock tolerance when checking credential expiry, in seconds. */
const EXPIRY_TOLERANCE_SECONDS = 120;

/** Runs every check of `plan` against `targets`, in order: plan problems, tokens, APIs, STS. */
export async function runVerification(plan: VerifyPlan, targets: VerifyTargets, options: RunOptions = {}): Promise<VerifyRow[]> {
  const rows: VerifyRow[] = plan.problems.map((p) => ({ section: 'plan', what: p, expected: 'present in the synthesized stacks', got: 'missing', ok: false }));
  const scope = `${plan.env.m2mServer.audience}|.all`;
  const fetchToken: TokenFetcher = async (client) => {
    const secret = targets.secret(client);
    if ('problem' in secret) return { ok: false as const, problem: secret.problem };
    return requestClientCredentialsToken({
      tokenEndpoint: targets.tokenEndpoint, clientId: client.clientId, clientSecret: secret.secret,
      authMethod: client.clientAuth?.method ?? 'client_secret_post', scope, caPem: targets.caPem,
    });
  };
  const fetchOciToken: OciTokenFetcher = async (client) => {
    if (!targets.oci) return { ok: false as const, problem: 'no OCI identity domain token endpoint' };
    const clientId = client.clientId ?? targets.oci.clientId?.(client);
    if (clientId === undefined) return { ok: false as const, problem: `config oci.clients[${client.name}].clientId is not set (verify needs the client id of a created app)` };
    const secret = targets.oci.secret(client);
    if ('problem' in secret) return { ok: false as const, problem: secret.problem };
    return requestClientCredentialsToken({
      tokenEndpoint: targets.oci.tokenEndpoint, clientId, clientSecret: secret.secret,
      authMethod: client.clientAuth?.method ?? 'client_secret_post', scope: client.grantedScopes.join(' '), caPem: targets.caPem,
    });
  };
  rows.push(...await tokenRows(plan, fetchToken));
  const agent: Dispatcher | undefined = targets.caPem ? new Agent({ connect: { ca: targets.caPem } }) : undefined;
  try {
    rows.push(...await routeRows(plan, targets, fetchToken, fetchOciToken, agent));
  } finally {
    await agent?.close();
  }
  rows.push(...await stsRows(plan, targets, fetchToken, options));
  return rows;
}

type TokenFetcher = (client: VerifyClient) => Promise<ClientCredentialsResult>;
type OciTokenFetcher = (client: OciClientConfig) => Promise<ClientCredentialsResult>;

/** Per client: a token carrying exactly the configured scopes, for the configured issuer, audience and subject. */
async function tokenRows(plan: VerifyPlan, fetchToken: TokenFetcher): Promise<VerifyRow[]> {
  const { env } = plan;
  const rows: VerifyRow[] = [];
  for (const client of plan.clients) {
    const method = client.clientAuth?.method ?? 'client_secret_post';
    const want = [...client.grantedScopes].sort();
    const what = `token for ${client.name} (${method})`;
    const expected = `issued to ${client.clientId}, scope ${want.join(' ')}`;
    const token = await fetchToken(client);
    if (!token.ok) {
      rows.push({ section: 'token', what, expected, got: token.problem, ok: false });
      continue;
    }
    const got = [...new Set(scopesOf(token.claims))].sort();
    const audiences = typeof token.claims.aud === 'string' ? [token.claims.aud] : Array.isArray(token.claims.aud) ? token.claims.aud : [];
    const defects = [
      token.claims.iss !== env.m2mServer.issuer ? `iss ${JSON.stringify(token.claims.iss)}` : undefined,
      !audiences.includes(env.m2mServer.audience) ? `aud ${JSON.stringify(token.claims.aud)}` : undefined,
      token.claims.sub !== client.clientId ? `sub ${JSON.stringify(token.claims.sub)}` : undefined,
    ].filter((d): d is string => d !== undefined);
    const scopesMatch = got.length === want.length && got.every((s, i) => s === want[i]);
    const lifetime = typeof token.claims.exp === 'number' ? `; expires in ${token.claims.exp - Math.floor(Date.now() / 1000)} s` : '';
    rows.push({
      section: 'token', what, expected,
      got: `issued to ${String(token.claims.sub)}, scope ${got.join(' ') || '(none)'}${lifetime}${defects.length ? `; wrong ${defects.join(', ')}` : ''}`,
      ok: scopesMatch && defects.length === 0,
    });
  }
  return rows;
}

/** Per route and stage: each client (fresh token) and no token, against the expected status. */
async function routeRows(
  plan: VerifyPlan, targets: VerifyTargets, fetchToken: TokenFetcher, fetchOciToken: OciTokenFetcher, agent: Dispatcher | undefined,
): Promise<VerifyRow[]> {
  const clients = new Map(plan.clients.map((c) => [c.name, () => fetchToken(c)]));
  const ociClients = new Map(plan.ociClients.map((c) => [c.name, () => fetchOciToken(c)]));
  const rows: VerifyRow[] = [];
  for (const route of plan.routes) {
    const base = targets.baseUrl(route);
    const byName = route.identity === 'oci' ? ociClients : clients;
    for (const expectation of route.expectations) {
      const issue = expectation.client === null ? undefined : byName.get(expectation.client);
      const client = issue && expectation.client !== null ? { name: expectation.client } : undefined;
      const prefix = route.gateway === 'apig' ? 'APIG ' : route.gateway === 'oci' ? 'OCI ' : '';
      const what = `${prefix}${route.method} ${route.path} [${route.stage}] ${client ? `as ${client.name}` : 'without token'}`;
      const expected = `${describeExpectation(expectation.expect)} (${expectation.why})`;
      if ('problem' in base) {
        rows.push({ section: 'api', what, expected, got: base.problem, ok: false });
        continue;
      }
      let token: string | undefined;
      if (issue) {
        const issued = await issue();
        if (!issued.ok) {
          rows.push({ section: 'api', what, expected, got: `no token: ${issued.problem}`, ok: false });
          continue;
        }
        token = issued.accessToken;
      }
      const res = await callRoute(base.url, route, token, agent);
      rows.push({ section: 'api', what, expected, got: res.got, ok: res.status !== undefined && meets(expectation.expect, res.status) });
    }
  }
  return rows;
}

/** Per role and client: AssumeRoleWithOIDC with a fresh token; credentials for allowed subjects only. */
async function stsRows(plan: VerifyPlan, targets: VerifyTargets, fetchToken: TokenFetcher, options: RunOptions): Promise<VerifyRow[]> {
  const clients = new Map(plan.clients.map((c) => [c.name, c]));
  const rows: VerifyRow[] = [];
  const providerArn = plan.providerArnOutput ? targets.output(plan.stacks.federation, plan.providerArnOutput) : undefined;
  const duration = options.durationSeconds ?? 900;
  for (const role of plan.roles) {
    const roleArn = role.roleArnOutput ? targets.output(plan.stacks.federation, role.roleArnOutput) : undefined;
    for (const expectation of role.expectations) {
      const client = clients.get(expectation.client) as VerifyClient;
      const what = `AssumeRoleWithOIDC ${role.role} as ${client.name}`;
      const expected = expectation.expect === 'credentials'
        ? `credentials expiring in ${duration} s (${expectation.why})`
        : `refused: AuthenticationFail.NoPermission (${expectation.why})`;
      if (typeof providerArn !== 'string' || typeof roleArn !== 'string') {
        const missing = typeof providerArn !== 'string' ? `output ${plan.providerArnOutput ?? 'with the OIDC provider ARN'}` : `output ${role.roleArnOutput ?? `with the ARN of ${role.role}`}`;
        rows.push({ section: 'sts', what, expected, got: `no ${missing} of ${plan.stacks.federation} (pass --outputs)`, ok: false });
        continue;
      }
      const issued = await fetchToken(client);
      if (!issued.ok) {
        rows.push({ section: 'sts', what, expected, got: `no token: ${issued.problem}`, ok: false });
        continue;
      }
      const before = Date.now();
      const res = await assumeRoleWithOidc({
        endpoint: targets.stsEndpoint, oidcProviderArn: providerArn, roleArn, oidcToken: issued.accessToken,
        roleSessionName: options.roleSessionName ?? 'm2m-guard-verify', durationSeconds: duration,
      });
      if (!res.ok) {
        const got = res.unreachable ? `${res.message} (${res.code})` : `refused: ${res.code}${res.message ? ` ${res.message}` : ''}`;
        rows.push({ section: 'sts', what, expected, got, ok: !res.unreachable && expectation.expect === 'refused' && res.code === 'AuthenticationFail.NoPermission' });
        continue;
      }
      const expiresAt = res.expiration ? Date.parse(res.expiration) : Number.NaN;
      const inSeconds = Math.round((expiresAt - before) / 1000);
      const expiryOk = Number.isFinite(expiresAt) && Math.abs(inSeconds - duration) <= EXPIRY_TOLERANCE_SECONDS;
      const got = `credentials${res.complete ? '' : ' (INCOMPLETE)'}, expire ${res.expiration ?? '(no Expiration)'}${Number.isFinite(expiresAt) ? ` (in ${inSeconds} s)` : ''}`;
      rows.push({ section: 'sts', what, expected, got, ok: expectation.expect === 'credentials' && res.complete && expiryOk });
    }
  }
  return rows;
}

function describeExpectation(expect: CallExpectation): string {
  return { success: '2xx', forbidden: '403', unauthorized: '401', authenticated: 'neither 401 nor 403' }[expect];
}

function meets(expect: CallExpectation, status: number): boolean {
  if (expect === 'success') return status >= 200 && status < 300;
  if (expect === 'authenticated') return status !== 401 && status !== 403;
  return status === (expect === 'forbidden' ? 403 : 401);
}

/** Calls a route; the stage goes in `X-Ca-Stage` unless it is RELEASE (the gateway's default). */
async function callRoute(baseUrl: string, route: RouteCheck, token: string | undefined, dispatcher: Dispatcher | undefined): Promise<{ status?: number; got: string }> {
  const url = new URL(route.path, baseUrl);
  const headers: Record<string, string> = {};
  if (route.gateway === 'apigateway' && route.stage !== DEFAULT_REQUEST_STAGE) headers['x-ca-stage'] = route.stage;
  if (token !== undefined) {
    if (route.token.location === 'query') url.searchParams.set(route.token.parameter, token);
    else {
      const prefix = route.token.prefix ?? (route.token.parameter.toLowerCase() === 'authorization' ? 'Bearer ' : '');
      headers[route.token.parameter.toLowerCase()] = `${prefix}${token}`;
    }
  }
  try {
    const res = await request(url, { method: route.method, headers, headersTimeout: 15_000, bodyTimeout: 15_000, ...(dispatcher ? { dispatcher } : {}) });
    await res.body.dump();
    const message = res.headers['x-ca-error-message'];
    const text = typeof message === 'string' && res.statusCode >= 400 ? ` ${redact(message, token, '<token>')}` : '';
    return { status: res.statusCode, got: `${res.statusCode}${text}` };
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
    return { got: `cannot reach ${url.origin}: ${e.cause?.code ?? e.code ?? e.name}` };
  }
}
