import { Token } from 'cdktf';
import type { IConstruct } from 'constructs';
import { isStageName, STAGE_NAMES } from '../../core/stages';
import { invalidProp } from '../private/errors';

/**
 * An API Gateway environment (stage) that APIs are published to and plugins are bound on.
 *
 * @see https://registry.terraform.io/providers/aliyun/alicloud/1.292.0/docs/resources/api_gateway_api
 * @see https://www.alibabacloud.com/help/en/idaas/eiam/user-guide/configure-api-gateway
 */
export enum Stage {
  // values are the core STAGE_NAMES; the enum is the typed public face of them
  /** The test environment. */
  TEST = 'TEST',
  /** The pre-release (staging) environment. */
  PRE = 'PRE',
  /** The production environment. */
  RELEASE = 'RELEASE',
}

/**
 * Validates a list of stages given by the user (also catches values cast from untyped config)
 * and returns them in a stable order (TEST, PRE, RELEASE) without duplicates.
 */
export function validateStages(scope: IConstruct, prop: string, stages: readonly Stage[], allowEmpty = true): Stage[] {
  if (!Array.isArray(stages)) {
    throw invalidProp(scope, prop, 'must be a list of stages', stages, 'Use Stage.TEST, Stage.PRE or Stage.RELEASE.');
  }
  stages.forEach((stage, i) => {
    if (Token.isUnresolved(stage) || !isStageName(stage)) {
      throw invalidProp(scope, `${prop}[${i}]`, 'is not a stage of API Gateway', stage, 'Use Stage.TEST, Stage.PRE or Stage.RELEASE.');
    }
    if (stages.indexOf(stage) !== i) {
      throw invalidProp(scope, `${prop}[${i}]`, 'is listed twice', stage, 'Remove the duplicate.');
    }
  });
  if (!allowEmpty && stages.length === 0) {
    throw invalidProp(scope, prop, 'must not be empty', stages, 'Name the stages to bind on, e.g. [Stage.RELEASE].');
  }
  return STAGE_NAMES.filter((s) => stages.includes(s as Stage)) as Stage[];
}
