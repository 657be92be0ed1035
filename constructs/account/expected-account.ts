import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { DataAlicloudCallerIdentity } from '../../.gen/providers/alicloud/data-alicloud-caller-identity';
import { invalidProp } from '../private/errors';

/** Properties for {@link ExpectedAccount}. */
export interface ExpectedAccountProps {
  /** The Alibaba Cloud account id (16-digit UID) the stack must be planned and applied in. */
  readonly accountId: string;
  /**
   * What to tell the user to fix, appended to the error, e.g. where the account is configured.
   * @default - a generic hint about credentials
   */
  readonly hint?: string;
}

/**
 * Defines a check that stops `terraform plan` (and so `cdktf diff` / `cdktf deploy`) when the
 * credentials the alicloud provider uses belong to another account than `accountId`.
 *
 * It reads the caller identity (`alicloud_caller_identity`, STS GetCallerIdentity) and adds a
 * lifecycle postcondition to it: a failed postcondition is a plan error, so nothing is created,
 * changed or destroyed in the wrong account. The message names both accounts.
 *
 * @example
 * new ExpectedAccount(stack, 'ExpectedAccount', { accountId: '1234567890123456' });
 */
export class ExpectedAccount extends Construct {
  /** The caller identity data source (escape hatch). */
  public readonly callerIdentity: DataAlicloudCallerIdentity;

  public constructor(scope: Construct, id: string, props: ExpectedAccountProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.accountId) && !/^\d{16}$/.test(props.accountId)) {
      throw invalidProp(this, 'accountId', 'must be the 16-digit Alibaba Cloud account UID', props.accountId);
    }
    const hint = props.hint ?? 'Use credentials (or assume a role) of that account.';
    this.callerIdentity = new DataAlicloudCallerIdentity(this, 'CallerIdentity', {
      lifecycle: {
        postcondition: [{
          condition: `\${self.account_id == "${props.accountId}"}`,
          errorMessage: `Wrong Alibaba Cloud account: this stack must be deployed to account ${props.accountId}, but the credentials belong to account \${self.account_id} (\${self.arn}). ${hint}`,
        }],
      },
    });
  }
}
