import type { SecurityRule } from '../rule';
import { APIG_RULES } from './apig';
import { APIGATEWAY_RULES } from './apigateway';
import { APIGATEWAY_CONTRACT_RULES } from './apigateway-contract';
import { OCI_RULES } from './oci';
import { RAM_RULES } from './ram';
import { RAM_CONTRACT_RULES } from './ram-broad-policy';

export { APIG_RULES } from './apig';
export { APIGATEWAY_RULES } from './apigateway';
export { APIGATEWAY_CONTRACT_RULES } from './apigateway-contract';
export { OCI_RULES } from './oci';
export { RAM_RULES } from './ram';
export { RAM_CONTRACT_RULES } from './ram-broad-policy';

/**
 * Every security rule of the library, by pack.
 * Ids are stable: never change the meaning of an id, never reuse a retired one.
 */
export const ALL_RULES: readonly SecurityRule[] = [...RAM_RULES, ...RAM_CONTRACT_RULES, ...APIGATEWAY_RULES, ...APIGATEWAY_CONTRACT_RULES, ...OCI_RULES, ...APIG_RULES];
