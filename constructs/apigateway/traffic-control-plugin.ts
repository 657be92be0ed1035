import type { Construct } from 'constructs';
import { invalidProp } from '../private/errors';
import { validateInteger } from './internal';
import { GatewayPlugin, PluginType } from './plugin';
import type { GatewayPluginOptions, PluginScript } from './plugin';

/** Time unit of a throttling threshold. */
export enum ThrottlingUnit {
  /** Per second. */
  SECOND = 'SECOND',
  /** Per minute. */
  MINUTE = 'MINUTE',
  /** Per hour. */
  HOUR = 'HOUR',
  /** Per day. */
  DAY = 'DAY',
}

/** Thresholds of a basic throttling plugin; also the `throttling` option of {@link M2mProtectedApis}. */
export interface TrafficControlOptions {
  /** Calls allowed per unit for each bound API. */
  readonly apiLimit: number;
  /**
   * Time unit of the thresholds.
   * @default ThrottlingUnit.MINUTE
   */
  readonly unit?: ThrottlingUnit;
  /**
   * Calls allowed per unit for each Alibaba Cloud account (the owner of the calling apps); at
   * most `apiLimit`. Only applies to APP-authenticated calls.
   * @default - no per-user threshold
   */
  readonly userLimit?: number;
  /**
   * Calls allowed per unit for each app (AppKey); at most `userLimit` (and `apiLimit`). Only
   * applies to APP-authenticated calls.
   * @default - no per-app threshold
   */
  readonly appLimit?: number;
}

/** Properties for {@link TrafficControlPlugin}. */
export interface TrafficControlPluginProps extends TrafficControlOptions, GatewayPluginOptions {}

/**
 * Defines a basic throttling plugin (`trafficControl`): thresholds per API, per user and per
 * app in a time unit.
 *
 * For ANONYMOUS APIs protected by JWT plugins only the per-API threshold applies (apps and
 * users are identified by AppKey signatures).
 *
 * The script uses the field names of the basic throttling template (`unit`, `apiDefault`,
 * `userDefault`, `appDefault`), which mirror the throttling API (`ApiDefault`, `UserDefault`,
 * `AppDefault`, unit SECOND/MINUTE/HOUR/DAY).
 *
 * @see https://www.alibabacloud.com/help/en/api-gateway/traditional-api-gateway/user-guide/throttling-2
 * @example
 * new TrafficControlPlugin(stack, 'Throttle', { apiLimit: 600, unit: ThrottlingUnit.MINUTE }).bindToApi(api);
 */
export class TrafficControlPlugin extends GatewayPlugin {
  /** Time unit. */
  public readonly unit: ThrottlingUnit;

  public constructor(scope: Construct, id: string, props: TrafficControlPluginProps) {
    super(scope, id, PluginType.TRAFFIC_CONTROL, props, (plugin) => TrafficControlPlugin.render(plugin, props));
    this.unit = props.unit ?? ThrottlingUnit.MINUTE;
  }

  /** Validates the props and returns the script. */
  private static render(plugin: GatewayPlugin, props: TrafficControlPluginProps): PluginScript {
    const unit = props.unit ?? ThrottlingUnit.MINUTE;
    if (!Object.values(ThrottlingUnit).includes(unit)) {
      throw invalidProp(plugin, 'unit', 'is not a throttling unit', unit, 'Use ThrottlingUnit.SECOND, MINUTE, HOUR or DAY.');
    }
    const max = 2_000_000_000;
    validateInteger(plugin, 'apiLimit', props.apiLimit, 1, max, 'Give the calls allowed per unit for each API.');
    if (props.userLimit !== undefined) {
      validateInteger(plugin, 'userLimit', props.userLimit, 1, max);
      if (props.userLimit > props.apiLimit) {
        throw invalidProp(plugin, 'userLimit', `must not exceed apiLimit (${props.apiLimit})`, props.userLimit, 'The gateway requires user ≤ API thresholds.');
      }
    }
    if (props.appLimit !== undefined) {
      validateInteger(plugin, 'appLimit', props.appLimit, 1, max);
      const cap = props.userLimit ?? props.apiLimit;
      if (props.appLimit > cap) {
        throw invalidProp(plugin, 'appLimit', `must not exceed ${props.userLimit !== undefined ? 'userLimit' : 'apiLimit'} (${cap})`, props.appLimit,
          'The gateway requires app ≤ user ≤ API thresholds.');
      }
    }
    const script: Record<string, unknown> = { unit, apiDefault: props.apiLimit };
    if (props.userLimit !== undefined) script.userDefault = props.userLimit;
    if (props.appLimit !== undefined) script.appDefault = props.appLimit;
    return { script };
  }
}
