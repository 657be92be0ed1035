import type { CompiledBlock, CompiledBlockType } from './compiled-schema';
import { checkConversion, type ConversionSink, describeCtyType, isPlainObject } from './cty-type';
import { isExpression, parseNumberString, primitiveToString } from '../core/expressions';
import { Finding, FindingCode, renderValue } from './finding';
import { normalizeProviderSource, type ProviderSchema, SchemaRegistry } from './schema-registry';
import { closestMatch } from '../core/suggest';
import type { ValueRule } from './value-rules';

/** Options for {@link validateStack} and the functions built on it. */
export interface ValidationOptions {
  /**
   * Where pinned provider schemas come from.
   * @default - `SchemaRegistry.default()`, the project's `provider-schemas/` loaded once per process
   */
  readonly schemas?: SchemaRegistry;
  /**
   * Provider sources whose resources are not validated (e.g. `hashicorp/random`), because no schema
   * is pinned for them on purpose. Any other provider without a pinned schema is a finding.
   * @default - none: every provider must have a pinned schema
   */
  readonly ignoreProviders?: readonly string[];
}

// Terraform meta-arguments per body kind. `//` (cdktf metadata) is skipped everywhere.
const RESOURCE_META = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle', 'provisioner', 'connection']);
const DATA_META = new Set(['count', 'for_each', 'depends_on', 'provider', 'lifecycle']);
const PROVIDER_META = new Set(['alias', 'version']);
const DYNAMIC_KEYS = new Set(['for_each', 'iterator', 'labels', 'content']);
const COMMENT = '//';
const DYNAMIC = 'dynamic';
// Resources of Terraform's built-in provider (terraform_data, terraform_remote_state used by cdktf cross-stack references).
const BUILTIN_PROVIDER_SOURCE = 'terraform.io/builtin/terraform';

interface ProviderRequirement {
  readonly source: string;
  readonly version?: string;
}

interface ResolvedProvider {
  readonly schema?: ProviderSchema;
  readonly skip: boolean;
}

/**
 * Validates one synthesized stack (the parsed `cdk.tf.json`) against the pinned provider schemas.
 *
 * Checks provider blocks, resources and data sources: unknown attributes and blocks, computed-only
 * attributes that are set, missing required attributes and blocks, type conversion (see
 * {@link checkConversion}), block counts, and value rules from the annotations (`allowed_values`,
 * `IntBetween`, ...). Terraform meta-arguments and cdktf's `//` metadata are skipped; `dynamic`
 * blocks are checked against the block schema with an unknown count. Any string containing
 * `${...}` is unknown until apply and accepted for every attribute type.
 *
 * The provider of each resource is the local name from its `provider` meta-argument, else its type
 * prefix (`alicloud_ram_role` → `alicloud`), resolved to a source through `terraform.required_providers`.
 *
 * @param stackName name used in findings
 * @param synthesized the Terraform JSON configuration as cdktf writes it
 * @returns findings in document order; empty when the stack is valid
 */
export function validateStack(stackName: string, synthesized: object, options: ValidationOptions = {}): Finding[] {
  return inspectStack(stackName, synthesized, options).findings;
}

/**
 * A resource or data source of a pinned provider whose type is outside the pinned schema
 * snapshot. The snapshots in `provider-schemas/` cover the types this library uses, not the
 * whole provider, so such a block is reported as information ("not validated"), never as an
 * error: Terraform itself checks it at plan time.
 */
export interface NotValidated {
  /** Stack name. */
  readonly stack: string;
  /** Terraform address, e.g. `alicloud_oss_bucket.Exports` or `data.alicloud_zones.all`. */
  readonly address: string;
  /** Provider source and version of the snapshot, e.g. `aliyun/alicloud 1.292.0`. */
  readonly provider: string;
  /** A snapshot type whose name is close (a possible typo), if any. */
  readonly closestKnownType?: string;
  /** One line for a summary. */
  readonly message: string;
}

/** Everything {@link inspectStack} found. */
export interface StackInspection {
  /** Schema violations (errors). */
  readonly findings: Finding[];
  /** Blocks of pinned providers outside the snapshot (information). */
  readonly notValidated: NotValidated[];
}

/**
 * Like {@link validateStack}, and also lists the blocks it could not validate because their type
 * is outside the pinned schema snapshot.
 */
export function inspectStack(stackName: string, synthesized: object, options: ValidationOptions = {}): StackInspection {
  return new StackValidator(stackName, synthesized as Record<string, unknown>, options).run();
}

