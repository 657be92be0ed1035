import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnnotationMetadataEntryType, Annotations, Aspects, TerraformStack } from 'cdktf';
import type { IAspect, IStackSynthesizer, ISynthesisSession, StackAnnotation } from 'cdktf';
import type { IConstruct } from 'constructs';
import { StackSynthesizer } from 'cdktf/lib/synthesize/synthesizer';
import { TAKE_SYNTHESIZED_JSON, type SynthesizedJsonSource, isSynthesizedJsonRequested } from '../../core/synthesized-json';
import { evaluateSynthesizedStack } from './evaluate';
import type { FindingLevel, SecurityFinding, SuppressionSite } from './evaluate';
import { ALL_RULES } from './rules';
import type { SecurityRule, SynthesizedStackJson } from './rule';
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
   * The rules to apply. Add your own rules next to the library's: `[...ALL_RULES, myRule]`.
   * @default - every rule of the library ({@link ALL_RULES})
   */
  readonly rules?: readonly SecurityRule[];
}

/** What {@link SecurityChecks.check} found in one stack. */
export interface SecurityReport {
  /** Stack name. */
  readonly stack: string;
  /** Every finding: errors, warnings (incl. `UNRESOLVED` and unused suppressions), suppressed findings as infos. */
  readonly findings: readonly SecurityFinding[];
  /** The findings of level `error` (non-empty means the stack must not be deployed). */
  readonly errors: readonly SecurityFinding[];
}

/** Thrown by a synth of a stack the security checks found errors in. */
export class SecurityCheckError extends Error {
  public constructor(public readonly report: SecurityReport) {
    super(`Security checks failed for stack '${report.stack}' (${report.errors.length} error${report.errors.length === 1 ? '' : 's'}):\n${report.errors.map((f) => `  [${f.path}] ${f.message}`).join('\n')}`);
    this.name = 'SecurityCheckError';
  }
}

/**
 * Applies the security rule packs to a stack's synthesized Terraform JSON (cdk-nag model).
 *
 * The rules read each resource exactly as cdktf writes it to `cdk.tf.json` (overrides included),
 * so nothing is resolved a second time. Non-compliant findings are reported against the
 * resource's construct path (cdktf's `//` metadata) as error or warning annotations
 * `<id>[<finding>]: <info> <explanation>`. Suppressed findings are logged as info. A rule that
 * cannot decide because its input is unknown until apply reports an `UNRESOLVED` warning, never a
 * silent pass; a suppression can accept it. Errors fail the synth whatever
 * `CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS` says.
 *
 * Attach the checks to each `TerraformStack` before synthesizing:
 *
 * @example
 * SecurityChecks.attach(stack, { production: true });
 * SecurityChecks.attach(stack, { rules: [...ALL_RULES, myRule] });   // with your own rules
 *
 * Adding an instance as a cdktf aspect (`Aspects.of(stack).add(new SecurityChecks())`) still
 * works, but evaluates a second rendering of the stack and reports errors as annotations only,
 * which `CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS` lets through: prefer {@link SecurityChecks.attach}.
 */
export class SecurityChecks implements IAspect {
  /**
   * Attaches the checks to `stack`: every synth of the stack (`app.synth()`, `cdktf synth`,
   * `Testing.fullSynth`) evaluates the rules on the JSON it has just written and fails with a
   * {@link SecurityCheckError} (removing that stack's file) when a rule reports an error.
   * Attaching again replaces the previous checks.
   */
  public static attach(stack: TerraformStack, props: SecurityChecksProps = {}): SecurityChecks {
    const checks = new SecurityChecks(props);
    const current = stack.synthesizer;
    const inner = current instanceof CheckingSynthesizer ? current.inner : current;
    stack.synthesizer = new CheckingSynthesizer(stack, inner, checks);
    return checks;
  }

