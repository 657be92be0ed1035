import { Token } from 'cdktf';
import type { IConstruct } from 'constructs';
import { invalidProp } from '../private/errors';
import { renderConditions } from './private/conditions';
import { sortedUnique } from './private/values';

/** Whether a statement allows or denies. */
export enum Effect {
  /** Grants the actions. */
  ALLOW = 'Allow',
  /** Denies the actions, overriding any Allow. */
  DENY = 'Deny',
}

/**
 * A condition operator of RAM policies. Use `custom()` for operators not listed here.
 * @see https://www.alibabacloud.com/help/en/ram/user-guide/policy-elements
 */
export class ConditionOperator {
  /** Exact string match (case-sensitive). */
  public static readonly STRING_EQUALS = new ConditionOperator('StringEquals');
  /** Negated exact string match. */
  public static readonly STRING_NOT_EQUALS = new ConditionOperator('StringNotEquals');
  /** Exact string match ignoring case. */
  public static readonly STRING_EQUALS_IGNORE_CASE = new ConditionOperator('StringEqualsIgnoreCase');
  /** Negated exact string match ignoring case. */
  public static readonly STRING_NOT_EQUALS_IGNORE_CASE = new ConditionOperator('StringNotEqualsIgnoreCase');
  /** Wildcard string match (`*`, `?`). */
  public static readonly STRING_LIKE = new ConditionOperator('StringLike');
  /** Negated wildcard string match. */
  public static readonly STRING_NOT_LIKE = new ConditionOperator('StringNotLike');
  /** Number equality. */
  public static readonly NUMERIC_EQUALS = new ConditionOperator('NumericEquals');
  /** Number inequality. */
  public static readonly NUMERIC_NOT_EQUALS = new ConditionOperator('NumericNotEquals');
  /** Number less than. */
  public static readonly NUMERIC_LESS_THAN = new ConditionOperator('NumericLessThan');
  /** Number less than or equal. */
  public static readonly NUMERIC_LESS_THAN_EQUALS = new ConditionOperator('NumericLessThanEquals');
  /** Number greater than. */
  public static readonly NUMERIC_GREATER_THAN = new ConditionOperator('NumericGreaterThan');
  /** Number greater than or equal. */
  public static readonly NUMERIC_GREATER_THAN_EQUALS = new ConditionOperator('NumericGreaterThanEquals');
  /** Date equality. */
  public static readonly DATE_EQUALS = new ConditionOperator('DateEquals');
  /** Date inequality. */
  public static readonly DATE_NOT_EQUALS = new ConditionOperator('DateNotEquals');
  /** Date before. */
  public static readonly DATE_LESS_THAN = new ConditionOperator('DateLessThan');
  /** Date at or before. */
  public static readonly DATE_LESS_THAN_EQUALS = new ConditionOperator('DateLessThanEquals');
  /** Date after. */
  public static readonly DATE_GREATER_THAN = new ConditionOperator('DateGreaterThan');
  /** Date at or after. */
  public static readonly DATE_GREATER_THAN_EQUALS = new ConditionOperator('DateGreaterThanEquals');
  /** Boolean match (`"true"` / `"false"`). */
  public static readonly BOOL = new ConditionOperator('Bool');
  /** Source IP in one of the CIDR ranges. */
  public static readonly IP_ADDRESS = new ConditionOperator('IpAddress');
  /** Source IP in none of the CIDR ranges. */
  public static readonly NOT_IP_ADDRESS = new ConditionOperator('NotIpAddress');

  /** An operator not listed above, spelled exactly as RAM expects it. */
  public static custom(value: string): ConditionOperator {
    return new ConditionOperator(value);
  }

  private constructor(
    /** The operator as written in the policy, e.g. `StringEquals`. */
    public readonly value: string,
  ) {}
}

/** One condition of a statement: `"<operator>": { "<key>": [values] }`. */
export interface PolicyCondition {
  /** How the request value is compared. */
  readonly operator: ConditionOperator;
  /** Condition key, e.g. `acs:SourceIp`, `oss:Prefix`. */
  readonly key: string;
  /** Values; the condition holds when any one matches. Must not be empty. */
  readonly values: readonly string[];
}