class StackValidator implements ConversionSink {
  private readonly findings: Finding[] = [];
  private readonly notValidated: NotValidated[] = [];
  private readonly schemas: SchemaRegistry;
  private readonly ignored: ReadonlySet<string>;
  private readonly requirements = new Map<string, ProviderRequirement>();
  private readonly providers = new Map<string, ResolvedProvider>();
  /**
   * Where findings are reported: a fixed address, or the parts of a resource's address, joined
   * (and its construct path read from `body`) only when there is something to report.
   */
  private readonly at: { address: string | undefined; prefix: string; type: string; name: string; body: unknown } = { address: '', prefix: '', type: '', name: '', body: undefined };

  public constructor(
    private readonly stack: string,
    private readonly config: Record<string, unknown>,
    options: ValidationOptions,
  ) {
    this.schemas = options.schemas ?? SchemaRegistry.default();
    this.ignored = new Set((options.ignoreProviders ?? []).map(normalizeProviderSource));
  }

  public run(): StackInspection {
    this.readRequiredProviders();
    this.validateProviders();
    this.validateResources('resource');
    this.validateResources('data');
    return { findings: this.findings, notValidated: this.notValidated };
  }

  public mismatch(path: string, value: unknown, expected: string, problem: string): void {
    this.report(FindingCode.TYPE_MISMATCH, path, value, expected, problem);
  }

  private report(code: FindingCode, path: string, value: unknown, expected: string, problem: string): void {
    this.reportRendered(code, path, renderValue(value), expected, problem);
  }

  private reportRendered(code: FindingCode, path: string, value: string, expected: string, problem: string): void {
    this.findings.push(new Finding({ stack: this.stack, address: this.address(), path, value, expected, code, problem, constructPath: constructPathOf(this.at.body) }));
  }

  /** The address of the block being validated. */
  private address(): string {
    return this.at.address ?? `${this.at.prefix}${this.at.type}.${this.at.name}`;
  }

  private readRequiredProviders(): void {
    const terraform = this.config.terraform;
    const required = isPlainObject(terraform) ? terraform.required_providers : undefined;
    for (const entry of asList(required)) {
      if (!isPlainObject(entry)) continue;
      for (const [localName, requirement] of Object.entries(entry)) {
        if (isPlainObject(requirement)) {
          const source = typeof requirement.source === 'string' ? requirement.source : localName;
          const version = typeof requirement.version === 'string' ? requirement.version : undefined;
          this.requirements.set(localName, { source: normalizeProviderSource(source), version });
        } else if (typeof requirement === 'string') {
          this.requirements.set(localName, { source: normalizeProviderSource(localName), version: requirement });
        }
      }
    }
  }

  /** Resolves (once per local name) the schema for a provider local name; reports a missing schema once. */
  private provider(localName: string): ResolvedProvider {
    let resolved = this.providers.get(localName);
    if (resolved) return resolved;
    const requirement = this.requirements.get(localName);
    const source = localName === 'terraform' ? BUILTIN_PROVIDER_SOURCE : (requirement?.source ?? normalizeProviderSource(localName));
    const exact = exactVersion(requirement?.version);
    if (source === BUILTIN_PROVIDER_SOURCE || this.ignored.has(source)) {
      resolved = { skip: true };
    } else {
      const schema = this.schemas.get(source, exact);
      resolved = { schema, skip: false };
      if (!schema) {
        const hint = requirement ? '' : ` (terraform.required_providers has no entry "${localName}", so Terraform would use ${source})`;
        this.report(
          FindingCode.UNKNOWN_PROVIDER,
          '',
          source,
          `a pinned schema provider-schemas/${source.slice(source.lastIndexOf('/') + 1)}-<version>.schema.json for ${source}${hint}`,
          'uses a provider without a pinned schema',
        );
      } else if (exact && exact !== schema.version) {
        const saved = { ...this.at };
        this.at.address = 'terraform';
        this.at.body = undefined;
        this.report(
          FindingCode.PROVIDER_VERSION_MISMATCH,
          `required_providers.${localName}.version`,
          requirement?.version,
          `${schema.version} (the version of the pinned schema; re-export the schema after changing the provider version)`,
          'pins a provider version that differs from the pinned schema',
        );
        Object.assign(this.at, saved);
      }
    }
    this.providers.set(localName, resolved);
    return resolved;
  }

