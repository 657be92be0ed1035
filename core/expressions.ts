const DOLLAR = 36; // '$'
const PERCENT = 37; // '%'

/**
 * Whether a string from Terraform JSON syntax is a template with an interpolation (`${...}`) or
 * directive (`%{...}`) anywhere in it, i.e. a value that may be unknown until apply.
 *
 * Terraform evaluates every JSON string as a template; `$${` and `%%{` are escapes for a literal
 * `${` / `%{` and do not make the string an expression.
 */
export function isExpression(value: string): boolean {
  let brace = value.indexOf('{', 1);
  while (brace > 0) {
    const marker = value.charCodeAt(brace - 1);
    if ((marker === DOLLAR || marker === PERCENT) && (brace < 2 || value.charCodeAt(brace - 2) !== marker)) {
      return true;
    }
    brace = value.indexOf('{', brace + 1);
  }
  return false;
}

/** A reference to one attribute of a resource (or data source) of the same stack. */
export interface TerraformReference {
  /** Address, e.g. `alicloud_api_gateway_plugin.Protection_Jwt_5B669E87` or `data.alicloud_account.current`. */
  readonly address: string;
  /** First attribute segment, e.g. `id` or `api_id`. */
  readonly attribute: string;
}

/** `${type.name.attribute[...]}` or `${data.type.name.attribute[...]}`, nothing around it. */
const REFERENCE = /^\$\{((?:data\.)?[A-Za-z][A-Za-z0-9_]*\.[A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)(?:[.[][^}]*)?\}$/;

/**
 * Parses a value that is exactly one reference to a resource attribute, as cdktf writes it in
 * `cdk.tf.json` (`${alicloud_api_gateway_api.Hello_1A2B.api_id}`).
 * @returns `undefined` for literals and for any other expression
 */
export function parseReference(value: unknown): TerraformReference | undefined {
  if (typeof value !== 'string') return undefined;
  const match = REFERENCE.exec(value);
  return match ? { address: match[1], attribute: match[2] } : undefined;
}

/** Whether a configuration value is a string that is unknown until apply (see {@link isExpression}). */
export function isUnresolvedValue(value: unknown): boolean {
  return typeof value === 'string' && isExpression(value);
}

// The syntax go-cty's ParseNumberVal (math/big ParseFloat, base 10) accepts, minus "Inf".
const NUMBER_LITERAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses a string the way Terraform converts a string to a number (`"3600"` → 3600).
 *
 * Returns `undefined` when Terraform would fail with "a number is required". `"Inf"` is rejected
 * on purpose although go-cty accepts it: no provider argument takes an infinite number.
 */
export function parseNumberString(value: string): number | undefined {
  return NUMBER_LITERAL.test(value) ? Number(value) : undefined;
}

/**
 * Converts a string the way Terraform converts a string to a bool: only `"true"`, `"1"`,
 * `"false"` and `"0"` convert; anything else (including `"True"`) is an error.
 */
export function parseBoolString(value: string): boolean | undefined {
  switch (value) {
    case 'true':
    case '1':
      return true;
    case 'false':
    case '0':
      return false;
    default:
      return undefined;
  }
}

/**
 * Renders a known primitive the way Terraform converts it to a string
 * (numbers without exponent for integers, bools as `true`/`false`).
 */
export function primitiveToString(value: string | number | boolean): string {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value).toString();
  return String(value);
}
