/**
 * Oracle Cloud IDs: `ocid1.<resource type>.<realm>.[region][.future use].<unique id>`. One home for
 * the pattern, used by the OCI constructs and the config validation. Only the stable prefix is
 * checked.
 */
const OCID = /^ocid1\.([a-z0-9]+)\.[a-z0-9-]+\.[a-z0-9-]*\.[a-zA-Z0-9._-]+$/;

/** The resource type of an OCID (`compartment`, `subnet`, ...), or `undefined` when `value` is not an OCID. */
export function ocidResourceType(value: unknown): string | undefined {
  return typeof value === 'string' ? OCID.exec(value)?.[1] : undefined;
}
