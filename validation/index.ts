export * from './finding';
export * from './schema-registry';
export * from './validate-stack';
export * from './synth-output';
export * from './terraform-stack';
export * from './schema-validation-error';
export * from './synth';
export { isExpression, isUnresolvedValue, parseReference } from '../core/expressions';
export type { TerraformReference } from '../core/expressions';
