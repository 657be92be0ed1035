import { type App, TerraformStack, Testing } from 'cdktf';
import type { Finding } from './finding';
import type { StackFindings } from './synth-output';
import { type ValidationOptions, validateStack } from './validate-stack';

/**
 * Validates a stack in memory, without writing files: synthesizes it with `Testing.synth(stack)`
 * (which runs the stack's aspects) and validates the result.
 *
 * `Testing.synth` strips cdktf's `//` metadata, so findings carry no `constructPath`; the Terraform
 * address still names the resource.
 *
 * @example
 * expect(validateTerraformStack(stack)).toEqual([]);
 */
export function validateTerraformStack(stack: TerraformStack, options: ValidationOptions = {}): Finding[] {
  return validateStack(stack.node.id, JSON.parse(Testing.synth(stack)) as object, options);
}

/**
 * Validates every `TerraformStack` of an app in memory (see {@link validateTerraformStack}).
 *
 * @returns one entry per stack, in construct-tree order
 */
export function validateApp(app: App, options: ValidationOptions = {}): StackFindings[] {
  return app.node
    .findAll()
    .filter((c): c is TerraformStack => TerraformStack.isStack(c))
    .map((stack) => ({ stack: stack.node.id, findings: validateTerraformStack(stack, options) }));
}
