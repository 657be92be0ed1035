/**
 * Small internal helpers of the API Gateway constructs (names, stages). Not exported from the barrel.
 */
import { createHash } from 'node:crypto';
import { Token } from 'cdktf';
import type { IConstruct } from 'constructs';
import { invalidProp } from '../private/errors';

/** Characters the gateway accepts in plugin, group and API names (plus CJK ideographs). */
const NAME_CHARS = /[^A-Za-z0-9_\u4E00-\u9FA5]/g;

/**
 * A deterministic physical name (4–50 characters of letters, digits, `_`, CJK; starting with a
 * letter) derived from the construct path, so two stacks never collide and renames are explicit.
 */
export function physicalName(scope: IConstruct, source: string = scope.node.path): string {
  const path = source;
  let name = path.replace(NAME_CHARS, '_').replace(/_+/g, '_').replace(/^_+|_+$/g, '');
  if (!/^[A-Za-z\u4E00-\u9FA5]/.test(name)) name = `n${name}`;
  if (name.length > 50) {
    const hash = createHash('sha256').update(path).digest('hex').slice(0, 8);
    name = `${name.slice(0, 41).replace(/_+$/, '')}_${hash}`;
  }
  while (name.length < 4) name = `${name}_`;
  return name;
}

/** Validates a name given by the user against the gateway's plugin/group name rule. */
export function validatePhysicalName(scope: IConstruct, prop: string, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (typeof value !== 'string' || value.length < 4 || value.length > 50 || !/^[A-Za-z0-9\u4E00-\u9FA5][A-Za-z0-9_\u4E00-\u9FA5]*$/.test(value)) {
    throw invalidProp(scope, prop, 'must be 4 to 50 letters, digits, underscores or CJK characters, not starting with an underscore', value,
      'Omit it to derive a name from the construct path.');
  }
}

/** Validates a description (the gateway caps plugin descriptions at 200 characters). */
export function validateDescription(scope: IConstruct, prop: string, value: string | undefined, max = 200): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (typeof value !== 'string' || value.length > max) {
    throw invalidProp(scope, prop, `must be at most ${max} characters`, value, 'Shorten the description.');
  }
}

/** Throws unless `value` is an integer in [min, max]. */
export function validateInteger(scope: IConstruct, prop: string, value: number, min: number, max: number, fix?: string): void {
  if (Token.isUnresolved(value)) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidProp(scope, prop, `must be an integer from ${min} to ${max}`, value, fix);
  }
}
