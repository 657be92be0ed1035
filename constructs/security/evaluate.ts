/**
 * The security-check engine: evaluates rules on a synthesized stack (the `cdk.tf.json` object
 * cdktf writes), applies suppressions found in the construct tree, and returns findings against
 * construct paths. Pure: no cdktf resolving, no construct mutation (see `checks.ts` for that).
 */
import { parseReference } from '../../core/expressions';
import { ALL_RULES } from './rules';
import { RuleLevel, RuleResult } from './rule';
import type { ResourceView, RuleContext, RuleOutcome, SecurityRule, SynthesizedStackJson } from './rule';
import { Suppressions, UNRESOLVED_FINDING } from './suppressions';
import type { Suppression } from './suppressions';

/** How a finding is reported. */
export type FindingLevel = 'error' | 'warning' | 'info';

/** One result of the security checks, reported against a construct path. */
export interface SecurityFinding {
  /** Rule id, e.g. `APIGW-AUTH1` (for suppression problems: the id the suppression names). */
  readonly ruleId: string;
  /** Granular finding (`stage:RELEASE`), `UNRESOLVED`, or `undefined` for a plain non-compliant result. */
  readonly finding?: string;
  /** `error` fails the synth; `warning` is reported; `info` records a suppressed finding. */
  readonly level: FindingLevel;
  /** Construct path the finding belongs to, e.g. `gateway-dev/Hello/Resource`. */
  readonly path: string;
  /** Terraform address of the resource, when the finding is about one. */
  readonly address?: string;
  /** `<id>[<finding>]: <info> <explanation>`, or what was suppressed and why. */
  readonly message: string;
}

/** A suppression and the construct it was added on. */
export interface SuppressionSite {
  /** Construct path of the scope the suppression was added to. */
  readonly path: string;
  /** The suppression. */
  readonly suppression: Suppression;
}

/** Input of {@link evaluateSynthesizedStack}. */
export interface EvaluateOptions {
  /** Stack name (also the construct path of resources without cdktf metadata). */
  readonly stackName: string;
  /** Production rules apply. */
  readonly production: boolean;
  /** The rules to run. */
  readonly rules: readonly SecurityRule[];
  /** Every suppression of the stack's construct tree. */
  readonly suppressions: readonly SuppressionSite[];
}

const LEVELS: Readonly<Record<RuleLevel, FindingLevel>> = {
  [RuleLevel.ERROR]: 'error',
  [RuleLevel.WARNING]: 'warning',
  [RuleLevel.INFO]: 'info',
};

const LIBRARY_RULE_IDS = new Set(ALL_RULES.map((r) => r.id));

/**
 * Runs `rules` on every resource of a synthesized stack.
 *
 * - Findings covered by a suppression on the resource's construct or an ancestor become `info`.
 * - `UNRESOLVED` is a warning unless a suppression covers it (no `appliesTo`, or `UNRESOLVED` in it).
 * - A suppression naming a rule that is neither run nor one of the library's rules is an error
 *   (a typo would otherwise silently suppress nothing); one that covered no finding is a warning.
 */
