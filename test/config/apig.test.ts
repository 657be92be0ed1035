import { describe, expect, test } from 'vitest';
import { ConfigError, validateEnvironments } from '../../config';
import type { ApigConfig, EnvironmentConfig } from '../../config';
import { FIXTURE_DEV as DEV } from '../fixtures/environments';

const APIG: ApigConfig = {
  gatewayId: 'gw-cq7l5s5lhtgi6qasrdc0',
  environmentId: 'env-cq7l5s5lhtgi6qasrdc0',
  policyName: 'm2m-jwt',
};

/** The error message of validating DEV with `apig` ('' when valid). */
function problemsOf(apig: unknown): string {
  try {
    validateEnvironments([{ ...DEV, apig } as EnvironmentConfig]);
    return '';
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
}

describe('validateEnvironments: apig', () => {
  test('accepts the minimal section and every optional field', () => {
    expect(problemsOf(APIG)).toBe('');
    expect(problemsOf({
      ...APIG, subjectClient: DEV.clients[0].name, tokenSource: { in: 'header', name: 'X-Token', prefix: 'Token ' }, passThroughToken: true,
      mode: 'blacklist', rules: [{ domain: '*', path: '/admin/**' }], enabled: false,
    })).toBe('');
  });

  test('fails when the gateway or environment id is not an APIG id', () => {
    expect(problemsOf({ ...APIG, gatewayId: 'my-gw' })).toMatch(/field 'apig\.gatewayId': must be an APIG gateway id/);
    expect(problemsOf({ ...APIG, environmentId: 'prod' })).toMatch(/field 'apig\.environmentId': must be an APIG environment id/);
  });

  test('fails when the subject client is not configured', () => {
    expect(problemsOf({ ...APIG, subjectClient: 'nobody' })).toMatch(/field 'apig\.subjectClient': is not a configured client, got "nobody"/);
  });

  test('fails when a blacklist lists nothing', () => {
    expect(problemsOf({ ...APIG, mode: 'blacklist' })).toMatch(/field 'apig\.rules': must list the domain and path pairs to protect in blacklist mode/);
  });

  test('fails when a rule path does not start with a slash', () => {
    expect(problemsOf({ ...APIG, rules: [{ domain: '*', path: 'health' }] })).toMatch(/field 'apig\.rules\[0\]\.path': must start with "\/"/);
  });

  test('fails when a query token has a prefix', () => {
    expect(problemsOf({ ...APIG, tokenSource: { in: 'query', name: 't', prefix: 'Bearer ' } })).toMatch(/field 'apig\.tokenSource\.prefix': is for headers only/);
  });

  test('fails on unknown keys and wrong value sets, naming the field', () => {
    expect(problemsOf({ ...APIG, gatewayID: 'gw-x' })).toMatch(/field 'apig\.gatewayID': is not a known field/);
    expect(problemsOf({ ...APIG, mode: 'greylist' })).toMatch(/field 'apig\.mode': must be "whitelist" or "blacklist", got "greylist"/);
    expect(problemsOf({ ...APIG, rules: [{ domain: '*', path: '/x', method: 'GET' }] })).toMatch(/field 'apig\.rules\[0\]\.method': is not a known field/);
  });
});
