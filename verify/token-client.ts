/**
 * The OAuth 2.0 client-credentials grant at the M2M server's token endpoint, as IDaaS documents
 * it: `grant_type=client_credentials`, the scope as `<audience>|.all` (every scope the client is
 * granted), the client authenticated with `client_secret_post` (id and secret in the form) or
 * `client_secret_basic` (RFC 6749 §2.3.1).
 *
 * The token and the secret are returned to the caller only; errors never contain either.
 */
import { decodeJwt } from 'jose';
import { Agent, type Dispatcher, request } from 'undici';
import type { TokenEndpointAuthMethod } from '../config';
import { redact } from './redact';

/** A token request. */
export interface ClientCredentialsRequest {
  /** Token endpoint URL. */
  readonly tokenEndpoint: string;
  /** `client_id`. */
  readonly clientId: string;
  /** The client secret (from the environment variable the config names). */
  readonly clientSecret: string;
  /** How the secret is sent. */
  readonly authMethod: TokenEndpointAuthMethod;
  /** The `scope` parameter, e.g. `https://xxxx.aliyunidaas.com|.all`. */
  readonly scope: string;
  /**
   * Extra trusted CA certificates (PEM), e.g. the demo issuer's root.
   * @default - the system trust store
   */
  readonly caPem?: string;
}

/** The token endpoint's answer. */
export type ClientCredentialsResult =
  | { readonly ok: true; readonly accessToken: string; readonly claims: Readonly<Record<string, unknown>>; readonly expiresIn?: number }
  | { readonly ok: false; readonly problem: string };

const TIMEOUT_MS = 15_000;

/** Requests a token; never throws for HTTP or network failures (they become `problem`). */
export async function requestClientCredentialsToken(req: ClientCredentialsRequest): Promise<ClientCredentialsResult> {
  const form: Record<string, string> = { grant_type: 'client_credentials', scope: req.scope };
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (req.authMethod === 'client_secret_post') {
    form.client_id = req.clientId;
    form.client_secret = req.clientSecret;
  } else {
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(req.clientId)}:${encodeURIComponent(req.clientSecret)}`).toString('base64')}`;
  }
  const agent: Dispatcher | undefined = req.caPem ? new Agent({ connect: { ca: req.caPem } }) : undefined;
  try {
    const res = await request(req.tokenEndpoint, {
      method: 'POST', headers, body: new URLSearchParams(form).toString(), headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS,
      ...(agent ? { dispatcher: agent } : {}),
    });
    const text = await res.body.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return { ok: false, problem: `HTTP ${res.statusCode}, not JSON` };
    }
    if (res.statusCode !== 200 || typeof body.access_token !== 'string') {
      const error = typeof body.error === 'string' ? body.error : 'no access_token';
      const description = typeof body.error_description === 'string' ? `: ${redact(body.error_description, req.clientSecret, '<secret>')}` : '';
      return { ok: false, problem: `HTTP ${res.statusCode} ${error}${description}` };
    }
    let claims: Record<string, unknown>;
    try {
      claims = decodeJwt(body.access_token) as Record<string, unknown>;
    } catch {
      return { ok: false, problem: 'the access_token is not a JWT' };
    }
    return { ok: true, accessToken: body.access_token, claims, ...(typeof body.expires_in === 'number' ? { expiresIn: body.expires_in } : {}) };
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
    return { ok: false, problem: `cannot reach ${new URL(req.tokenEndpoint).origin}: ${e.cause?.code ?? e.code ?? e.name}` };
  } finally {
    await agent?.close();
  }
}

/** The scope names of a token's `scope` claim (space-delimited string or array). */
export function scopesOf(claims: Readonly<Record<string, unknown>>): string[] {
  const scope = claims.scope ?? claims.scp;
  if (typeof scope === 'string') return scope.split(' ').filter((s) => s.length > 0);
  return Array.isArray(scope) ? scope.filter((s): s is string => typeof s === 'string') : [];
}
