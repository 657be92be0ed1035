import { describe, expect, test } from 'vitest';
import { PluginType, ThrottlingUnit, TrafficControlPlugin } from '../../../constructs';
import { synthJson } from '../../util';
import { parseScript, pluginOfType, resourcesByName, seedFixture } from './helpers';

describe('TrafficControlPlugin', () => {
  test('defaults to a per-minute API threshold only', () => {
    // GIVEN
    const { stack } = seedFixture({ isolated: true });
    // WHEN
    const plugin = new TrafficControlPlugin(stack, 'Throttle', { apiLimit: 600 });
    // THEN
    expect(plugin.pluginType).toBe(PluginType.TRAFFIC_CONTROL);
    expect(parseScript(pluginOfType(synthJson(stack), 'trafficControl'))).toEqual({ unit: 'MINUTE', apiDefault: 600 });
  });

  test('renders API, user and app thresholds in the unit given', () => {
    const { stack } = seedFixture({ isolated: true });
    new TrafficControlPlugin(stack, 'Throttle', { apiLimit: 100, userLimit: 50, appLimit: 10, unit: ThrottlingUnit.SECOND });
    expect(parseScript(pluginOfType(synthJson(stack), 'trafficControl'))).toEqual({ unit: 'SECOND', apiDefault: 100, userDefault: 50, appDefault: 10 });
  });

  test('accepts thresholds equal to the enclosing one', () => {
    const { stack } = seedFixture({ isolated: true });
    expect(() => new TrafficControlPlugin(stack, 'Throttle', { apiLimit: 100, userLimit: 100, appLimit: 100 })).not.toThrow();
  });

  test('binds to an API on its stages', () => {
    const { stack, api } = seedFixture({ isolated: true });
    new TrafficControlPlugin(stack, 'Throttle', { apiLimit: 10, unit: ThrottlingUnit.DAY }).bindToApi(api);
    expect(Object.values(resourcesByName(synthJson(stack), 'alicloud_api_gateway_plugin_attachment')).map((a) => a.stage_name).sort()).toEqual(['RELEASE', 'TEST']);
  });

  test('fails when the API threshold is not a positive integer', () => {
    const { stack } = seedFixture({ isolated: true });
    expect(() => new TrafficControlPlugin(stack, 'A', { apiLimit: 0 })).toThrow(/'apiLimit' must be an integer from 1 to/);
    expect(() => new TrafficControlPlugin(stack, 'B', { apiLimit: 2.5 })).toThrow(/'apiLimit' must be an integer/);
  });

  test('fails when the user threshold exceeds the API threshold', () => {
    const { stack } = seedFixture({ isolated: true });
    expect(() => new TrafficControlPlugin(stack, 'Throttle', { apiLimit: 100, userLimit: 101 })).toThrow(/'userLimit' must not exceed apiLimit \(100\), got 101/);
  });

  test('fails when the app threshold exceeds the user threshold', () => {
    const { stack } = seedFixture({ isolated: true });
    expect(() => new TrafficControlPlugin(stack, 'Throttle', { apiLimit: 100, userLimit: 50, appLimit: 51 })).toThrow(/'appLimit' must not exceed userLimit \(50\), got 51/);
  });

  test('fails when the unit is unknown', () => {
    const { stack } = seedFixture({ isolated: true });
    expect(() => new TrafficControlPlugin(stack, 'Throttle', { apiLimit: 1, unit: 'WEEK' as ThrottlingUnit })).toThrow(/'unit' is not a throttling unit/);
  });
});