  /** The checks attached to `stack` (by {@link SecurityChecks.attach}, or as an aspect), if any. */
  public static of(stack: TerraformStack): SecurityChecks | undefined {
    if (stack.synthesizer instanceof CheckingSynthesizer) return stack.synthesizer.checks;
    return Aspects.of(stack).all.find((a): a is SecurityChecks => a instanceof SecurityChecks);
  }

  /** The rules these checks run. */
  public readonly rules: readonly SecurityRule[];
  /** Whether production rules apply. */
  public readonly production: boolean;

  public constructor(props: SecurityChecksProps = {}) {
    this.rules = props.rules ?? ALL_RULES;
    this.production = props.production ?? false;
  }

  /**
   * Evaluates the rules on `synthesized`, the stack's Terraform JSON as written to
   * `cdk.tf.json` (with cdktf's `//` metadata, which maps resources to construct paths), adds the
   * findings as annotations on the constructs (once, however often it runs) and returns them.
   * Does not throw on errors: the caller decides (the attached synthesizer does).
   */
  public check(stack: TerraformStack, synthesized: SynthesizedStackJson): SecurityReport {
    const suppressions: SuppressionSite[] = [];
    for (const node of Suppressions.anyUnder(stack) ? stack.node.findAll() : []) {
      const added = Suppressions.of(node);
      if (added.length === 0) continue;
      const nodePath = node.node.path;
      for (const suppression of added) suppressions.push({ path: nodePath, suppression });
    }
    const findings = evaluateSynthesizedStack(synthesized, { stackName: stack.node.path, production: this.production, rules: this.rules, suppressions });
    const nodeAt = constructsByPath(stack);
    const annotations = new AnnotationSet();
    for (const f of findings) annotations.add(nodeAt(f.path) ?? stack, f.level, f.message);
    return { stack: stack.node.id, findings, errors: findings.filter((f) => f.level === 'error') };
  }

  /**
   * Aspect form (kept for existing apps): checks the stack when cdktf visits it. Does nothing for
   * a stack the checks are attached to with {@link SecurityChecks.attach}.
   */
  public visit(node: IConstruct): void {
    if (!(node instanceof TerraformStack) || node.synthesizer instanceof CheckingSynthesizer) return;
    this.check(node, node.toTerraform());
  }
}

const ANNOTATION_TYPE: Record<FindingLevel, string> = {
  error: AnnotationMetadataEntryType.ERROR,
  warning: AnnotationMetadataEntryType.WARN,
  info: AnnotationMetadataEntryType.INFO,
};

/**
 * Adds annotations once, so checking again (every synth) does not repeat one: the messages a
 * construct already carries are read once per construct, not once per finding.
 */
class AnnotationSet {
  private readonly present = new Map<IConstruct, Set<string>>();

  public add(node: IConstruct, level: FindingLevel, message: string): void {
    const type = ANNOTATION_TYPE[level];
    let present = this.present.get(node);
    if (!present) {
      present = new Set();
      for (const m of node.node.metadata) if (typeof m.data === 'string') present.add(annotationKey('', m.type, m.data));
      this.present.set(node, present);
    }
    const key = annotationKey('', type, message);
    if (present.has(key)) return;
    present.add(key);
    const annotations = Annotations.of(node);
    if (level === 'error') annotations.addError(message);
    else if (level === 'warning') annotations.addWarning(message);
    else annotations.addInfo(message);
  }
}

/**
 * Finds constructs of `stack` by path (`<stack path>/<id>/<id>...`), walking down from the stack
 * once per distinct path asked for, instead of indexing every construct up front.
 */
function constructsByPath(stack: TerraformStack): (path: string) => IConstruct | undefined {
  const root = stack.node.path;
  const found = new Map<string, IConstruct | undefined>();
  return (path) => {
    if (found.has(path)) return found.get(path);
    let node: IConstruct | undefined;
    if (path === root) node = stack;
    else if (path.startsWith(`${root}/`)) {
      node = stack;
      for (const id of path.slice(root.length + 1).split('/')) {
        node = node.node.tryFindChild(id);
        if (!node) break;
      }
    }
    found.set(path, node);
    return node;
  };
}

