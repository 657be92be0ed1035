import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import type { IConstruct } from 'constructs';
import { RamRole } from '../../.gen/providers/alicloud/ram-role';
import { RAM_ROLE_SESSION_SECONDS, isWholeNumberIn } from '../../core/ranges';
import { invalidProp } from '../private/errors';
import { checkOptOut, recordOptOut } from '../security/opt-out';
import type { SecurityOptOut } from '../security/opt-out';
import { BROAD_SYSTEM_POLICY } from '../security/rules/ram-broad-policy';
import { CustomPolicy } from './custom-policy';
import type { CustomPolicyOptions } from './custom-policy';
import type { IOidcProvider } from './oidc-provider';
import { ConditionOperator, PolicyDocument } from './policy-document';
import { renderConditions } from './private/conditions';
import type { PolicyCondition, PolicyStatementProps } from './policy-document';
import { generatedName, POLICY_NAME, ROLE_NAME, validateName } from './private/names';
import { isOnlyWildcards, sortedUnique } from './private/values';
import { lean } from '../private/lean-resource';
import type { RamRolePolicyAttachment } from '../../.gen/providers/alicloud/ram-role-policy-attachment';
import { LeanRamRolePolicyAttachment } from './private/resources';
import { builtId } from '../private/construct-id';

const LeanRamRole = /* @__PURE__ */ lean(RamRole);

const MAX_DESCRIPTION_LENGTH = 1024;
const ROLE_ARN = /^acs:ram::(\d+):role\/([^/]+)$/;
const OSS_BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/**
 * A RAM role, created here or imported, that permissions can be attached to.
 *
 * Reference roles through this interface, never by ARN string.
 */
export interface IOidcRole extends IConstruct {
  /** ARN of the role, `acs:ram::<uid>:role/<name>`: the `RoleArn` of AssumeRoleWithOIDC. */
  readonly roleArn: string;
  /** Name of the role. */
  readonly roleName: string;

  /**
   * Attaches a system (Alibaba Cloud managed) policy, e.g. `AliyunOSSReadOnlyAccess`.
   * Attaching the same policy twice returns the first attachment.
   */
  attachSystemPolicy(policyName: string, options?: SystemPolicyOptions): RamRolePolicyAttachment;

  /** Defines a custom policy from a typed document and attaches it to the role. */
  addCustomPolicy(id: string, options: CustomPolicyOptions): CustomPolicy;

  /**
   * Grants reading the objects of an OSS bucket: `oss:ListObjects` on the bucket and
   * `oss:GetObject` on its objects. Adds to the role's default policy.
   * @returns the role's default policy
   */
  grantOssRead(bucketName: string): CustomPolicy;

  /**
   * Grants writing objects to an OSS bucket: `oss:PutObject` on its objects (covers simple,
   * append and multipart uploads). Adds to the role's default policy.
   * @returns the role's default policy
   */
  grantOssWrite(bucketName: string): CustomPolicy;
}

/** Options for {@link IOidcRole.attachSystemPolicy}. */
export interface SystemPolicyOptions {
  /**
   * Opt-out, with a reason, for a broad policy (`AdministratorAccess`, `*FullAccess`, which grant
   * every action of a service): required for those policies, reported as a suppressed `RAM-POL2`
   * finding on the attachment.
   * @default - broad policies are refused
   */
  readonly broadAccess?: SecurityOptOut;
}

/**
 * Wildcard subjects: an explicit, reasoned opt-in to match `oidc:sub` with StringLike.
 */
export interface SubjectPatterns extends SecurityOptOut {
  /** StringLike patterns (`*`, `?`), e.g. `app_reporting_*`. A pattern of only wildcards is refused. */
  readonly patterns: readonly string[];
}

