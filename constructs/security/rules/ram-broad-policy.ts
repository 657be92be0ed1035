/**
 * `RAM-POL2`: broad system policies attached to roles. The opt-out of `OidcRole.attachSystemPolicy`
 * (`broadAccess: { reason }`) is recorded as a suppression of this rule, so every broad grant
 * still shows up as a finding with its reason.
 */
import { isUnresolvedValue as isUnresolved } from '../../../core/expressions';
import { RuleLevel, RuleResult } from '../rule';
import type { SecurityRule } from '../rule';

/** System policies that grant every action of a service (`*FullAccess`) or of the account (`AdministratorAccess`). */
export const BROAD_SYSTEM_POLICY = /^AdministratorAccess$|FullAccess$/;

/** `RAM-POL2`: a broad system policy is attached to a role. */
export const broadSystemPolicy: SecurityRule = {
  id: 'RAM-POL2',
  resourceTypes: ['alicloud_ram_role_policy_attachment'],
  level: RuleLevel.ERROR,
  info: 'A broad system policy (AdministratorAccess or *FullAccess) is attached to a role.',
  explanation: 'Every workload that can assume the role (here: every token the trust policy admits) gets every action of the service or of the account. Prefer a narrower system or custom policy; opting in needs a reason (broadAccess: { reason }).',
  check: (res) => {
    if (res.type !== 'alicloud_ram_role_policy_attachment') return RuleResult.NOT_APPLICABLE;
    const { policy_type: type, policy_name: name } = res.config;
    if (typeof type !== 'string' || isUnresolved(type)) return RuleResult.UNRESOLVED;
    if (type !== 'System') return RuleResult.NOT_APPLICABLE;
    if (typeof name !== 'string' || isUnresolved(name)) return RuleResult.UNRESOLVED;
    return BROAD_SYSTEM_POLICY.test(name) ? RuleResult.NON_COMPLIANT : RuleResult.COMPLIANT;
  },
};

/** RAM rules of the security contract (issue #11). */
export const RAM_CONTRACT_RULES: readonly SecurityRule[] = [broadSystemPolicy];
