/**
 * Terraform references as cdktf writes them in `cdk.tf.json` (`${alicloud_api_gateway_api.Hello_1A2B.api_id}`),
 * resolved by resource address so that attachments can be matched with the APIs, groups and
 * plugins they point at.
 */

/** A reference to one attribute of a resource (or data source) of the same stack. */
export interface TerraformReference {
  /** Resource address, e.g. `alicloud_api_gateway_plugin.Protection_Jwt_5B669E87`. */
  readonly address: string;
  /** Referenced attribute, e.g. `id` or `api_id`. */
  readonly attribute: string;
}

/** `${type.name.attribute}` or `${data.type.name.attribute}`, nothing around it. */
const REFERENCE = /^\$\{((?:data\.)?[A-Za-z][A-Za-z0-9_]*\.[A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)\}$/;

/**
 * Parses a value that is exactly one resource reference.
 * @returns `undefined` for literals and for any other expression
 */
export function parseReference(value: unknown): TerraformReference | undefined {
  if (typeof value !== 'string') return undefined;
  const match = REFERENCE.exec(value);
  return match ? { address: match[1], attribute: match[2] } : undefined;
}

/** Whether a string holds a Terraform interpolation (`${`, but not the escaped `$${`). */
export function isExpression(value: string): boolean {
  return /(^|[^$])\$\{/.test(value);
}

/**
 * A key that identifies what an id attribute points at: the resource address for a reference,
 * `literal:<value>` for a literal id (an imported group or API), `undefined` for anything else.
 * Two attributes point at the same object when their keys are equal.
 */
export function identityKey(value: unknown): string | undefined {
  const ref = parseReference(value);
  if (ref) return ref.address;
  if (typeof value === 'string' && value !== '' && !isExpression(value)) return `literal:${value}`;
  return undefined;
}