/** Properties for {@link OidcRole}. */
export interface OidcRoleProps {
  /** The OIDC provider whose tokens may assume this role. */
  readonly provider: IOidcProvider;
  /**
   * Allowed values of the token's `sub` claim, matched exactly (StringEquals). For IDaaS M2M
   * tokens this is the client application id, e.g. `app_m7hf...`.
   * Must not be empty: a role without a subject condition trusts every token the issuer signs.
   * @default - none; required unless `subjectPatterns` is given
   */
  readonly allowedSubjects?: readonly string[];
  /**
   * Opt-in to wildcard subjects (StringLike) with a reason. Cannot be combined with
   * `allowedSubjects`. The reason is recorded as the suppression of warning RAM-OIDC4.
   * @default - subjects are matched exactly
   */
  readonly subjectPatterns?: SubjectPatterns;
  /**
   * Allowed values of the token's `aud` claim; each must be a client id of the provider.
   * @default - the provider's client id when it registers exactly one; required otherwise
   */
  readonly allowedAudiences?: readonly string[];
  /**
   * Name of the role (1–64 letters, digits, `.`, `-`), unique in the account. Changing it
   * replaces the role.
   * @default - generated from the construct path (plus a hash)
   */
  readonly roleName?: string;
  /**
   * Longest session (seconds) an assumed role may request: 3600–43200.
   * @default 3600
   */
  readonly maxSessionDurationSeconds?: number;
  /**
   * Description of the role (1–1024 characters).
   * @default - no description
   */
  readonly description?: string;
}

/**
 * Shared permission methods of created and imported roles.
 * Not meant to be extended outside this library.
 */
export abstract class RoleBase extends Construct implements IOidcRole {
  /** ARN of the role. */
  public abstract readonly roleArn: string;
  /** Name of the role. */
  public abstract readonly roleName: string;
  private readonly systemAttachments = new Map<string, RamRolePolicyAttachment>();
  private defaultPolicy?: CustomPolicy;

  /**
   * Attaches a system policy. Broad ones (`AdministratorAccess`, `*FullAccess`) need the
   * `broadAccess: { reason }` opt-out.
   * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-ims-2019-08-15-attachpolicytorole
   */
  public attachSystemPolicy(policyName: string, options: SystemPolicyOptions = {}): RamRolePolicyAttachment {
    validateName(this, 'attachSystemPolicy.policyName', policyName, POLICY_NAME);
    const existing = this.systemAttachments.get(policyName);
    if (existing) return existing;
    const broad = !Token.isUnresolved(policyName) && BROAD_SYSTEM_POLICY.test(policyName);
    if (broad && options.broadAccess === undefined) {
      throw invalidProp(this, 'attachSystemPolicy.broadAccess', `is required for ${policyName}, which grants every action of a service`, undefined,
        'Prefer a narrower system policy (e.g. a ReadOnlyAccess one) or a custom policy; if the broad grant is reviewed, opt in with broadAccess: { reason } (reported as RAM-POL2).');
    }
    if (broad) checkOptOut(this, 'attachSystemPolicy.broadAccess', options.broadAccess as SecurityOptOut);
    const attachment = new LeanRamRolePolicyAttachment(this, builtId(`SystemPolicy${policyName}`), {
      policyName,
      policyType: 'System',
      roleName: this.roleName,
    });
    // Reviews see every broad grant: the synth reports it as a suppressed RAM-POL2 finding with the reason.
    if (broad) recordOptOut(this, 'broadAccess', options.broadAccess as SecurityOptOut, { target: attachment, ruleId: 'RAM-POL2' });
    this.systemAttachments.set(policyName, attachment);
    return attachment;
  }

  /** Defines a custom policy (child of this role) and attaches it. */
  public addCustomPolicy(id: string, options: CustomPolicyOptions): CustomPolicy {
    const policy = new CustomPolicy(this, id, options);
    policy.attachToRole(this);
    return policy;
  }

  /** Grants `oss:ListObjects` on `acs:oss:*:*:<bucket>` and `oss:GetObject` on `acs:oss:*:*:<bucket>/*`. */
  public grantOssRead(bucketName: string): CustomPolicy {
    validateBucketName(this, 'grantOssRead.bucketName', bucketName);
    return this.addToDefaultPolicy([
      { actions: ['oss:ListObjects'], resources: [`acs:oss:*:*:${bucketName}`] },
      { actions: ['oss:GetObject'], resources: [`acs:oss:*:*:${bucketName}/*`] },
    ]);
  }