  private validateProviders(): void {
    const providers = this.config.provider;
    if (!isPlainObject(providers)) return;
    for (const [localName, configs] of Object.entries(providers)) {
      const list = Array.isArray(configs) ? configs : [configs];
      for (let i = 0; i < list.length; i++) {
        const body = list[i];
        this.at.address = Array.isArray(configs) ? `provider.${localName}[${i}]` : `provider.${localName}`;
        this.at.body = body;
        const resolved = this.provider(localName);
        if (resolved.schema) this.validateBody(body, resolved.schema.provider(), '', PROVIDER_META);
      }
    }
  }

  private validateResources(kind: 'resource' | 'data'): void {
    const section = this.config[kind];
    if (!isPlainObject(section)) return;
    const prefix = kind === 'data' ? 'data.' : '';
    const meta = kind === 'data' ? DATA_META : RESOURCE_META;
    this.at.address = undefined;
    this.at.prefix = prefix;
    // Types and names in code-unit order, as cdktf writes the file: blocks not validated are then
    // reported in the same order whether the written file or the object cdktf serialized is read.
    for (const type of Object.keys(section).sort()) {
      const instances = section[type];
      if (!isPlainObject(instances)) continue;
      this.at.type = type;
      // the provider and schema of the type's resources without a `provider` meta-argument, resolved once
      let byDefault: { readonly resolved: ResolvedProvider; readonly block: CompiledBlock | undefined } | undefined;
      for (const name of Object.keys(instances).sort()) {
        const bodies = instances[name];
        this.at.name = name;
        // Terraform JSON allows an array of bodies; cdktf writes one object.
        for (const body of asList(bodies)) {
          this.at.body = body;
          const explicit = isPlainObject(body) ? body.provider : undefined;
          let resolved: ResolvedProvider;
          let block: CompiledBlock | undefined;
          if (typeof explicit === 'string' && explicit.length > 0) {
            resolved = this.provider(providerLocalName(type, explicit));
            block = this.schemaOf(kind, resolved, type);
          } else {
            if (!byDefault) {
              const provider = this.provider(providerLocalName(type, undefined));
              byDefault = { resolved: provider, block: this.schemaOf(kind, provider, type) };
            }
            ({ resolved, block } = byDefault);
          }
          if (!resolved.schema) continue;
          if (block) {
            this.validateBody(body, block, '', meta);
            continue;
          }
          // The snapshot is a subset of the provider: a type outside it is not validated, not wrong.
          const known = kind === 'data' ? resolved.schema.dataSourceTypes() : resolved.schema.resourceTypes();
          const suggestion = closestMatch(type, known);
          const provider = `${resolved.schema.source.replace(/^registry\.terraform\.io\//, '')} ${resolved.schema.version}`;
          const address = this.address();
          this.notValidated.push({
            stack: this.stack,
            address,
            provider,
            closestKnownType: suggestion,
            message: `[${this.stack}] ${address} not validated: ${kind === 'data' ? 'data source' : 'resource'} type outside the pinned ${provider} schema snapshot${suggestion ? ` (if you meant "${suggestion}", fix the type)` : ''}; Terraform checks it at plan time`,
          });
        }
      }
    }
  }

  /** The schema of a resource or data source type under a resolved provider. */
  private schemaOf(kind: 'resource' | 'data', resolved: ResolvedProvider, type: string): CompiledBlock | undefined {
    if (!resolved.schema) return undefined;
    return kind === 'data' ? resolved.schema.dataSource(type) : resolved.schema.resource(type);
  }

