/**
 * Stable identifiers of schema findings. Codes never change meaning; retired codes are not reused.
 */
export enum FindingCode {
  /** An argument that the schema does not define (and that is not a Terraform meta-argument). */
  UNKNOWN_ATTRIBUTE = 'SCHEMA_UNKNOWN_ATTRIBUTE',
  /** A nested block (or `dynamic` block) that the schema does not define. */
  UNKNOWN_BLOCK = 'SCHEMA_UNKNOWN_BLOCK',
  /** A required attribute is absent or null, or a block with `min_items >= 1` is absent. */
  MISSING_REQUIRED = 'SCHEMA_MISSING_REQUIRED',
  /** A value that Terraform cannot convert to the attribute's type, or a block given as a non-block value. */
  TYPE_MISMATCH = 'SCHEMA_TYPE_MISMATCH',
  /** A block given more often than `max_items`, or fewer (but more than zero) times than `min_items`. */
  BLOCK_COUNT = 'SCHEMA_BLOCK_COUNT',
  /** A value outside the provider's `StringInSlice` list (annotation `allowed_values`). */
  VALUE_NOT_ALLOWED = 'SCHEMA_VALUE_NOT_ALLOWED',
  /** A number or string length outside `IntBetween` / `IntAtLeast` / `IntAtMost` / `StringLenBetween`. */
  VALUE_OUT_OF_RANGE = 'SCHEMA_VALUE_OUT_OF_RANGE',
  /** A value rejected by `StringMatch`, `StringIsJSON` or `ValidateInt64TypeString`. */
  VALUE_INVALID = 'SCHEMA_VALUE_INVALID',
  /** An attribute that is computed only (read-only) is set. */
  COMPUTED_ONLY = 'SCHEMA_COMPUTED_ONLY',
  /**
   * Retired: a type outside the pinned snapshot is now reported as "not validated" information
   * (`inspectStack().notValidated`), because snapshots cover a subset of each provider.
   * @deprecated never reported any more; kept so the code is not reused
   */
  UNKNOWN_RESOURCE_TYPE = 'SCHEMA_UNKNOWN_RESOURCE_TYPE',
  /**
   * Retired, like {@link FindingCode.UNKNOWN_RESOURCE_TYPE}.
   * @deprecated never reported any more; kept so the code is not reused
   */
  UNKNOWN_DATA_SOURCE_TYPE = 'SCHEMA_UNKNOWN_DATA_SOURCE_TYPE',
  /** A provider (source) for which no pinned schema exists in `provider-schemas/`. */
  UNKNOWN_PROVIDER = 'SCHEMA_UNKNOWN_PROVIDER',
  /** `required_providers` pins an exact version that differs from the pinned schema's version. */
  PROVIDER_VERSION_MISMATCH = 'SCHEMA_PROVIDER_VERSION_MISMATCH',
}

/** Fields of a {@link Finding}. */
export interface FindingProps {
  /** Name of the stack (directory under `stacks/`, or the stack construct id). */
  readonly stack: string;
  /** Terraform address: `alicloud_ram_role.CiRole_Resource_1A2B3C`, `data.alicloud_x.y`, `provider.alicloud[0]`. */
  readonly address: string;
  /**
   * Attribute path inside the address, Terraform style: `request_config[0].method`, `tags["env"]`.
   * Empty for findings about the whole resource.
   */
  readonly path: string;
  /** The offending value, rendered short; `(absent)` for missing values. */
  readonly value: string;
  /** What the schema expects, e.g. `one of "PRE", "RELEASE", "TEST"` or `number`. */
  readonly expected: string;
  /** Stable code. */
  readonly code: FindingCode;
  /** What is wrong, one short phrase (`value is not allowed`). */
  readonly problem: string;
  /**
   * Construct path from the `//` metadata cdktf writes (`platform-dev/CiRole/Resource`).
   * @default - unknown (e.g. input from `Testing.synth`, which strips metadata)
   */
  readonly constructPath?: string;
}

/** Placeholder rendered for a value that is absent. */
export const ABSENT = '(absent)';

/**
 * One schema violation in a synthesized stack.
 *
 * Findings are plain data plus {@link Finding.format}; they never throw by themselves.
 */
export class Finding implements FindingProps {
  public readonly stack: string;
  public readonly address: string;
  public readonly path: string;
  public readonly value: string;
  public readonly expected: string;
  public readonly code: FindingCode;
  public readonly problem: string;
  public readonly constructPath?: string;

  public constructor(props: FindingProps) {
    this.stack = props.stack;
    this.address = props.address;
    this.path = props.path;
    this.value = props.value;
    this.expected = props.expected;
    this.code = props.code;
    this.problem = props.problem;
    this.constructPath = props.constructPath;
  }

  /**
   * One line: where · which attribute · what is wrong · what we got · what is expected.
   *
   * @example
   * [platform-dev] alicloud_api_gateway_plugin_attachment.Attach 'stage_name' value is not allowed,
   *   got "PROD"; expected one of "PRE", "RELEASE", "TEST" (SCHEMA_VALUE_NOT_ALLOWED) at platform-dev/Api/Attach
   */
  public format(): string {
    const where = this.path ? `${this.address} '${this.path}'` : this.address;
    const origin = this.constructPath ? ` at ${this.constructPath}` : '';
    return `[${this.stack}] ${where} ${this.problem}, got ${this.value}; expected ${this.expected} (${this.code})${origin}`;
  }

  /** Same as {@link Finding.format}, so findings print well in template strings. */
  public toString(): string {
    return this.format();
  }
}

const MAX_VALUE_CHARS = 80;

/**
 * Renders a value for a finding: JSON, cut to a short length, `(absent)` for `undefined`.
 */
export function renderValue(value: unknown): string {
  if (value === undefined) return ABSENT;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) text = String(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 3)}...` : text;
}
