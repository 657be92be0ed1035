/**
 * Bounded https GET of a JSON document, shared by discovery and JWKS.
 */
import { Agent, request } from 'undici';
import { LookupErrorCode, lookupError, toNetworkError } from './errors';
import { portOf } from './issuer-url';
import type { TrustStore } from './trust';

/** Limits applied to every document fetch. */
export interface FetchLimits {
  /** Whole-request budget: connect, TLS, headers and body. */
  readonly timeoutMs: number;
  /** Largest accepted body, enforced while streaming. */
  readonly maxBytes: number;
  /** Most redirects followed (each must stay on https). */
  readonly maxRedirects: number;
}

/** Defaults for {@link FetchLimits}: 10 s, 1 MiB, 3 redirects. */
export const DEFAULT_FETCH_LIMITS: FetchLimits = { timeoutMs: 10_000, maxBytes: 1024 * 1024, maxRedirects: 3 };

/**
 * Creates the undici dispatcher for lookups: TLS trust is exactly the {@link TrustStore}
 * (system roots + CA bundle), certificates and host names are always verified.
 * Close it with `agent.close()` when done.
 */
export function createLookupAgent(trust: TrustStore, timeoutMs: number): Agent {
  return new Agent({
    connect: { secureContext: trust.secureContext(), rejectUnauthorized: true, timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    // one short-lived lookup run; do not keep sockets around after it
    keepAliveTimeout: 1_000,
  });
}

/** A fetched JSON document. */
export interface JsonDocument {
  /** Final URL after redirects. */
  readonly url: URL;
  /** Parsed JSON object. */
  readonly body: Readonly<Record<string, unknown>>;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * GETs an https URL and parses it as a JSON object.
 *
 * @param url - https URL to fetch.
 * @param options.what - label for messages, e.g. `discovery document`.
 * @throws LookupError with a network, TLS, redirect, status, size or JSON code.
 */
export async function fetchJsonDocument(
  url: URL,
  options: { readonly issuer: string; readonly what: string; readonly agent: Agent; readonly limits: FetchLimits },
): Promise<JsonDocument> {
  const { issuer, what, agent, limits } = options;
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let current = url;
  for (let redirects = 0; ; redirects++) {
    const hostLabel = `${current.hostname}:${portOf(current)}`;
    if (current.protocol !== 'https:') {
      throw lookupError(LookupErrorCode.REDIRECT_INVALID, { issuer, host: current.href },
        `${what} URL must use https`, current.href, 'Fix the identity provider configuration; plain http can be forged.');
    }
    const where = { issuer, host: hostLabel, what: `${what} ${current.href}`, timeoutMs: limits.timeoutMs };
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(current, {
        method: 'GET',
        dispatcher: agent,
        signal,
        headers: { accept: 'application/json' },
      });
    } catch (error) {
      throw toNetworkError(error, where);
    }
    const { statusCode, headers, body } = response;
    if (statusCode >= 300 && statusCode < 400) {
      discard(body);
      const location = header(headers.location);
      if (!location) {
        throw lookupError(LookupErrorCode.REDIRECT_INVALID, { issuer, host: hostLabel },
          `${what} ${current.href} answered ${statusCode} without a Location header`, undefined,
          'Point the configuration at the final URL.');
      }
      if (redirects >= limits.maxRedirects) {
        throw lookupError(LookupErrorCode.REDIRECT_INVALID, { issuer, host: hostLabel },
          `${what} ${url.href} redirects more than ${limits.maxRedirects} times`, location,
          'Point the configuration at the final URL.');
      }
      const next = new URL(location, current);
      if (next.protocol !== 'https:') {
        throw lookupError(LookupErrorCode.REDIRECT_INVALID, { issuer, host: hostLabel },
          `${what} ${current.href} redirects to a non-https URL`, next.href,
          'Redirects must stay on https; fix the identity provider configuration.');
      }
      current = next;
      continue;
    }
    if (statusCode < 200 || statusCode >= 300) {
      discard(body);
      throw lookupError(LookupErrorCode.HTTP_STATUS, { issuer, host: hostLabel, status: statusCode },
        `${what} ${current.href} answered HTTP ${statusCode}`, statusCode,
        'Check the issuer URL: the identity provider must serve this document publicly.');
    }
    const contentType = header(headers['content-type']) ?? '';
    if (!JSON_TYPE.test(contentType)) {
      discard(body);
      throw lookupError(LookupErrorCode.NOT_JSON, { issuer, host: hostLabel },
        `${what} ${current.href} is not served as JSON (content-type)`, contentType || '(none)',
        'Check that the URL is the OIDC issuer, not a web page.');
    }
    const declared = Number(header(headers['content-length']));
    if (Number.isFinite(declared) && declared > limits.maxBytes) {
      discard(body);
      throw tooLarge(issuer, hostLabel, what, current, limits.maxBytes, declared);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of body) {
        size += (chunk as Buffer).length;
        if (size > limits.maxBytes) {
          discard(body);
          throw tooLarge(issuer, hostLabel, what, current, limits.maxBytes, `more than ${size} bytes`);
        }
        chunks.push(chunk as Buffer);
      }
    } catch (error) {
      throw toNetworkError(error, where);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (cause) {
      throw lookupError(LookupErrorCode.NOT_JSON, { issuer, host: hostLabel, cause },
        `${what} ${current.href} is not valid JSON (${(cause as Error).message})`, undefined,
        'Check that the URL is the OIDC issuer and that it serves a JSON document.');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw lookupError(LookupErrorCode.NOT_JSON, { issuer, host: hostLabel },
        `${what} ${current.href} must be a JSON object`, Array.isArray(parsed) ? 'an array' : parsed,
        'Check that the URL is the OIDC issuer.');
    }
    return { url: current, body: parsed as Record<string, unknown> };
  }
}

function tooLarge(issuer: string, host: string, what: string, url: URL, max: number, got: unknown) {
  return lookupError(LookupErrorCode.TOO_LARGE, { issuer, host },
    `${what} ${url.href} is larger than the ${max}-byte cap`, got,
    'An OIDC document is a few KiB; check the URL, or raise maxDocumentBytes if the issuer really is that large.');
}

/** Drops a body we will not read, without an unhandled 'error' from undici's abort. */
function discard(body: { on(event: 'error', listener: () => void): unknown; destroy(): unknown }): void {
  body.on('error', () => undefined);
  body.destroy();
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
