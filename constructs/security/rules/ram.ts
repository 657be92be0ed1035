import type { SecurityRule } from '../rule';

/** Rules for RAM OIDC identity providers, roles and policies (ids `RAM-*`). */
export const RAM_RULES: readonly SecurityRule[] = [];
