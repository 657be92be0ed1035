import { RamRolePolicyAttachment } from '../../../.gen/providers/alicloud/ram-role-policy-attachment';
import { lean } from '../../private/lean-resource';

/** `alicloud_ram_role_policy_attachment` as the RAM constructs create it (one lean class for all of them). */
export const LeanRamRolePolicyAttachment = /* @__PURE__ */ lean(RamRolePolicyAttachment);
