import { Lazy, Token } from 'cdktf';
import { Construct } from 'constructs';
import { RamPolicy } from '../../.gen/providers/alicloud/ram-policy';
import { invalidProp } from '../private/errors';
import type { IOidcRole } from './oidc-role';
import { MAX_POLICY_DOCUMENT_LENGTH, PolicyDocument } from './policy-document';
import type { PolicyStatementProps } from './policy-document';
import { generatedName, POLICY_NAME, validateName } from './private/names';
import { lean } from '../private/lean-resource';
import type { RamRolePolicyAttachment } from '../../.gen/providers/alicloud/ram-role-policy-attachment';
import { LeanRamRolePolicyAttachment } from './private/resources';
import { builtId } from '../private/construct-id';

const LeanRamPolicy = /* @__PURE__ */ lean(RamPolicy);

const MAX_DESCRIPTION_LENGTH = 1024;

/** Options for {@link IOidcRole.addCustomPolicy}. */
export interface CustomPolicyOptions {
  /** The permissions. Validated here: `service:Action` actions, ARNs, no `*` grants in Allow statements. */
  readonly document: PolicyDocument;
  /**
   * Name of the policy in RAM, unique in the account. Changing it replaces the policy.
   * @default - generated from the construct path (letters, digits, `-`, plus a hash)
   */
  readonly policyName?: string;
  /**
   * Description of the policy (up to 1024 characters).
   * @default - no description
   */
  readonly description?: string;
}

/** Properties for {@link CustomPolicy}. */
export interface CustomPolicyProps extends CustomPolicyOptions {}

/**
 * Defines a custom RAM permission policy from a typed {@link PolicyDocument}.
 *
 * Usually created through `role.addCustomPolicy(...)` or a `role.grant*()` helper, which also
 * attach it to the role.
 *
 * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-createpolicy
 * @example
 * const policy = new CustomPolicy(stack, 'ReadReports', {
 *   document: new PolicyDocument({ statements: [{ actions: ['oss:GetObject'], resources: ['acs:oss:*:*:reports/*'] }] }),
 * });
 * policy.attachToRole(role);
 */
export class CustomPolicy extends Construct {
  /** Name of the policy (a reference to the created policy, so attachments wait for it). */
  public readonly policyName: string;
  /** The underlying `alicloud_ram_policy` (escape hatch). */
  public readonly resource: RamPolicy;
  private currentDocument: PolicyDocument;
  private readonly attachments = new Map<IOidcRole, RamRolePolicyAttachment>();

  public constructor(scope: Construct, id: string, props: CustomPolicyProps) {
    super(scope, id);
    if (!(props.document instanceof PolicyDocument)) {
      throw invalidProp(this, 'document', 'must be a PolicyDocument', props.document, 'Build it with new PolicyDocument({ statements: [...] }).');
    }
    props.document.assertValid(this, 'document');
    const name = props.policyName ?? generatedName(this, POLICY_NAME);
    validateName(this, 'policyName', name, POLICY_NAME);
    if (props.description !== undefined && !Token.isUnresolved(props.description)
      && (props.description.length === 0 || props.description.length > MAX_DESCRIPTION_LENGTH)) {
      throw invalidProp(this, 'description', `must be 1 to ${MAX_DESCRIPTION_LENGTH} characters`, props.description, 'Shorten the description, or omit it.');
    }
    this.currentDocument = props.document;
    this.resource = new LeanRamPolicy(this, 'Resource', {
      policyName: name,
      // Lazy so statements added by grant helpers after construction are rendered too.
      policyDocument: Lazy.stringValue({ produce: () => this.currentDocument.toJson() }),
      description: props.description,
    });
    this.policyName = this.resource.policyName;
    this.node.addValidation({
      validate: () => {
        const json = this.currentDocument.toJson();
        if (Token.isUnresolved(json) || json.length <= MAX_POLICY_DOCUMENT_LENGTH) return [];
        return [`'document' must render to at most ${MAX_POLICY_DOCUMENT_LENGTH} characters (the RAM limit), got ${json.length}. Split the statements over several policies.`];
      },
    });
  }

  /** The current document (including statements added by grant helpers). */
  public get document(): PolicyDocument {
    return this.currentDocument;
  }

  /** Appends statements, validated like the constructor's `document`. */
  public addStatements(...statements: PolicyStatementProps[]): void {
    const known = new Set(this.currentDocument.statements.map((s) => JSON.stringify(new PolicyDocument({ statements: [s] }).toObject())));
    const fresh = statements.filter((s) => !known.has(JSON.stringify(new PolicyDocument({ statements: [s] }).toObject())));
    if (fresh.length === 0) return;
    new PolicyDocument({ statements: fresh }).assertValid(this, 'addStatements');
    this.currentDocument = this.currentDocument.withStatements(...fresh);
  }

  /** Attaches the policy to a role (once per role) and returns the attachment. */
  public attachToRole(role: IOidcRole): RamRolePolicyAttachment {
    let attachment = this.attachments.get(role);
    if (!attachment) {
      attachment = new LeanRamRolePolicyAttachment(this, builtId(`Attachment${role.node.id}`), {
        policyName: this.policyName,
        policyType: 'Custom',
        roleName: role.roleName,
      });
      this.attachments.set(role, attachment);
    }
    return attachment;
  }
}
