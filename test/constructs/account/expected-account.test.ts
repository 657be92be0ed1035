import { describe, expect, test } from 'vitest';
import { ExpectedAccount } from '../../../constructs';
import { synthJson, testStack } from '../../util';

describe('ExpectedAccount', () => {
  test('reads the caller identity with a postcondition on the configured account', () => {
    // GIVEN
    const stack = testStack();
    // WHEN
    new ExpectedAccount(stack, 'ExpectedAccount', { accountId: '1234567890123456', hint: 'Fix config/.' });
    // THEN
    const [identity] = Object.values(synthJson(stack).data?.alicloud_caller_identity ?? {});
    expect(identity.lifecycle.postcondition).toEqual([{
      condition: '${self.account_id == "1234567890123456"}',
      error_message: expect.stringMatching(/^Wrong Alibaba Cloud account: this stack must be deployed to account 1234567890123456, but the credentials belong to account \$\{self\.account_id\} \(\$\{self\.arn\}\)\. Fix config\/\.$/),
    }]);
  });

  test('fails when accountId is not a 16-digit UID', () => {
    const stack = testStack();
    expect(() => new ExpectedAccount(stack, 'ExpectedAccount', { accountId: '12345' })).toThrow(/'accountId' must be the 16-digit Alibaba Cloud account UID, got "12345"/);
  });
});