/** One statement of a permission policy. */
export interface PolicyStatementProps {
  /**
   * Allow or Deny.
   * @default Effect.ALLOW
   */
  readonly effect?: Effect;
  /**
   * Actions in `service:Action` form, e.g. `oss:GetObject`; partial wildcards such as
   * `oss:Get*` are allowed, `*` and `service:*` only in Deny statements.
   */
  readonly actions: readonly string[];
  /**
   * Resource ARNs (`acs:<service>:<region>:<account>:<path>`), e.g. `acs:oss:*:*:my-bucket/*`.
   * `*` only in Deny statements.
   */
  readonly resources: readonly string[];
  /**
   * Conditions; all must hold. At most one per operator and key.
   * @default - no conditions
   */
  readonly conditions?: readonly PolicyCondition[];
}

/** Properties for {@link PolicyDocument}. */
export interface PolicyDocumentProps {
  /** The statements, rendered in this order. Must not be empty. */
  readonly statements: readonly PolicyStatementProps[];
}

const ACTION = /^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$/;
const CONDITION_KEY = /^[A-Za-z0-9-]+:[A-Za-z0-9_.:/-]+$/;
const RESOURCE_ARN = /^acs:[^:\s]+:[^:\s]*:[^:\s]*:\S+$/;
/** Longest policy document RAM accepts. */
export const MAX_POLICY_DOCUMENT_LENGTH = 6144;

/** One problem found in a document: which prop, what is wrong, what we got, how to fix. */
export interface PolicyDocumentProblem {
  /** Path of the offending prop, e.g. `document.statements[0].actions[1]`. */
  readonly prop: string;
  /** What is wrong. */
  readonly problem: string;
  /** The offending value. */
  readonly got: unknown;
  /** How to fix it. */
  readonly fix: string;
}

/**
 * A typed RAM permission policy document (Version "1"), rendered deterministically:
 * statements in the given order, keys in a fixed order, actions, resources and condition
 * values sorted and de-duplicated.
 *
 * Validation (action shape, ARNs, wildcard grants) happens where the document is used, so
 * errors name the construct and prop; see {@link PolicyDocument.problems}.
 *
 * @see https://www.alibabacloud.com/help/en/ram/user-guide/policy-structure-and-syntax
 * @example
 * const document = new PolicyDocument({
 *   statements: [{ actions: ['oss:GetObject'], resources: ['acs:oss:*:*:reports/*'] }],
 * });
 * role.addCustomPolicy('ReadReports', { document });
 */
export class PolicyDocument {
  /** The statements, in order. */
  public readonly statements: readonly PolicyStatementProps[];

  public constructor(props: PolicyDocumentProps) {
    this.statements = (props.statements ?? []).map((s) => ({
      ...s,
      actions: [...(s.actions ?? [])],
      resources: [...(s.resources ?? [])],
      conditions: s.conditions?.map((c) => ({ ...c, values: [...(c.values ?? [])] })),
    }));
  }

  /** A new document with `statements` appended. */
  public withStatements(...statements: PolicyStatementProps[]): PolicyDocument {
    return new PolicyDocument({ statements: [...this.statements, ...statements] });
  }

