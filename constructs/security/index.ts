export * from './rule';
export * from './checks';
export type { FindingLevel, SecurityFinding } from './evaluate';
export * from './suppressions';
export * from './annotations';
export { ALL_RULES, APIG_RULES, APIGATEWAY_CONTRACT_RULES, APIGATEWAY_RULES, OCI_RULES, RAM_CONTRACT_RULES, RAM_RULES } from './rules';
export * from './opt-out';
