import { Token } from 'cdktf';
import type { IConstruct } from 'constructs';
import { IdentityDomainsApp } from '../../.gen/providers/oci/identity-domains-app';
import { ocidResourceType } from '../../core/ocid';
import { invalidProp } from '../private/errors';
import { lean } from '../private/lean-resource';

/** `oci_identity_domains_app` as the identity-domain constructs create it (one lean class for both). */
export const LeanIdentityDomainsApp = /* @__PURE__ */ lean(IdentityDomainsApp);


/**
 * Validates an Oracle Cloud ID. Tokens pass (known after apply).
 * @param resourceTypes OCID resource types accepted in the second segment, e.g. `['compartment', 'tenancy']`
 */
export function validateOcid(scope: IConstruct, prop: string, value: string, resourceTypes: readonly string[]): void {
  if (Token.isUnresolved(value)) return;
  const type = ocidResourceType(value);
  if (type === undefined) {
    throw invalidProp(scope, prop, 'must be an OCID', value, `Copy the OCID from the OCI console, e.g. "ocid1.${resourceTypes[0]}.oc1..aaaa...".`);
  }
  if (!resourceTypes.includes(type)) {
    throw invalidProp(scope, prop, `must be the OCID of a ${resourceTypes.join(' or ')}`, value, `Its second segment is "${type}"; use the OCID of the right resource.`);
  }
}

/** SCIM schema of an identity domain application. */
export const IDENTITY_DOMAIN_APP_SCHEMA = 'urn:ietf:params:scim:schemas:oracle:idcs:App';
/** Template of confidential OAuth applications (clients and resource servers). */
export const CONFIDENTIAL_APP_TEMPLATE = 'CustomWebAppTemplateId';

/** Validates a display name: a non-empty string (tokens pass). */
export function validateDisplayName(scope: IConstruct, value: string, fix: string): void {
  if (Token.isUnresolved(value)) return;
  if (typeof value !== 'string' || value.trim() === '') throw invalidProp(scope, 'displayName', 'must not be empty', value, fix);
}
