/**
 * Terraform references as cdktf writes them in `cdk.tf.json` (`${alicloud_api_gateway_api.Hello_1A2B.api_id}`),
 * resolved by resource address so that attachments can be matched with the APIs, groups and
 * plugins they point at. The syntax itself (references, expressions) lives in core/expressions.
 */
export { isExpression, parseReference } from '../core/expressions';
export type { TerraformReference } from '../core/expressions';
export { identityKey } from '../core/binding-index';