export function evaluateSynthesizedStack(synthesized: SynthesizedStackJson, options: EvaluateOptions): SecurityFinding[] {
  const findings: SecurityFinding[] = [];
  const runIds = new Set(options.rules.map((r) => r.id));
  const byPath = new Map<string, SuppressionSite[]>();
  for (const site of options.suppressions) {
    if (!runIds.has(site.suppression.id)) {
      if (!LIBRARY_RULE_IDS.has(site.suppression.id)) findings.push(unknownRule(site, runIds));
      continue;
    }
    const list = byPath.get(site.path) ?? [];
    list.push(site);
    byPath.set(site.path, list);
  }
  const used = new Set<SuppressionSite>();
  const suppressionFor = (path: string, ruleId: string, finding: string | undefined): SuppressionSite | undefined => {
    for (let p: string | undefined = path; p !== undefined; p = parentPath(p)) {
      const site = byPath.get(p)?.find((s) => Suppressions.covers(s.suppression, ruleId, finding));
      if (site) {
        used.add(site);
        return site;
      }
    }
    return undefined;
  };

  const index = new SynthesizedStackIndex(synthesized, options.stackName, options.production);
  const rulesFor = rulesByResourceType(options.rules);
  for (const type of index.types) {
    const rules = rulesFor(type);
    if (rules.length === 0) continue; // no rule looks at this type: its views are never built
    for (const view of index.resourcesOfType(type)) {
      for (const rule of rules) {
        const outcome = rule.check(view, index);
        if (outcome === RuleResult.COMPLIANT || outcome === RuleResult.NOT_APPLICABLE) continue;
        for (const f of outcomeFindings(rule, outcome)) {
          const site = suppressionFor(view.path, rule.id, f.finding);
          const level: FindingLevel = site ? 'info' : f.finding === UNRESOLVED_FINDING ? 'warning' : LEVELS[rule.level];
          const message = site ? `${f.label}: suppressed: ${site.suppression.reason}` : f.message;
          findings.push({ ruleId: rule.id, finding: f.finding, level, path: view.path, address: view.address, message });
        }
      }
    }
  }
  for (const sites of byPath.values()) {
    for (const site of sites) {
      if (used.has(site)) continue;
      findings.push({
        ruleId: site.suppression.id,
        level: 'warning',
        path: site.path,
        message: `Unused suppression ${Suppressions.label(site.suppression)}: no finding of ${site.suppression.id} on this construct or below (reason given: ${JSON.stringify(site.suppression.reason)}). Remove it, or fix its id / appliesTo.`,
      });
    }
  }
  return findings;
}

/**
 * The rules to run on a resource type, in the order given: those that declare the type in
 * `resourceTypes` and those that declare none (a rule is `NOT_APPLICABLE` to every type it does
 * not declare, so skipping it changes no outcome).
 */
function rulesByResourceType(rules: readonly SecurityRule[]): (type: string) => readonly SecurityRule[] {
  const byType = new Map<string, readonly SecurityRule[]>();
  return (type) => {
    let list = byType.get(type);
    if (!list) {
      list = rules.filter((r) => r.resourceTypes === undefined || r.resourceTypes.includes(type));
      byType.set(type, list);
    }
    return list;
  };
}

function unknownRule(site: SuppressionSite, runIds: ReadonlySet<string>): SecurityFinding {
  const known = [...runIds].sort().join(', ');
  return {
    ruleId: site.suppression.id,
    level: 'error',
    path: site.path,
    message: `Suppression ${Suppressions.label(site.suppression)} names no rule the security checks run, got ${JSON.stringify(site.suppression.id)}. Use one of: ${known}; or add your rule to SecurityChecks' rules.`,
  };
}