/**
 * Wraps a stack's synthesizer: cdktf synthesizes the stack as usual (aspects, validations,
 * annotations, `cdk.tf.json`), then the checks evaluate the object cdktf has just serialized into
 * that file (captured from the stack's `toTerraform()` during the synth, not read back) and fail
 * the synth on errors. When the synth asked for it (`requestSynthesizedJson`, as `synthAndValidate`
 * does), the object is then held for synth validation to take over ({@link SynthesizedJsonSource}),
 * so it is not parsed from the file again either.
 *
 * Only cdktf's own synthesizer (that class, not a subclass) is known to write exactly what
 * `toTerraform()` returns: under any other synthesizer (which may change the file after rendering)
 * the checks read the written file.
 */
class CheckingSynthesizer implements IStackSynthesizer, SynthesizedJsonSource {
  private lastSynthesized: SynthesizedStackJson | undefined;

  public constructor(private readonly stack: TerraformStack, public readonly inner: IStackSynthesizer, public readonly checks: SecurityChecks) {}

  public synthesize(session: ISynthesisSession): void {
    this.lastSynthesized = undefined;
    // cdktf's own class exactly: a subclass may change the file after rendering
    const rendered = Object.getPrototypeOf(this.inner) === StackSynthesizer.prototype
      ? this.renderedDuring(() => this.inner.synthesize(session))
      : (this.inner.synthesize(session), undefined);
    const manifest = session.manifest.forStack(this.stack);
    const file = path.join(session.outdir, manifest.synthesizedStackPath);
    const json = file.endsWith('.json');
    const synthesized = json
      ? (rendered ?? (JSON.parse(fs.readFileSync(file, 'utf8')) as SynthesizedStackJson)) // another synthesizer: what it wrote
      : (this.stack.toTerraform() as SynthesizedStackJson); // HCL output: render once more for the checks
    const report = this.checks.check(this.stack, synthesized);
    const recorded = manifest.annotations as StackAnnotation[];
    const seen = new Set(recorded.map((a) => annotationKey(a.constructPath, a.level, a.message)));
    for (const f of report.findings) {
      const level = ANNOTATION_TYPE[f.level] as StackAnnotation['level'];
      const key = annotationKey(f.path, level, f.message);
      if (seen.has(key)) continue;
      seen.add(key);
      recorded.push({ constructPath: f.path, level, message: f.message });
    }
    if (report.errors.length > 0) {
      fs.rmSync(file, { force: true });
      throw new SecurityCheckError(report);
    }
    // held only for a synth that asked for it (synthAndValidate), until taken
    if (json && rendered && isSynthesizedJsonRequested(this.stack.node.root)) this.lastSynthesized = rendered;
  }

  public [TAKE_SYNTHESIZED_JSON](): SynthesizedStackJson | undefined {
    const taken = this.lastSynthesized;
    this.lastSynthesized = undefined;
    return taken;
  }

  /**
   * Runs `synth` with the stack's `toTerraform` wrapped (on this instance, for this call only) to
   * capture what it returns: the object cdktf writes to `cdk.tf.json`.
   */
  private renderedDuring(synth: () => void): SynthesizedStackJson | undefined {
    const stack = this.stack as TerraformStack & { toTerraform: () => unknown };
    const own = Object.prototype.hasOwnProperty.call(stack, 'toTerraform');
    const original = stack.toTerraform;
    let rendered: SynthesizedStackJson | undefined;
    stack.toTerraform = function (this: TerraformStack): unknown {
      const result: unknown = original.call(this);
      rendered = result as SynthesizedStackJson;
      return result;
    };
    try {
      synth();
    } finally {
      if (own) stack.toTerraform = original;
      else delete (stack as Partial<typeof stack>).toTerraform;
    }
    return rendered;
  }
}

/** Identity of a manifest annotation, for de-duplication. */
function annotationKey(constructPath: string, level: string, message: string): string {
  return `${level}\u0000${constructPath}\u0000${message}`;
}
