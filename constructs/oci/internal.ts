import { Token } from 'cdktf';
import type { IConstruct } from 'constructs';
import { invalidProp } from '../private/errors';

/** `ocid1.<resource type>.<realm>.[region][.future use].<unique id>`: we check the stable prefix only. */
const OCID = /^ocid1\.([a-z0-9]+)\.[a-z0-9-]+\.[a-z0-9-]*\.[a-zA-Z0-9._-]+$/;

/**
 * Validates an Oracle Cloud ID. Tokens pass (known after apply).
 * @param resourceTypes OCID resource types accepted in the second segment, e.g. `['compartment', 'tenancy']`
 */
export function validateOcid(scope: IConstruct, prop: string, value: string, resourceTypes: readonly string[]): void {
  if (Token.isUnresolved(value)) return;
  const match = typeof value === 'string' ? OCID.exec(value) : null;
  if (!match) {
    throw invalidProp(scope, prop, 'must be an OCID', value, `Copy the OCID from the OCI console, e.g. "ocid1.${resourceTypes[0]}.oc1..aaaa...".`);
  }
  if (!resourceTypes.includes(match[1])) {
    throw invalidProp(scope, prop, `must be the OCID of a ${resourceTypes.join(' or ')}`, value, `Its second segment is "${match[1]}"; use the OCID of the right resource.`);
  }
}
