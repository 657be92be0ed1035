import { type CtyType, parseCtyType } from './cty-type';
import { type AttributeAnnotation, compileValueRules, type ValueRule } from './value-rules';

/** An attribute in `terraform providers schema -json`. */
export interface RawAttribute {
  readonly type?: unknown;
  readonly nested_type?: RawNestedType;
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly deprecated?: boolean;
  readonly sensitive?: boolean;
}

/** A protocol-6 nested attribute type (`nested_type`). */
export interface RawNestedType {
  readonly attributes: Readonly<Record<string, RawAttribute>>;
  readonly nesting_mode: 'single' | 'list' | 'set' | 'map';
}

/** A block in `terraform providers schema -json`. */
export interface RawBlock {
  readonly attributes?: Readonly<Record<string, RawAttribute>>;
  readonly block_types?: Readonly<Record<string, RawBlockType>>;
}

/** A nested block type in `terraform providers schema -json`. */
export interface RawBlockType {
  readonly nesting_mode: BlockNesting;
  readonly block: RawBlock;
  readonly min_items?: number;
  readonly max_items?: number;
}

/** How a nested block repeats (Terraform `nesting_mode`). */
export type BlockNesting = 'single' | 'group' | 'list' | 'set' | 'map';

/** Annotations of one resource / data source / provider: `"<type>.<path>"` → annotation. */
export type AnnotationTable = Readonly<Record<string, AttributeAnnotation>>;

/** A schema attribute prepared for validation. */
export interface CompiledAttribute {
  readonly name: string;
  readonly type: CtyType;
  readonly required: boolean;
  /** Computed and neither optional nor required: may not be set in configuration. */
  readonly computedOnly: boolean;
  /** Checks of known primitive values (empty for collections). */
  readonly rules: readonly ValueRule[];
}

/** A nested block type prepared for validation. */
export interface CompiledBlockType {
  readonly name: string;
  readonly nesting: BlockNesting;
  readonly minItems: number;
  /** 0 means unlimited. */
  readonly maxItems: number;
  readonly block: CompiledBlock;
}

/** A block (resource body, provider body, nested block body) prepared for validation. */
export interface CompiledBlock {
  readonly attributes: ReadonlyMap<string, CompiledAttribute>;
  readonly blockTypes: ReadonlyMap<string, CompiledBlockType>;
  readonly requiredAttributes: readonly string[];
  /** Block types with `min_items >= 1`. */
  readonly requiredBlocks: readonly CompiledBlockType[];
}

/**
 * Compiles a schema block and its annotations into lookup tables, once per resource type.
 *
 * Structure (attributes, blocks, min/max items, required/optional/computed) comes from the schema
 * JSON, which is what Terraform itself enforces; annotations only contribute value rules. In
 * particular the annotations' `min_items: 1` on optional SDK blocks is not a requirement (the SDK
 * drops it from the schema unless the block is required).
 *
 * @param raw the schema block
 * @param annotations the annotation table of the resource / data source / provider
 * @param prefix annotation key of this block: `alicloud_api_gateway_api`, `alicloud_api_gateway_api.request_config`, `provider`
 */
export function compileBlock(raw: RawBlock, annotations: AnnotationTable, prefix: string): CompiledBlock {
  const attributes = new Map<string, CompiledAttribute>();
  const requiredAttributes: string[] = [];
  for (const [name, attribute] of Object.entries(raw.attributes ?? {})) {
    const type = attribute.nested_type ? nestedTypeToCty(attribute.nested_type) : parseCtyType(attribute.type);
    const primitive = type.kind === 'string' || type.kind === 'number' ? type.kind : undefined;
    const compiled: CompiledAttribute = {
      name,
      type,
      required: attribute.required === true,
      computedOnly: attribute.computed === true && attribute.optional !== true && attribute.required !== true,
      rules: primitive ? compileValueRules(annotations[`${prefix}.${name}`], primitive) : [],
    };
    attributes.set(name, compiled);
    if (compiled.required) requiredAttributes.push(name);
  }
  const blockTypes = new Map<string, CompiledBlockType>();
  const requiredBlocks: CompiledBlockType[] = [];
  for (const [name, blockType] of Object.entries(raw.block_types ?? {})) {
    const compiled: CompiledBlockType = {
      name,
      nesting: blockType.nesting_mode,
      minItems: blockType.min_items ?? 0,
      maxItems: blockType.max_items ?? 0,
      block: compileBlock(blockType.block, annotations, `${prefix}.${name}`),
    };
    blockTypes.set(name, compiled);
    if (compiled.minItems >= 1) requiredBlocks.push(compiled);
  }
  return { attributes, blockTypes, requiredAttributes, requiredBlocks };
}

// Nested attribute types are values (not blocks) in configuration: check them as object collections.
function nestedTypeToCty(nested: RawNestedType): CtyType {
  const attributes = new Map<string, CtyType>();
  const optional = new Set<string>();
  for (const [name, attribute] of Object.entries(nested.attributes)) {
    attributes.set(name, attribute.nested_type ? nestedTypeToCty(attribute.nested_type) : parseCtyType(attribute.type));
    if (attribute.required !== true) optional.add(name);
  }
  const object: CtyType = { kind: 'object', attributes, optional };
  return nested.nesting_mode === 'single' ? object : { kind: nested.nesting_mode, element: object };
}
