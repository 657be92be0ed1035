/**
 * How `npm run verify` authenticates a client at the M2M server's token endpoint. Only the name
 * of the environment variable holding the secret belongs in config, never the secret.
 */

/** Client authentication at the token endpoint (RFC 6749 §2.3.1; IDaaS supports both). */
export type TokenEndpointAuthMethod = 'client_secret_post' | 'client_secret_basic';

/** The client authentication methods verify supports. */
export const TOKEN_ENDPOINT_AUTH_METHODS = ['client_secret_post', 'client_secret_basic'] as const satisfies readonly TokenEndpointAuthMethod[];

/** Where verify finds a client's secret and how it sends it. */
export interface ClientAuthConfig {
  /** Name of the environment variable holding the client secret, e.g. `M2M_REPORTING_CLIENT_SECRET`. */
  readonly secretEnv: string;
  /**
   * How the secret is sent: in the form body (`client_secret_post`, as the IDaaS tutorial shows)
   * or in an `Authorization: Basic` header (`client_secret_basic`).
   * @default 'client_secret_post'
   */
  readonly method?: TokenEndpointAuthMethod;
}
