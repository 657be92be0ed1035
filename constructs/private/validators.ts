import { Token } from 'cdktf';
import type { IConstruct } from 'constructs';
import { HttpsUrlDefect, checkHttpsUrl } from '../../core/https-url';
import { invalidProp } from './errors';

/**
 * Characters that could break out of a quoted string in a gateway plugin expression or a
 * YAML scalar, or smuggle whitespace-separated extra scopes into a claim check.
 */
const UNSAFE_IDENTIFIER_CHARS = /['"`\\$\s{}|%]|[\u0000-\u001f\u007f]/;

/** Validates an https URL without query, fragment or credentials (issuer URLs, endpoints). Tokens pass. */
export function validateHttpsUrl(scope: IConstruct, prop: string, value: string): URL | undefined {
  if (Token.isUnresolved(value)) return undefined;
  const checked = checkHttpsUrl(value);
  switch (checked.defect) {
    case undefined:
      return checked.url;
    case HttpsUrlDefect.NOT_ABSOLUTE:
      throw invalidProp(scope, prop, 'must be an absolute https URL', value, 'Use the issuer URL exactly as the identity provider publishes it, e.g. "https://xxxx.aliyunidaas.com/api/v2/iauths_system/oauth2".');
    case HttpsUrlDefect.NOT_HTTPS:
      throw invalidProp(scope, prop, 'must use https', value, 'OIDC issuers and their keys must be fetched over TLS; use the https:// URL.');
    case HttpsUrlDefect.QUERY:
    case HttpsUrlDefect.FRAGMENT:
      throw invalidProp(scope, prop, 'must not contain a query or fragment', value, 'Remove everything from "?" or "#" on; an OIDC issuer identifier has neither.');
    case HttpsUrlDefect.CREDENTIALS:
      throw invalidProp(scope, prop, 'must not contain credentials', value, 'Remove the user:password@ part.');
  }
}

/** Validates a permission scope name such as `user:read:one`. */
export function validateScopeName(scope: IConstruct, prop: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw invalidProp(scope, prop, 'must be a non-empty scope name', value, 'Use the scope exactly as defined on the M2M server, e.g. "user:read:one".');
  }
  if (UNSAFE_IDENTIFIER_CHARS.test(value)) {
    throw invalidProp(scope, prop, 'must not contain quotes, backslashes, "$", "%", "|", braces or whitespace', value, 'Scope names are single tokens such as "user:read:one".');
  }
}

/** Validates an M2M client application id such as `app_m7hfgn66xkyyxlhpkiw5kjenhy`. */
export function validateClientId(scope: IConstruct, prop: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw invalidProp(scope, prop, 'must be a non-empty client id', value, 'Use the client (application) id exactly as the identity provider shows it, e.g. IDaaS console > M2M client > Application Settings.');
  }
  if (UNSAFE_IDENTIFIER_CHARS.test(value)) {
    throw invalidProp(scope, prop, 'must not contain quotes, backslashes, "$", "%", "|", braces or whitespace', value, 'Client ids are single tokens such as "app_m7hfgn66xkyyxlhpkiw5kjenhy".');
  }
}
