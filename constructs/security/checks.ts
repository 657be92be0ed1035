import { AnnotationMetadataEntryType, Annotations, DefaultTokenResolver, StringConcat, TerraformResource, TerraformStack, Tokenization } from 'cdktf';
import type { IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';
import { parseReference } from '../../validation/expressions';
import { ALL_RULES } from './rules';
import { RuleLevel, RuleResult } from './rule';
import type { ResourceView, RuleContext, RuleOutcome, SecurityRule } from './rule';
import { Suppressions } from './suppressions';

/** Properties for {@link SecurityChecks}. */
export interface SecurityChecksProps {
  /**
   * Whether the stack is a production environment (rules such as jti replay protection
   * become errors there).
   * @default false
   */
  readonly production?: boolean;
  /**
   * The rules to apply.
   * @default - every rule of the library ({@link ALL_RULES})
   */
  readonly rules?: readonly SecurityRule[];
}

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/**
 * Applies the security rule packs to every resource of a stack (cdk-nag model).
 *
 * Non-compliant findings become error or warning annotations `<id>[<finding>]: <info> <explanation>`;
 * error annotations fail the synth. Suppressed findings are logged as info. A rule that
 * cannot decide because its input is unknown until apply is reported as an `UNRESOLVED`
 * warning, never as a silent pass. The aspect is read-only and idempotent.
 *
 * Attach it to each `TerraformStack` (cdktf does not apply aspects added to the App).
 *
 * @example
 * Aspects.of(stack).add(new SecurityChecks({ production: true }));
 */
export class SecurityChecks implements IAspect {
  private readonly rules: readonly SecurityRule[];
  private readonly production: boolean;
  private readonly contexts = new WeakMap<TerraformStack, StackIndex>();

  public constructor(props: SecurityChecksProps = {}) {
    this.rules = props.rules ?? ALL_RULES;
    this.production = props.production ?? false;
  }

  /** Called by cdktf for every construct under the stack the aspect is attached to. */
  public visit(node: IConstruct): void {
    if (node instanceof TerraformStack) {
      // A new synth pass starts at the stack: forget what the previous pass indexed.
      this.contexts.set(node, new StackIndex(node, this.production));
      return;
    }
    if (!TerraformResource.isTerraformResource(node)) return;
    const stack = TerraformStack.of(node);
    let index = this.contexts.get(stack);
    if (!index) {
      index = new StackIndex(stack, this.production);
      this.contexts.set(stack, index);
    }
    const view = index.viewOf(node as TerraformResource);
    for (const rule of this.rules) {
      report(node, rule, rule.check(view, index));
    }
  }
}

function report(resource: IConstruct, rule: SecurityRule, outcome: RuleOutcome): void {
  if (outcome === RuleResult.COMPLIANT || outcome === RuleResult.NOT_APPLICABLE) return;
  if (outcome === RuleResult.UNRESOLVED) {
    annotate(resource, 'warning', `${rule.id}: UNRESOLVED: the input is unknown until apply, so this rule could not be evaluated. ${rule.info}`);
    return;
  }
  const findings: readonly (string | undefined)[] = outcome === RuleResult.NON_COMPLIANT ? [undefined] : outcome;
  for (const finding of findings) {
    const label = finding === undefined ? rule.id : `${rule.id}[${finding}]`;
    const suppression = Suppressions.find(resource, rule.id, finding);
    if (suppression) {
      annotate(resource, 'info', `${label}: suppressed: ${suppression.reason}`);
    } else {
      annotate(resource, LEVELS[rule.level], `${label}: ${rule.info} ${rule.explanation}`);
    }
  }
}

const LEVELS: Readonly<Record<RuleLevel, 'error' | 'warning' | 'info'>> = {
  [RuleLevel.ERROR]: 'error',
  [RuleLevel.WARNING]: 'warning',
  [RuleLevel.INFO]: 'info',
};

/** Adds an annotation once, so re-running the aspect (every synth) does not repeat it. */
function annotate(node: IConstruct, level: 'error' | 'warning' | 'info', message: string): void {
  const type = level === 'error' ? AnnotationMetadataEntryType.ERROR
    : level === 'warning' ? AnnotationMetadataEntryType.WARN : AnnotationMetadataEntryType.INFO;
  if (node.node.metadata.some((m) => m.type === type && m.data === message)) return;
  const annotations = Annotations.of(node);
  if (level === 'error') annotations.addError(message);
  else if (level === 'warning') annotations.addWarning(message);
  else annotations.addInfo(message);
}

/** Lazily built, per-synth-pass index of a stack's resources for rules that look across resources. */
class StackIndex implements RuleContext {
  private views = new Map<TerraformResource, ResourceView>();
  private byType: Map<string, ResourceView[]> | undefined;
  private byAddress: Map<string, ResourceView> | undefined;
  private readonly referencingIndex = new Map<string, Map<string, ResourceView[]>>();
  private readonly attributeIndex = new Map<string, Map<string, ResourceView[]>>();

  public constructor(public readonly stack: TerraformStack, public readonly production: boolean) {}

  public viewOf(resource: TerraformResource): ResourceView {
    let view = this.views.get(resource);
    if (!view) {
      const type = resource.terraformResourceType;
      const rendered = Tokenization.resolve(resource.toTerraform(), { scope: this.stack, resolver: RESOLVER, preparing: false }) as { resource?: Record<string, Record<string, Record<string, unknown>>> };
      const config = rendered.resource?.[type]?.[resource.friendlyUniqueId] ?? {};
      view = { resource, type, address: `${type}.${resource.friendlyUniqueId}`, config };
      this.views.set(resource, view);
    }
    return view;
  }

  public resourcesOfType(type: string): readonly ResourceView[] {
    return this.index().byType.get(type) ?? [];
  }

  public referencedResource(reference: unknown): ResourceView | undefined {
    const parsed = parseReference(reference);
    return parsed ? this.index().byAddress.get(parsed.address) : undefined;
  }

  public resourcesReferencing(type: string, attribute: string, target: ResourceView): readonly ResourceView[] {
    return this.grouped(this.referencingIndex, type, attribute, (value) => this.referencedResource(value)?.address).get(target.address) ?? [];
  }

  public resourcesWithAttribute(type: string, attribute: string, value: string): readonly ResourceView[] {
    return this.grouped(this.attributeIndex, type, attribute, (v) => (typeof v === 'string' ? v : undefined)).get(value) ?? [];
  }

  /** Resources of `type` grouped by a key derived from `attribute`, built once per synth pass. */
  private grouped(cache: Map<string, Map<string, ResourceView[]>>, type: string, attribute: string, keyOf: (value: unknown) => string | undefined): Map<string, ResourceView[]> {
    const cacheKey = `${type}\u0000${attribute}`;
    let groups = cache.get(cacheKey);
    if (!groups) {
      groups = new Map();
      for (const view of this.resourcesOfType(type)) {
        const key = keyOf(view.config[attribute]);
        if (key === undefined) continue;
        const list = groups.get(key) ?? [];
        list.push(view);
        groups.set(key, list);
      }
      cache.set(cacheKey, groups);
    }
    return groups;
  }

  private index(): { byType: Map<string, ResourceView[]>; byAddress: Map<string, ResourceView> } {
    if (!this.byType || !this.byAddress) {
      this.byType = new Map();
      this.byAddress = new Map();
      for (const node of this.stack.node.findAll()) {
        if (!TerraformResource.isTerraformResource(node)) continue;
        const view = this.viewOf(node as TerraformResource);
        this.byAddress.set(view.address, view);
        const list = this.byType.get(view.type) ?? [];
        list.push(view);
        this.byType.set(view.type, list);
      }
    }
    return { byType: this.byType, byAddress: this.byAddress };
  }
}
