/** Outcome of one rule on one resource when it has no granular findings. */
export enum RuleResult {
  /** The resource satisfies the rule. */
  COMPLIANT = 'COMPLIANT',
  /** The resource breaks the rule. */
  NON_COMPLIANT = 'NON_COMPLIANT',
  /** The rule does not look at this kind of resource. */
  NOT_APPLICABLE = 'NOT_APPLICABLE',
  /** The input is a token that is unknown until apply, so the rule cannot decide. */
  UNRESOLVED = 'UNRESOLVED',
}

/** How a non-compliant result is reported. */
export enum RuleLevel {
  /** Fails the synth. */
  ERROR = 'ERROR',
  /** Reported, does not fail the synth. */
  WARNING = 'WARNING',
  /** Informational: recorded as an info annotation, never fails the synth. */
  INFO = 'INFO',
}

/**
 * What a rule returns: a single result, or a list of granular findings (each one
 * individually suppressible through `appliesTo`). An empty list means compliant.
 */
export type RuleOutcome = RuleResult | readonly string[];

/**
 * One resource of a synthesized stack as rules see it: its Terraform type, address, construct
 * path and final configuration exactly as written to `cdk.tf.json` (including `addOverride`
 * escape hatches; references rendered as `${...}` strings; cdktf's `//` metadata removed).
 */
export interface ResourceView {
  /** Terraform resource type, e.g. `alicloud_ram_role`. */
  readonly type: string;
  /** Resource name in the stack, e.g. `CiRole_Resource_1A2B3C4D`. */
  readonly name: string;
  /** Terraform address, e.g. `alicloud_ram_role.CiRole_Resource_1A2B3C4D`. */
  readonly address: string;
  /** Path of the construct that defined it, e.g. `federation-dev/CiRole/Resource` (from cdktf's `//` metadata). */
  readonly path: string;
  /** Final configuration as written to `cdk.tf.json`. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** A synthesized stack (`cdk.tf.json`), loosely typed. */
export type SynthesizedStackJson = Readonly<Record<string, unknown>>;

/** Facts about the whole synthesized stack that rules may consult (read-only). */
export interface RuleContext {
  /** Name of the stack being checked, e.g. `gateway-dev`. */
  readonly stackName: string;
  /** Whether the stack is marked as a production environment. */
  readonly production: boolean;
  /** The whole synthesized stack, as written to `cdk.tf.json` (for indexes over several resource types). */
  readonly synthesized: SynthesizedStackJson;
  /** Every resource of a Terraform type in the stack, in file order. */
  resourcesOfType(type: string): readonly ResourceView[];
  /** The resource a `${type.name.attr}` reference points at, if it is in this stack. */
  referencedResource(reference: unknown): ResourceView | undefined;
  /**
   * Resources of `type` whose `attribute` is a reference to `target`
   * (e.g. plugin attachments whose `api_id` points at an API). Indexed: linear in the stack size.
   */
  resourcesReferencing(type: string, attribute: string, target: ResourceView): readonly ResourceView[];
  /** Resources of `type` whose `attribute` is exactly the string `value`. Indexed. */
  resourcesWithAttribute(type: string, attribute: string, value: string): readonly ResourceView[];
  /**
   * A value computed once per checked stack and shared by every rule and resource, e.g. an index
   * over the stack: `context.memo(buildIndex, () => buildIndex(context.synthesized))`.
   * @param key identifies the value (use the builder function itself, or a module-level symbol)
   */
  memo<T>(key: object, build: () => T): T;
}

/**
 * A security rule: a pure function of one resource's final Terraform configuration
 * (plus read-only stack context), with a stable id that never changes meaning.
 */
export interface SecurityRule {
  /** Stable id, e.g. `RAM-OIDC2`. Retired ids are never reused. */
  readonly id: string;
  /** One line: what is wrong when the rule fails. */
  readonly info: string;
  /** Why it matters. */
  readonly explanation: string;
  /** ERROR fails the synth; WARNING is reported only. */
  readonly level: RuleLevel;
  /**
   * The Terraform resource types the rule looks at. The engine runs the rule only on resources of
   * these types (for any other it is `NOT_APPLICABLE`), which keeps large stacks cheap to check.
   * Give it only when `check` returns `NOT_APPLICABLE` for every other type.
   * @default - every resource of the stack
   */
  readonly resourceTypes?: readonly string[];
  /** Evaluates the rule on one resource. */
  check(resource: ResourceView, context: RuleContext): RuleOutcome;
}