  /**
   * Everything wrong with the document, in statement order; empty when it is valid.
   * Values that are tokens are skipped (unknown until apply).
   * @param prop how the document is named in messages, e.g. `document`
   */
  public problems(prop = 'document'): PolicyDocumentProblem[] {
    const out: PolicyDocumentProblem[] = [];
    if (this.statements.length === 0) {
      out.push({ prop: `${prop}.statements`, problem: 'must not be empty', got: [], fix: 'Add at least one statement.' });
    }
    this.statements.forEach((s, i) => {
      const at = `${prop}.statements[${i}]`;
      const effect = s.effect ?? Effect.ALLOW;
      if (effect !== Effect.ALLOW && effect !== Effect.DENY) {
        out.push({ prop: `${at}.effect`, problem: 'must be Effect.ALLOW or Effect.DENY', got: effect, fix: 'Use the Effect enum.' });
      }
      const allow = effect === Effect.ALLOW;
      if (s.actions.length === 0) {
        out.push({ prop: `${at}.actions`, problem: 'must not be empty', got: [], fix: 'List the actions, e.g. "oss:GetObject".' });
      }
      s.actions.forEach((a, j) => {
        if (Token.isUnresolved(a)) return;
        if (a === '*') {
          if (allow) {
            out.push({ prop: `${at}.actions[${j}]`, problem: 'must not allow every action', got: a,
              fix: 'List the actions the workload calls, e.g. "oss:GetObject". An all-actions grant needs review: use the L1 escape hatch and suppress RAM-POL1 with a reason.' });
          }
        } else if (typeof a !== 'string' || !ACTION.test(a)) {
          out.push({ prop: `${at}.actions[${j}]`, problem: 'must have the form service:Action', got: a, fix: 'Write actions as in the RAM docs, e.g. "oss:GetObject" or "ecs:Describe*".' });
        } else if (allow && a.endsWith(':*')) {
          out.push({ prop: `${at}.actions[${j}]`, problem: 'must not allow every action of a service', got: a,
            fix: 'List the actions the workload calls (partial wildcards like "oss:Get*" are accepted). A full-service grant needs review: use the L1 escape hatch and suppress RAM-POL1 with a reason.' });
        }
      });
      if (s.resources.length === 0) {
        out.push({ prop: `${at}.resources`, problem: 'must not be empty', got: [], fix: 'List the resource ARNs, e.g. "acs:oss:*:*:my-bucket/*".' });
      }
      s.resources.forEach((r, j) => {
        if (Token.isUnresolved(r)) return;
        if (r === '*') {
          if (allow) {
            out.push({ prop: `${at}.resources[${j}]`, problem: 'must not allow every resource', got: r,
              fix: 'Name the resource ARNs. For actions without resource-level permissions, attach the matching system policy, or use the L1 escape hatch and suppress RAM-POL1 with a reason.' });
          }
        } else if (typeof r !== 'string' || !RESOURCE_ARN.test(r)) {
          out.push({ prop: `${at}.resources[${j}]`, problem: 'must be "*" or an ARN of the form acs:<service>:<region>:<account>:<path>', got: r, fix: 'Use "*" for a region or account wildcard, e.g. "acs:oss:*:*:my-bucket/*".' });
        }
      });
      const seen = new Set<string>();
      (s.conditions ?? []).forEach((c, j) => {
        const cat = `${at}.conditions[${j}]`;
        const op = c.operator?.value;
        if (typeof op !== 'string' || !/^[A-Za-z]+$/.test(op)) {
          out.push({ prop: `${cat}.operator`, problem: 'must be a condition operator', got: op, fix: 'Use a ConditionOperator, e.g. ConditionOperator.STRING_EQUALS.' });
        }
        if (!Token.isUnresolved(c.key) && (typeof c.key !== 'string' || !CONDITION_KEY.test(c.key))) {
          out.push({ prop: `${cat}.key`, problem: 'must be a condition key of the form prefix:Key', got: c.key, fix: 'E.g. "acs:SourceIp" or "oss:Prefix".' });
        }
        if (c.values.length === 0) {
          out.push({ prop: `${cat}.values`, problem: 'must not be empty', got: [], fix: 'Give at least one value; the condition holds when any value matches.' });
        }
        const id = `${op}\u0000${c.key}`;
        if (seen.has(id)) {
          out.push({ prop: `${cat}`, problem: `repeats operator ${op} with key ${c.key}`, got: c.key, fix: 'Merge the values into one condition (values are alternatives).' });
        }
        seen.add(id);
      });
    });
    return out;
  }

  /** Throws the first problem as a construction error on `scope`. */
  public assertValid(scope: IConstruct, prop = 'document'): void {
    const [first] = this.problems(prop);
    if (first) throw invalidProp(scope, first.prop, first.problem, first.got, first.fix);
  }

  /** The document as a plain object, keys in render order. */
  public toObject(): { Version: '1'; Statement: Record<string, unknown>[] } {
    return {
      Version: '1',
      Statement: this.statements.map((s) => {
        const statement: Record<string, unknown> = { Action: sortedUnique(s.actions) };
        if (s.conditions && s.conditions.length > 0) statement.Condition = renderConditions(s.conditions);
        statement.Effect = s.effect ?? Effect.ALLOW;
        statement.Resource = sortedUnique(s.resources);
        return statement;
      }),
    };
  }

  /** The document as compact JSON, e.g. for `alicloud_ram_policy.policy_document`. */
  public toJson(): string {
    return JSON.stringify(this.toObject());
  }
}
