import { Construct } from 'constructs';
import type { IdentityDomainsApp } from '../../.gen/providers/oci/identity-domains-app';
import type { M2mAuthorizationServer } from '../m2m/authorization-server';
import { validateHttpsUrl } from '../private/validators';
import { CONFIDENTIAL_APP_TEMPLATE, IDENTITY_DOMAIN_APP_SCHEMA, LeanIdentityDomainsApp, validateDisplayName } from './internal';


/** Properties for {@link OciIdentityDomainResourceServer}. */
export interface OciIdentityDomainResourceServerProps {
  /**
   * URL of the identity domain, e.g. `https://idcs-0123456789abcdef.identity.oraclecloud.com`
   * (`oci_identity_domain.url`). https only. Changing it replaces the app.
   */
  readonly idcsEndpoint: string;
  /**
   * The authorization server reference whose audience and scope catalog this app defines in the
   * identity domain (the seed's audience `application1` and scopes such as `ApplicationReadA`).
   * Its issuer facts (`jwks_uri`) come from `lookups.lock.json`.
   */
  readonly server: M2mAuthorizationServer;
  /**
   * Display name of the app in the identity domain console.
   * @default - the construct path
   */
  readonly displayName?: string;
  /**
   * Description of the app.
   * @default - no description
   */
  readonly description?: string;
  /**
   * Whether the app is activated. Scopes of an inactive resource server cannot be requested.
   * @default true
   */
  readonly active?: boolean;
}

/**
 * Defines a confidential application of type resource server in an OCI IAM identity domain:
 * the audience and the scopes that clients are granted and that deployments check (seed 002,
 * use case 1, step 1).
 *
 * A client requests a scope by its fully qualified name `<audience><scope>` (the seed's
 * `scope=anwendung1AnwendungReadA`); the access token then carries `aud: <audience>` and
 * `scope: <scope>`. {@link OciIdentityDomainConfidentialApp} grants scopes by reference to this
 * app, so Terraform creates the resource server first.
 *
 * @see https://docs.oracle.com/en-us/iaas/Content/Identity/api-getstarted/CreateActivateOAuthClientApp.htm
 * @see https://registry.terraform.io/providers/oracle/oci/8.28.0/docs/resources/identity_domains_app
 * @example
 * const resourceServer = new OciIdentityDomainResourceServer(stack, 'ResourceServer', {
 *   idcsEndpoint: 'https://idcs-0123456789abcdef.identity.oraclecloud.com',
 *   server,                                   // audience 'application1', scopes ['ApplicationReadA', ...]
 * });
 */
export class OciIdentityDomainResourceServer extends Construct {
  /** The underlying `oci_identity_domains_app` (escape hatch). */
  public readonly resource: IdentityDomainsApp;
  /** The identity domain URL. */
  public readonly idcsEndpoint: string;
  /** The authorization server reference (issuer, audience, scope catalog). */
  public readonly server: M2mAuthorizationServer;
  /** The app's id in the identity domain (known after apply). */
  public readonly appId: string;

  public constructor(scope: Construct, id: string, props: OciIdentityDomainResourceServerProps) {
    super(scope, id);
    validateHttpsUrl(this, 'idcsEndpoint', props.idcsEndpoint);
    const displayName = props.displayName ?? this.node.path;
    validateDisplayName(this, displayName, 'Name the resource server as it should appear in the identity domain console.');
    this.idcsEndpoint = props.idcsEndpoint;
    this.server = props.server;
    this.resource = new LeanIdentityDomainsApp(this, 'Resource', {
      idcsEndpoint: props.idcsEndpoint,
      schemas: [IDENTITY_DOMAIN_APP_SCHEMA],
      displayName,
      description: props.description,
      basedOnTemplate: { value: CONFIDENTIAL_APP_TEMPLATE },
      isOauthResource: true,
      audience: props.server.audience,
      scopes: props.server.scopes.map((value) => ({ value, requiresConsent: false })),
      active: props.active ?? true,
    });
    this.appId = this.resource.id;
  }

  /** The audience as a reference to this app, so that whoever uses it depends on the app. */
  public get audienceReference(): string {
    return this.resource.audience;
  }

  /**
   * The fully qualified scope a client is granted and requests, `<audience><scope>`, referencing
   * this app. Check the scope against `server.scopes` first.
   */
  public fullyQualifiedScope(scope: string): string {
    return `${this.audienceReference}${scope}`;
  }
}
