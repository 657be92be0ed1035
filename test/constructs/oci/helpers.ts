import { TerraformStack, Testing } from 'cdktf';
import {
  IssuerLookup, M2mAuthorizationServer, OciApiGateway, OciIdentityDomainConfidentialApp, OciIdentityDomainResourceServer, OciJwtApiDeployment, SecurityChecks,
} from '../../../constructs';
import type { IOciApiGateway, IOciClient, M2mAuthorizationServerProps, OciJwtApiDeploymentProps } from '../../../constructs';
import type { IssuerFacts } from '../../../core/issuer-facts';
import { OciProvider } from '../../../.gen/providers/oci/provider';
import { TEST_FACTS, testLock } from '../../util';

/** Issuer of OCI IAM identity domain access tokens (the seed's `iss`). */
export const OCI_ISSUER = 'https://identity.oraclecloud.com/';
/** The identity domain URL (`idcs_endpoint`) used by the tests. */
export const OCI_DOMAIN_URL = 'https://idcs-0123456789abcdef0123456789abcdef.identity.oraclecloud.com';
/** The seed's jwk link: `<domain>/admin/v1/SigningCert/jwk`. */
export const OCI_JWKS_URI = `${OCI_DOMAIN_URL}/admin/v1/SigningCert/jwk`;
/** Audience of the seed's resource server. */
export const OCI_AUDIENCE = 'application1';
export const COMPARTMENT_ID = 'ocid1.compartment.oc1..aaaaaaaaexamplecompartment';
export const GATEWAY_ID = 'ocid1.apigateway.oc1.eu-frankfurt-1.aaaaaaaaexamplegateway';
/** A confidential client id, as the identity domain generates them. */
export const OCI_CLIENT_ID = '0123456789abcdef0123456789abcdef';

/** Facts as `npm run lookups` would record them for {@link OCI_ISSUER}. */
export const OCI_FACTS: IssuerFacts = {
  ...TEST_FACTS,
  issuer: OCI_ISSUER,
  jwksUri: OCI_JWKS_URI,
  tokenEndpoint: `${OCI_DOMAIN_URL}/oauth2/v1/token`,
};

/** Options for {@link ociTestStack}. */
export interface OciTestStackOptions {
  /** Attach the security checks aspect (default true). */
  readonly securityChecks?: boolean;
  /** Facts recorded for the OCI issuer (default {@link OCI_FACTS}). */
  readonly facts?: IssuerFacts;
}

/** An App with a lock recording the OCI issuer, and one stack with the OCI provider and the security checks. */
export function ociTestStack(options: OciTestStackOptions = {}): TerraformStack {
  const app = Testing.app();
  IssuerLookup.attach(app, testLock([options.facts ?? OCI_FACTS]));
  const stack = new TerraformStack(app, 'oci-test');
  new OciProvider(stack, 'oci', { region: 'eu-frankfurt-1' });
  if (options.securityChecks ?? true) SecurityChecks.attach(stack);
  return stack;
}

/** The seed's resource server: audience `application1`, scopes `ApplicationReadA` / `ApplicationWriteA`. */
export function ociServer(stack: TerraformStack, props: Partial<M2mAuthorizationServerProps> = {}): M2mAuthorizationServer {
  return new M2mAuthorizationServer(stack, 'IdentityDomain', {
    issuer: OCI_ISSUER,
    audience: OCI_AUDIENCE,
    scopes: ['ApplicationReadA', 'ApplicationWriteA'],
    ...props,
  });
}

/** The imported test gateway. */
export function ociGateway(stack: TerraformStack): IOciApiGateway {
  return OciApiGateway.fromGatewayId(stack, 'Gateway', GATEWAY_ID);
}

/** Builds the seed's deployment (`/test`, route `/1` needing `ApplicationReadA`) with overrides. */
export function seedDeployment(stack: TerraformStack, props: Partial<OciJwtApiDeploymentProps> = {}): OciJwtApiDeployment {
  return new OciJwtApiDeployment(stack, 'Api', {
    gateway: props.gateway ?? ociGateway(stack),
    compartmentId: COMPARTMENT_ID,
    pathPrefix: '/test',
    server: props.server ?? ociServer(stack),
    routes: [{ path: '/1', backendUrl: 'https://backend.example.com/1', anyOfScopes: ['ApplicationReadA'] }],
    ...props,
  });
}

/** The synthesized `oci_apigateway_deployment` of a stack with one deployment. */
export function synthDeployment(synth: { resource?: Record<string, Record<string, Record<string, any>>> }): Record<string, any> {
  const all = Object.values(synth.resource?.oci_apigateway_deployment ?? {});
  if (all.length !== 1) throw new Error(`expected one deployment, got ${all.length}`);
  return all[0];
}

/** The seed's confidential client, defined elsewhere and referenced by client id (granted `ApplicationReadA`). */
export function ociClientReference(stack: TerraformStack, grantedScopes: readonly string[] = ['ApplicationReadA'], clientId = OCI_CLIENT_ID): IOciClient {
  return OciIdentityDomainConfidentialApp.fromClientId(stack, `Client-${clientId}`, { clientId, grantedScopes });
}

/** The seed's resource server app (step 1) in the test identity domain. */
export function ociResourceServer(stack: TerraformStack, server: M2mAuthorizationServer = ociServer(stack)): OciIdentityDomainResourceServer {
  return new OciIdentityDomainResourceServer(stack, 'ResourceServer', { idcsEndpoint: OCI_DOMAIN_URL, server });
}
