import { Construct } from 'constructs';
import type { IConstruct } from 'constructs';
import { invalidProp } from '../private/errors';
import { validateClientId } from '../private/validators';
import type { IM2mAuthorizationServer } from './authorization-server';

/** An M2M client as the other constructs use it (`allowedClients: IM2mClient[]`). */
export interface IM2mClient extends IConstruct {
  /** Application id (`client_id`). */
  readonly clientId: string;
  /** Granted scopes. */
  readonly grantedScopes: readonly string[];
  /** The issuing server. */
  readonly server: IM2mAuthorizationServer;
  /** Whether the client is granted `scope`. */
  isGranted(scope: string): boolean;
}

/** Options for {@link M2mAuthorizationServer.addClient}. */
export interface M2mClientOptions {
  /** Application id of the M2M client (the `client_id` claim), e.g. `app_m7hfgn66xkyyxlhpkiw5kjenhy`. */
  readonly clientId: string;
  /** Scopes the client is granted on the server. Must not be empty; each must be in the server's catalog. */
  readonly grantedScopes: readonly string[];
}

/** Properties for {@link M2mClient}. */
export interface M2mClientProps extends M2mClientOptions {
  /** The server the client gets tokens from. */
  readonly server: IM2mAuthorizationServer;
}

/**
 * A reference to an IDaaS M2M client application (OAuth 2.0 client).
 *
 * Only its public identity is modelled: client secrets never enter the construct tree,
 * synthesized files, lock files or logs.
 */
export class M2mClient extends Construct implements IM2mClient {
  /** Application id (`client_id`). */
  public readonly clientId: string;
  /** Granted scopes. */
  public readonly grantedScopes: readonly string[];
  /** The issuing server. */
  public readonly server: IM2mAuthorizationServer;

  public constructor(scope: Construct, id: string, props: M2mClientProps) {
    super(scope, id);
    validateClientId(this, 'clientId', props.clientId);
    if (!props.grantedScopes || props.grantedScopes.length === 0) {
      throw invalidProp(this, 'grantedScopes', 'must not be empty', props.grantedScopes ?? [], 'Grant the client at least one scope of the M2M server.');
    }
    props.server.assertScopes(this, 'grantedScopes', props.grantedScopes);
    this.clientId = props.clientId;
    this.grantedScopes = [...props.grantedScopes];
    this.server = props.server;
  }

  /** Whether the client is granted `scope`. */
  public isGranted(scope: string): boolean {
    return this.grantedScopes.includes(scope);
  }
}