  /** Grants `oss:PutObject` on `acs:oss:*:*:<bucket>/*`. */
  public grantOssWrite(bucketName: string): CustomPolicy {
    validateBucketName(this, 'grantOssWrite.bucketName', bucketName);
    return this.addToDefaultPolicy([
      { actions: ['oss:PutObject'], resources: [`acs:oss:*:*:${bucketName}/*`] },
    ]);
  }

  /** Adds statements to the role's default policy (`DefaultPolicy`), created on first use. */
  private addToDefaultPolicy(statements: PolicyStatementProps[]): CustomPolicy {
    if (!this.defaultPolicy) {
      this.defaultPolicy = this.addCustomPolicy('DefaultPolicy', {
        document: new PolicyDocument({ statements }),
        description: 'Grants added with grant helpers of this role.',
      });
    } else {
      this.defaultPolicy.addStatements(...statements);
    }
    return this.defaultPolicy;
  }
}

/**
 * Defines a RAM role that tokens of one OIDC provider may assume (AssumeRoleWithOIDC).
 *
 * The trust policy always pins `oidc:iss` (StringEquals, the provider's issuer), `oidc:aud`
 * (client ids) and `oidc:sub` (exact subjects, or reasoned wildcard patterns), and is rendered
 * deterministically.
 *
 * @see https://www.alibabacloud.com/help/en/ram/user-guide/manage-an-oidc-idp
 * @see https://www.alibabacloud.com/help/en/ram/developer-reference/api-sts-2015-04-01-assumerolewithoidc
 * @see https://www.alibabacloud.com/help/en/idaas/eiam/use-cases/no-ak-access-configuration-process-combined-with-alibaba-cloud-ram
 * @example
 * const role = new OidcRole(stack, 'ReportingRole', {
 *   provider,
 *   allowedSubjects: ['app_m7hfgn66xkyyxlhpkiw5kjenhy'],
 *   roleName: 'reporting-m2m',
 * });
 * role.grantOssRead('reports-bucket');
 * new TerraformOutput(stack, 'RoleArn', { value: role.roleArn });
 */
export class OidcRole extends RoleBase {
  /** Imports an existing role by ARN (`acs:ram::<uid>:role/<name>`). Nothing is created. */
  public static fromRoleArn(scope: Construct, id: string, roleArn: string): IOidcRole {
    return new ImportedRole(scope, id, roleArn);
  }

  /** Imports an existing role by name and account id. Nothing is created. */
  public static fromRoleName(scope: Construct, id: string, roleName: string, accountId: string): IOidcRole {
    return new ImportedRole(scope, id, undefined, roleName, accountId);
  }

  /** ARN of the role (resolved at apply). Put it in a `TerraformOutput` for callers of AssumeRoleWithOIDC. */
  public readonly roleArn: string;
  /** Name of the role (a reference to the created role, so attachments wait for it). */
  public readonly roleName: string;
  /** The trusted provider. */
  public readonly provider: IOidcProvider;
  /** Allowed audiences, sorted. */
  public readonly allowedAudiences: readonly string[];
  /** Allowed subjects (exact or patterns), sorted. */
  public readonly allowedSubjects: readonly string[];
  /** Whether subjects are StringLike patterns (the reasoned opt-in). */
  public readonly subjectsArePatterns: boolean;
  /** Maximum session duration in seconds. */
  public readonly maxSessionDurationSeconds: number;
  /** The rendered trust policy (`assume_role_policy_document`). */
  public readonly assumeRolePolicyDocument: string;
  /** The underlying `alicloud_ram_role` (escape hatch). */
  public readonly resource: RamRole;