  /**
   * Validates one block body.
   * @param prefix attribute path of the body plus a trailing `.` (empty at the top level)
   * @param meta meta-arguments allowed in this body (top level only)
   */
  private validateBody(body: unknown, block: CompiledBlock, prefix: string, meta: ReadonlySet<string> | undefined): void {
    if (!isPlainObject(body)) {
      this.mismatch(prefix.slice(0, -1), body, 'a block body (JSON object)', 'is not a block body');
      return;
    }
    let counts: Array<[CompiledBlockType, number, string]> | undefined;
    let dynamicNames: Set<string> | undefined;
    for (const key of Object.keys(body)) {
      if (key === COMMENT) continue;
      const value = body[key];
      const attribute = block.attributes.get(key);
      if (attribute) {
        if (value === null || value === undefined) continue;
        const path = prefix + key;
        if (attribute.computedOnly) {
          this.report(FindingCode.COMPUTED_ONLY, path, value, 'no value: the attribute is computed by the provider (reference it instead of setting it)', 'is computed-only and cannot be set');
          continue;
        }
        const before = this.findings.length;
        checkConversion(value, attribute.type, path, this);
        if (attribute.rules.length > 0 && this.findings.length === before) this.applyRules(attribute.rules, attribute.type.kind, value, path);
        continue;
      }
      const blockType = block.blockTypes.get(key);
      if (blockType) {
        if (value === null || value === undefined) continue;
        (counts ??= []).push([blockType, this.validateBlocks(value, blockType, prefix + key), prefix + key]);
        continue;
      }
      if (key === DYNAMIC) {
        dynamicNames = this.validateDynamic(value, block, prefix);
        continue;
      }
      if (meta?.has(key)) continue;
      const isBlockLike = isPlainObject(value) || (Array.isArray(value) && value.length > 0 && value.every(isPlainObject));
      const suggestion = closestMatch(key, [...block.attributes.keys(), ...block.blockTypes.keys()]);
      const did = suggestion ? ` (did you mean "${suggestion}"?)` : '';
      if (isBlockLike) this.report(FindingCode.UNKNOWN_BLOCK, prefix + key, value, `a block type of this schema${did}`, 'is not a block type of the schema');
      else this.report(FindingCode.UNKNOWN_ATTRIBUTE, prefix + key, value, `an attribute of this schema${did}`, 'is not an attribute of the schema');
    }
    for (const name of block.requiredAttributes) {
      const value = body[name];
      if (value === null || value === undefined) {
        const attribute = block.attributes.get(name);
        this.report(FindingCode.MISSING_REQUIRED, prefix + name, undefined, attribute ? describeCtyType(attribute.type) : 'a value', 'is required but not set');
      }
    }
    for (const blockType of block.requiredBlocks) {
      const value = body[blockType.name];
      if ((value === null || value === undefined) && !dynamicNames?.has(blockType.name)) {
        this.report(FindingCode.MISSING_REQUIRED, prefix + blockType.name, undefined, blockCountText(blockType), 'is a required block but not set');
      }
    }
    if (counts) {
      for (const [blockType, count, path] of counts) this.checkBlockCount(blockType, count, path, dynamicNames?.has(blockType.name) === true);
    }
  }

  private checkBlockCount(blockType: CompiledBlockType, count: number, path: string, hasDynamic: boolean): void {
    if (count < 0) return; // shape error already reported
    const max = blockType.maxItems > 0 ? blockType.maxItems : blockType.nesting === 'single' || blockType.nesting === 'group' ? 1 : 0;
    if (max > 0 && count > max) {
      this.reportRendered(FindingCode.BLOCK_COUNT, path, `${count} blocks`, blockCountText(blockType), 'has too many blocks');
    } else if (!hasDynamic && count < blockType.minItems) {
      if (count === 0) this.reportRendered(FindingCode.MISSING_REQUIRED, path, '0 blocks', blockCountText(blockType), 'is a required block but not set');
      else this.reportRendered(FindingCode.BLOCK_COUNT, path, `${count} block${count === 1 ? '' : 's'}`, blockCountText(blockType), 'has too few blocks');
    }
  }

