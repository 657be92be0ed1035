/**
 * Terraform references as cdktf writes them in `cdk.tf.json` (`${alicloud_api_gateway_api.Hello_1A2B.api_id}`),
 * resolved by resource address so that attachments can be matched with the APIs, groups and
 * plugins they point at. The syntax itself (references, expressions) lives in core/expressions.
 */
import { isExpression, parseReference } from '../core/expressions';

export { isExpression, parseReference } from '../core/expressions';
export type { TerraformReference } from '../core/expressions';

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