  public constructor(scope: Construct, id: string, props: OidcRoleProps) {
    super(scope, id);
    if (!props.provider) {
      throw invalidProp(this, 'provider', 'is required', props.provider, 'Pass the OidcProvider whose tokens may assume the role.');
    }
    const name = props.roleName ?? generatedName(this, ROLE_NAME);
    validateName(this, 'roleName', name, ROLE_NAME);
    const maxSession = props.maxSessionDurationSeconds ?? RAM_ROLE_SESSION_SECONDS.default;
    if (!Token.isUnresolved(maxSession) && !isWholeNumberIn(maxSession, RAM_ROLE_SESSION_SECONDS)) {
      throw invalidProp(this, 'maxSessionDurationSeconds', `must be a whole number of seconds between ${RAM_ROLE_SESSION_SECONDS.min} and ${RAM_ROLE_SESSION_SECONDS.max}`, maxSession,
        'Use 3600 (one hour, the RAM default) unless sessions must last longer; callers can request less with DurationSeconds.');
    }
    if (props.description !== undefined && !Token.isUnresolved(props.description)
      && (props.description.length === 0 || props.description.length > MAX_DESCRIPTION_LENGTH)) {
      throw invalidProp(this, 'description', `must be 1 to ${MAX_DESCRIPTION_LENGTH} characters`, props.description, 'Shorten the description, or omit it.');
    }
    const subjects = resolveSubjects(this, props);
    const audiences = resolveAudiences(this, props.provider, props.allowedAudiences);

    const conditions: PolicyCondition[] = [
      { operator: ConditionOperator.STRING_EQUALS, key: 'oidc:aud', values: audiences },
      // The issuer is always pinned with StringEquals, whatever the subject match.
      { operator: ConditionOperator.STRING_EQUALS, key: 'oidc:iss', values: [props.provider.issuerUrl] },
      { operator: subjects.patterns ? ConditionOperator.STRING_LIKE : ConditionOperator.STRING_EQUALS, key: 'oidc:sub', values: subjects.values },
    ];
    const trust = {
      Version: '1',
      Statement: [{
        Action: 'sts:AssumeRole',
        Condition: renderConditions(conditions),
        Effect: 'Allow',
        Principal: { Federated: [props.provider.oidcProviderArn] },
      }],
    };

    this.provider = props.provider;
    this.allowedAudiences = audiences;
    this.allowedSubjects = subjects.values;
    this.subjectsArePatterns = subjects.patterns;
    this.maxSessionDurationSeconds = maxSession;
    this.assumeRolePolicyDocument = JSON.stringify(trust);
    this.resource = new LeanRamRole(this, 'Resource', {
      roleName: name,
      assumeRolePolicyDocument: this.assumeRolePolicyDocument,
      maxSessionDuration: maxSession,
      description: props.description,
    });
    this.roleArn = this.resource.arn;
    this.roleName = this.resource.roleName;
    if (subjects.patterns && props.subjectPatterns) {
      recordOptOut(this, 'subjectPatterns', props.subjectPatterns, { target: this.resource, ruleId: 'RAM-OIDC4' });
    }
  }
}

/** A role that exists outside this stack. */
class ImportedRole extends RoleBase {
  public readonly roleArn: string;
  public readonly roleName: string;

  public constructor(scope: Construct, id: string, roleArn?: string, roleName?: string, accountId?: string) {
    super(scope, id);
    if (roleArn !== undefined) {
      if (Token.isUnresolved(roleArn)) {
        this.roleName = Token.asString(Fn.element(Fn.split('/', roleArn), 1));
      } else {
        const match = ROLE_ARN.exec(roleArn);
        if (!match || !ROLE_NAME.pattern.test(match[2])) {
          throw invalidProp(this, 'roleArn', 'must be a RAM role ARN of the form acs:ram::<account id>:role/<name>', roleArn,
            'Copy the ARN from RAM console > Roles > the role\'s basic information.');
        }
        this.roleName = match[2];
      }
      this.roleArn = roleArn;
    } else {
      validateName(this, 'roleName', roleName as string, ROLE_NAME);
      if (!Token.isUnresolved(accountId) && (typeof accountId !== 'string' || !/^\d+$/.test(accountId))) {
        throw invalidProp(this, 'accountId', 'must be the numeric Alibaba Cloud account id', accountId, 'Copy it from the console\'s account menu.');
      }
      this.roleName = roleName as string;
      this.roleArn = `acs:ram::${accountId}:role/${roleName}`;
    }
  }
}

