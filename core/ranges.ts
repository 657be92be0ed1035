/**
 * Numeric limits the clouds document, shared by config validation, constructs and rules.
 */

/** An inclusive range of whole numbers with the value used when none is given. */
export interface WholeNumberRange {
  /** Smallest allowed value. */
  readonly min: number;
  /** Largest allowed value. */
  readonly max: number;
  /** Value used when none is configured. */
  readonly default: number;
}

/** Whether a value is a whole number inside the range. */
export function isWholeNumberIn(value: unknown, range: WholeNumberRange): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max;
}

/**
 * Hours after issuance during which a token can be exchanged through a RAM OIDC provider
 * (`IssuanceLimitTime`).
 *
 * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createoidcprovider
 */
export const OIDC_ISSUANCE_LIMIT_HOURS: WholeNumberRange = { min: 1, max: 168, default: 12 };

/**
 * Longest session (seconds) of a RAM role (`MaxSessionDuration`).
 *
 * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-createrole
 */
export const RAM_ROLE_SESSION_SECONDS: WholeNumberRange = { min: 3600, max: 43200, default: 3600 };

/** Most client ids one RAM OIDC provider accepts (CreateOIDCProvider limit). */
export const MAX_OIDC_CLIENT_IDS = 50;

/**
 * Largest clock skew (seconds) OCI API Gateway allows between token times and its clock
 * (`maxClockSkewInSeconds`).
 *
 * @see https://docs.oracle.com/en-us/iaas/Content/APIGateway/Tasks/apigatewayusingjwttokens.htm
 */
export const OCI_MAX_CLOCK_SKEW_SECONDS = 300;