  /**
   * Validates the blocks given for one block type (object = one block, array = several, map = labeled).
   * @returns the number of blocks, or -1 when the value is not a block shape
   */
  private validateBlocks(value: unknown, blockType: CompiledBlockType, path: string): number {
    if (typeof value === 'string' && isExpression(value)) {
      this.mismatch(path, value, `${blockCountText(blockType)}; an expression cannot set a block, use a dynamic block (TerraformIterator)`, 'sets a block from an expression');
      return -1;
    }
    if (blockType.nesting === 'map') {
      if (!isPlainObject(value)) {
        this.mismatch(path, value, 'a JSON object of labeled blocks', 'is not a map of blocks');
        return -1;
      }
      const labels = Object.keys(value);
      for (const label of labels) {
        for (const element of asList(value[label])) this.validateBody(element, blockType.block, `${path}[${JSON.stringify(label)}].`, undefined);
      }
      return labels.length;
    }
    const indexed = blockType.nesting === 'list' || blockType.nesting === 'set';
    if (isPlainObject(value)) {
      this.validateBody(value, blockType.block, indexed ? `${path}[0].` : `${path}.`, undefined);
      return 1;
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const elementPath = indexed || value.length > 1 ? `${path}[${i}]` : path;
        if (isPlainObject(value[i])) this.validateBody(value[i], blockType.block, `${elementPath}.`, undefined);
        else this.mismatch(elementPath, value[i], 'a block body (JSON object)', 'is not a block body');
      }
      return value.length;
    }
    this.mismatch(path, value, blockCountText(blockType), 'is not a block (a JSON object or an array of objects)');
    return -1;
  }

  /** Validates `dynamic` blocks; returns the block type names they generate. */
  private validateDynamic(value: unknown, block: CompiledBlock, prefix: string): Set<string> {
    const names = new Set<string>();
    const path = `${prefix}${DYNAMIC}`;
    if (!isPlainObject(value)) {
      this.mismatch(path, value, 'a JSON object of dynamic blocks keyed by block type', 'is not a dynamic block');
      return names;
    }
    for (const [name, specs] of Object.entries(value)) {
      const blockType = block.blockTypes.get(name);
      if (!blockType) {
        const suggestion = closestMatch(name, block.blockTypes.keys());
        this.report(FindingCode.UNKNOWN_BLOCK, `${path}.${name}`, specs, `a block type of this schema${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`, 'is not a block type of the schema');
        continue;
      }
      names.add(name);
      for (const spec of asList(specs)) {
        if (!isPlainObject(spec)) {
          this.mismatch(`${path}.${name}`, spec, 'a dynamic block (for_each, content)', 'is not a dynamic block');
          continue;
        }
        for (const key of Object.keys(spec)) {
          if (!DYNAMIC_KEYS.has(key) && key !== COMMENT) this.report(FindingCode.UNKNOWN_ATTRIBUTE, `${path}.${name}.${key}`, spec[key], 'for_each, iterator, labels or content', 'is not an argument of a dynamic block');
        }
        if (spec.for_each === undefined || spec.for_each === null) this.report(FindingCode.MISSING_REQUIRED, `${path}.${name}.for_each`, undefined, 'a collection to iterate', 'is required but not set');
        this.validateBody(spec.content, blockType.block, `${path}.${name}.content.`, undefined);
      }
    }
    return names;
  }

  private applyRules(rules: readonly ValueRule[], kind: string, value: unknown, path: string): void {
    if (typeof value === 'string' && isExpression(value)) return;
    let literal: string | number | undefined;
    if (kind === 'number') literal = typeof value === 'number' ? value : typeof value === 'string' ? parseNumberString(value) : undefined;
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') literal = primitiveToString(value);
    if (literal === undefined) return;
    for (const rule of rules) {
      const violation = rule(literal);
      if (violation) this.report(violation.code, path, value, violation.expected, violation.problem);
    }
  }
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function blockCountText(blockType: CompiledBlockType): string {
  const { minItems: min, maxItems: max, nesting, name } = blockType;
  if (nesting === 'single' || nesting === 'group') return `${min >= 1 ? 'exactly' : 'at most'} one "${name}" block`;
  if (max > 0 && min === max) return `exactly ${min} "${name}" block${min === 1 ? '' : 's'}`;
  if (max > 0) return `${min} to ${max} "${name}" blocks`;
  if (min === 0) return `any number of "${name}" blocks`;
  return `at least ${min} "${name}" block${min === 1 ? '' : 's'}`;
}

function constructPathOf(body: unknown): string | undefined {
  if (!isPlainObject(body)) return undefined;
  const comment = body[COMMENT];
  const metadata = isPlainObject(comment) ? comment.metadata : undefined;
  return isPlainObject(metadata) && typeof metadata.path === 'string' ? metadata.path : undefined;
}

/** `provider = "alicloud.west"` (or `"${alicloud.west}"`) → `alicloud`; otherwise the type's first word. */
function providerLocalName(type: string, providerMeta: unknown): string {
  if (typeof providerMeta === 'string' && providerMeta.length > 0) {
    const reference = providerMeta.replace(/^\$\{/, '').replace(/\}$/, '');
    return reference.split('.')[0];
  }
  const underscore = type.indexOf('_');
  return underscore > 0 ? type.slice(0, underscore) : type;
}

/** The version of a constraint that pins exactly one version (`1.2.3`, `= 1.2.3`), else undefined. */
function exactVersion(constraint: string | undefined): string | undefined {
  const m = constraint ? /^\s*=?\s*v?(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?)\s*$/.exec(constraint) : null;
  return m ? m[1] : undefined;
}