function resolveSubjects(scope: IConstruct, props: OidcRoleProps): { values: string[]; patterns: boolean } {
  if (props.subjectPatterns !== undefined) {
    if (props.allowedSubjects !== undefined) {
      throw invalidProp(scope, 'subjectPatterns', 'must not be combined with allowedSubjects', props.subjectPatterns.patterns,
        'Use allowedSubjects for exact subjects, or subjectPatterns (with a reason) for wildcard subjects, not both.');
    }
    checkOptOut(scope, 'subjectPatterns', props.subjectPatterns);
    const { patterns } = props.subjectPatterns;
    if (!patterns || patterns.length === 0) {
      throw invalidProp(scope, 'subjectPatterns.patterns', 'must not be empty', patterns ?? [], 'List the StringLike patterns, e.g. "app_reporting_*".');
    }
    patterns.forEach((p, i) => {
      if (Token.isUnresolved(p)) return;
      if (typeof p !== 'string' || p.length === 0) {
        throw invalidProp(scope, `subjectPatterns.patterns[${i}]`, 'must be a non-empty pattern', p, 'E.g. "app_reporting_*".');
      }
      if (isOnlyWildcards(p)) {
        throw invalidProp(scope, `subjectPatterns.patterns[${i}]`, 'matches every subject, which is the same as no subject condition', p,
          'Keep a literal part that only your workloads\' subjects share, e.g. "app_reporting_*".');
      }
    });
    return { values: sortedUnique(patterns), patterns: true };
  }
  const subjects = props.allowedSubjects;
  if (!subjects || subjects.length === 0) {
    throw invalidProp(scope, 'allowedSubjects', 'must not be empty', subjects ?? [],
      'List the subjects (for IDaaS M2M tokens: the client application ids) allowed to assume the role; a role without a subject condition trusts every token the issuer signs.');
  }
  subjects.forEach((s, i) => {
    if (Token.isUnresolved(s)) return;
    if (typeof s !== 'string' || s.length === 0) {
      throw invalidProp(scope, `allowedSubjects[${i}]`, 'must be a non-empty subject', s, 'E.g. the M2M client id "app_m7hf...".');
    }
    if (s.includes('*')) {
      throw invalidProp(scope, `allowedSubjects[${i}]`, 'must not contain "*": subjects are matched exactly (StringEquals), so it would be taken literally', s,
        'List exact subjects, or opt in to wildcards with subjectPatterns: { patterns, reason }.');
    }
  });
  return { values: sortedUnique(subjects), patterns: false };
}

function resolveAudiences(scope: IConstruct, provider: IOidcProvider, allowed: readonly string[] | undefined): string[] {
  const registered = provider.clientIds;
  if (allowed === undefined) {
    if (registered.length === 1) return [...registered];
    throw invalidProp(scope, 'allowedAudiences', `must be given when the provider registers several client ids (${registered.join(', ')})`, allowed,
      'Pick the client ids (audiences) whose tokens this role serves.');
  }
  if (allowed.length === 0) {
    throw invalidProp(scope, 'allowedAudiences', 'must not be empty', [], 'List the client ids (audiences) whose tokens this role serves, or omit it for a provider with one client id.');
  }
  const comparable = registered.every((c) => !Token.isUnresolved(c));
  allowed.forEach((a, i) => {
    if (Token.isUnresolved(a)) return;
    if (comparable && !registered.includes(a)) {
      throw invalidProp(scope, `allowedAudiences[${i}]`, `is not a client id registered on the OIDC provider ${provider.node.path}`, a,
        `Use one of: ${registered.join(', ')}, or add it to the provider's clientIds.`);
    }
  });
  return sortedUnique(allowed);
}

function validateBucketName(scope: IConstruct, prop: string, bucketName: string): void {
  if (Token.isUnresolved(bucketName)) return;
  if (typeof bucketName !== 'string' || !OSS_BUCKET.test(bucketName)) {
    throw invalidProp(scope, prop, 'must be an OSS bucket name (3 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit)', bucketName,
      'Pass the bucket name, not its ARN or endpoint.');
  }
}