function parentPath(path: string): string | undefined {
  if (path === '') return undefined;
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

interface RawFinding {
  readonly finding: string | undefined;
  readonly label: string;
  readonly message: string;
}

/** An outcome that reports something (the caller skips compliant and not-applicable ones). */
type ReportingOutcome = Exclude<RuleOutcome, RuleResult.COMPLIANT | RuleResult.NOT_APPLICABLE>;

function outcomeFindings(rule: SecurityRule, outcome: ReportingOutcome): RawFinding[] {
  if (outcome === RuleResult.UNRESOLVED) {
    const label = `${rule.id}: ${UNRESOLVED_FINDING}`;
    return [{ finding: UNRESOLVED_FINDING, label, message: `${label}: the input is unknown until apply, so this rule could not be evaluated. ${rule.info}` }];
  }
  const list: readonly (string | undefined)[] = outcome === RuleResult.NON_COMPLIANT ? [undefined] : outcome;
  return list.map((finding) => {
    const label = finding === undefined ? rule.id : `${rule.id}[${finding}]`;
    return { finding, label, message: `${label}: ${rule.info} ${rule.explanation}` };
  });
}

type Section = Record<string, Record<string, unknown>>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One resource as rules see it. Its `config` (the body without cdktf's `//` metadata) is copied
 * on first read: most resources of a large stack are only looked at by type.
 */
class SynthesizedResource implements ResourceView {
  public readonly address: string;
  public readonly path: string;
  private body: Readonly<Record<string, unknown>> | undefined;

  public constructor(public readonly type: string, public readonly name: string, private readonly raw: Record<string, unknown>, stackName: string) {
    this.address = `${type}.${name}`;
    const meta = raw['//'];
    const metadata = isObject(meta) && isObject(meta.metadata) ? meta.metadata : undefined;
    this.path = typeof metadata?.path === 'string' ? metadata.path : stackName;
  }

  public get config(): Readonly<Record<string, unknown>> {
    if (this.body === undefined) {
      const { '//': _meta, ...config } = this.raw;
      this.body = config;
    }
    return this.body;
  }
}

/** The rule context of one synthesized stack: resource views and lookups, each built once. */
class SynthesizedStackIndex implements RuleContext {
  /**
   * Resource types in file order (cdktf writes keys sorted), whether `synthesized` was parsed
   * from the file or is the object cdktf serialized into it (insertion order), so findings come
   * out in the same order either way.
   */
  public readonly types: readonly string[];
  private readonly section: Section;
  private readonly byType = new Map<string, ResourceView[]>();
  private readonly byAddress = new Map<string, ResourceView>();
  private readonly groupedIndex = new Map<string, Map<string, ResourceView[]>>();
  private readonly memos = new Map<object, unknown>();

  public constructor(public readonly synthesized: SynthesizedStackJson, public readonly stackName: string, public readonly production: boolean) {
    this.section = isObject(synthesized.resource) ? (synthesized.resource as Section) : {};
    this.types = Object.keys(this.section).sort();
  }

  /** Every resource of `type`, in file order; the views of a type are built when first asked for. */
  public resourcesOfType(type: string): readonly ResourceView[] {
    let views = this.byType.get(type);
    if (!views) {
      views = [];
      const instances = Object.prototype.hasOwnProperty.call(this.section, type) ? this.section[type] : undefined;
      if (isObject(instances)) {
        for (const name of Object.keys(instances).sort()) {
          const raw = instances[name];
          if (!isObject(raw)) continue;
          const view = new SynthesizedResource(type, name, raw, this.stackName);
          views.push(view);
          this.byAddress.set(view.address, view);
        }
      }
      this.byType.set(type, views);
    }
    return views;
  }

  public referencedResource(reference: unknown): ResourceView | undefined {
    const parsed = parseReference(reference);
    if (!parsed) return undefined;
    const dot = parsed.address.indexOf('.');
    if (dot > 0) this.resourcesOfType(parsed.address.slice(0, dot)); // resource types contain no '.'
    return this.byAddress.get(parsed.address);
  }

  public resourcesReferencing(type: string, attribute: string, target: ResourceView): readonly ResourceView[] {
    return this.grouped(`ref\u0000${type}\u0000${attribute}`, type, attribute, (value) => this.referencedResource(value)?.address).get(target.address) ?? [];
  }

  public resourcesWithAttribute(type: string, attribute: string, value: string): readonly ResourceView[] {
    return this.grouped(`eq\u0000${type}\u0000${attribute}`, type, attribute, (v) => (typeof v === 'string' ? v : undefined)).get(value) ?? [];
  }

  public memo<T>(key: object, build: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, build());
    return this.memos.get(key) as T;
  }

  /** Resources of `type` grouped by a key derived from `attribute`, built once. */
  private grouped(cacheKey: string, type: string, attribute: string, keyOf: (value: unknown) => string | undefined): Map<string, ResourceView[]> {
    let groups = this.groupedIndex.get(cacheKey);
    if (!groups) {
      groups = new Map();
      for (const view of this.resourcesOfType(type)) {
        const key = keyOf(view.config[attribute]);
        if (key === undefined) continue;
        const list = groups.get(key) ?? [];
        list.push(view);
        groups.set(key, list);
      }
      this.groupedIndex.set(cacheKey, groups);
    }
    return groups;
  }
}
