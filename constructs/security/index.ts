export * from './rule';
export * from './checks';
export * from './suppressions';
export { ALL_RULES, APIGATEWAY_RULES, RAM_RULES } from './rules';
