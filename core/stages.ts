/**
 * The stages (environments) of API Gateway (classic), in the order the project lists them.
 *
 * @see https://registry.terraform.io/providers/aliyun/alicloud/1.289.0/docs/resources/api_gateway_plugin_attachment
 */
export const STAGE_NAMES = ['TEST', 'PRE', 'RELEASE'] as const;

/** One of {@link STAGE_NAMES}. */
export type StageName = (typeof STAGE_NAMES)[number];

/**
 * The stage a request goes to when it names none (no `X-Ca-Stage` header).
 *
 * @see https://www.alibabacloud.com/help/en/api-gateway/traditional-api-gateway/user-guide/api-environment-management
 */
export const DEFAULT_REQUEST_STAGE: StageName = 'RELEASE';

/** Whether a value is a stage name. */
export function isStageName(value: unknown): value is StageName {
  return typeof value === 'string' && (STAGE_NAMES as readonly string[]).includes(value);
}
