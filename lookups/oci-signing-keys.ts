/**
 * OCI IAM identity domains serve their token signing keys at `<domain>/admin/v1/SigningCert/jwk`.
 * By default that URL needs an access token: the domain must be told to let clients fetch the
 * signing certificate without logging in, or every gateway token check fails (the gateway cannot
 * read the keys) and every call gets 401. The lookup checks it and names the setting.
 *
 * @see https://docs.oracle.com/en-us/iaas/Content/Identity/domains/to-access-signing-certificates.htm
 */
import { LookupError, LookupErrorCode, lookupError } from './errors';

/** Path of an identity domain's signing-key set. */
const OCI_SIGNING_KEYS_PATH = '/admin/v1/SigningCert/jwk';

/** Whether `url` is an OCI identity domain's (or IDCS's) signing-key URL. */
export function isOciSigningKeysUrl(url: string | URL): boolean {
  try {
    return new URL(url).pathname.replace(/\/+$/, '').endsWith(OCI_SIGNING_KEYS_PATH);
  } catch {
    return false;
  }
}

/**
 * The clear error for a signing-key URL that asks for credentials, or `undefined` when `error` is
 * something else (then the caller rethrows it unchanged).
 */
export function ociSigningKeysError(issuer: string, jwksUri: string, error: unknown): LookupError | undefined {
  if (!(error instanceof LookupError) || error.code !== LookupErrorCode.HTTP_STATUS) return undefined;
  if (error.status !== 401 && error.status !== 403) return undefined;
  if (!isOciSigningKeysUrl(jwksUri)) return undefined;
  return lookupError(LookupErrorCode.OCI_SIGNING_KEYS_NOT_PUBLIC, { issuer, host: error.host, cause: error },
    `the identity domain's signing-key URL ${jwksUri} answered HTTP ${error.status} without credentials: the domain does not let clients read its signing certificate, so the API gateway cannot verify any token (every call would get 401)`,
    error.status,
    'In the OCI console open Identity & Security > Domains > <your domain> > Settings > Domain settings, check "Configure client access" under "Access signing certificate", save, and run the lookup again (IDCS: Settings > Default Settings > "Access Signing Certificate").');
}
