/**
 * The `trafficControl` plugin, reduced to its per-API threshold (`apiDefault` calls per `unit`):
 * fixed windows aligned on the epoch, counted per plugin, API and stage. `userDefault` and
 * `appDefault` only apply to APP-authenticated callers (AppKey), which the emulator does not
 * authenticate, so they are ignored. The real gateway's windows are not documented (sliding or
 * fixed, per node or global): treat 429s here as indicative.
 *
 * @see https://www.alibabacloud.com/help/en/api-gateway/traditional-api-gateway/user-guide/throttling-2
 */
import { EmulatorUnsupportedError } from './errors';

/** A parsed `trafficControl` script. */
export interface TrafficControlConfig {
  /** Window unit. */
  readonly unit: 'SECOND' | 'MINUTE' | 'HOUR' | 'DAY';
  /** Calls per window for each API. */
  readonly apiDefault: number;
}

const UNIT_MS = { SECOND: 1_000, MINUTE: 60_000, HOUR: 3_600_000, DAY: 86_400_000 } as const;

/**
 * Reads a parsed `trafficControl` script.
 * @throws EmulatorUnsupportedError for special (per-app or per-user) throttling or an unknown unit
 */
export function readTrafficControlConfig(script: Record<string, unknown>): TrafficControlConfig {
  const unit = String(script.unit ?? 'MINUTE').toUpperCase();
  if (!(unit in UNIT_MS)) throw new EmulatorUnsupportedError(`trafficControl unit ${JSON.stringify(script.unit)} is not SECOND, MINUTE, HOUR or DAY`);
  const apiDefault = Number(script.apiDefault);
  if (!Number.isInteger(apiDefault) || apiDefault < 1) throw new EmulatorUnsupportedError('trafficControl script has no positive integer "apiDefault"');
  if (Array.isArray(script.specials) && script.specials.length > 0) throw new EmulatorUnsupportedError('trafficControl "specials" are not emulated');
  return { unit: unit as TrafficControlConfig['unit'], apiDefault };
}

/** Request counters of every throttling plugin of one emulator. */
export class TrafficCounters {
  private readonly windows = new Map<string, { readonly start: number; count: number }>();

  /**
   * Counts one request.
   * @returns whether it is within the threshold
   */
  public admit(key: string, config: TrafficControlConfig, now: Date): boolean {
    const size = UNIT_MS[config.unit];
    const start = Math.floor(now.getTime() / size) * size;
    let window = this.windows.get(key);
    if (!window || window.start !== start) {
      window = { start, count: 0 };
      this.windows.set(key, window);
    }
    window.count++;
    return window.count <= config.apiDefault;
  }
}
