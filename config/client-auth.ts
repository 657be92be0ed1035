/**
 * How `npm run verify` authenticates a client at the M2M server's token endpoint. Only the name
 * of the environment variable holding the secret belongs in config, never the secret.
 */

import { z } from 'zod';
import { exactSchema } from './exact-schema';
import { show } from './show';

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

/** The runtime shape of {@link ClientAuthConfig} (strict), used by `clients[]` and `oci.clients[]`. */
export const clientAuthConfigSchema = exactSchema<ClientAuthConfig>()(z.strictObject({
  secretEnv: z.string(),
  method: z.enum(TOKEN_ENDPOINT_AUTH_METHODS, { error: (issue) => `must be ${TOKEN_ENDPOINT_AUTH_METHODS.join(' or ')}, got ${show(issue.input)}.` }).optional(),
}));

/**
 * Checks a `clientAuth` block at field path `f` that passed {@link clientAuthConfigSchema}: the
 * variable's name (never a secret). The method's value set is the schema's job.
 */
export function checkClientAuth(auth: ClientAuthConfig, f: string, problem: (field: string, message: string) => void): void {
  if (!/^[A-Z_][A-Z0-9_]*$/.test(auth.secretEnv ?? '')) {
    problem(`${f}.secretEnv`, `must be the NAME of an environment variable (upper case, digits, _), got ${show(auth.secretEnv)}. Never put the secret itself in config.`);
  }
}
