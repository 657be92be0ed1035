import { describe, expect, test } from 'vitest';
import { validateEnvironments } from '../../config';
import type { EnvironmentConfig, TokenEndpointAuthMethod } from '../../config';
import { FIXTURE_DEV as DEV } from '../fixtures/environments';

function withCredentials(credentials: { secretEnv: string; authMethod?: TokenEndpointAuthMethod }): EnvironmentConfig {
  return { ...DEV, clients: DEV.clients.map((c, i) => (i === 0 ? { ...c, credentials } : c)) };
}

describe('clients[].credentials (how npm run verify gets a token)', () => {
  test('accepts an environment variable name and either auth method', () => {
    expect(() => validateEnvironments([withCredentials({ secretEnv: 'M2M_CLIENT_SECRET', authMethod: 'client_secret_basic' })])).not.toThrow();
    expect(() => validateEnvironments([withCredentials({ secretEnv: 'M2M_CLIENT_SECRET' })])).not.toThrow();
  });

  test('fails when secretEnv is not a variable name (e.g. a pasted secret)', () => {
    expect(() => validateEnvironments([withCredentials({ secretEnv: 'hunter2-secret!' })]))
      .toThrow(/field 'clients\[0\]\.credentials\.secretEnv': must be the NAME of an environment variable/);
  });

  test('fails on an unknown auth method', () => {
    expect(() => validateEnvironments([withCredentials({ secretEnv: 'X', authMethod: 'private_key_jwt' as TokenEndpointAuthMethod })]))
      .toThrow(/field 'clients\[0\]\.credentials\.authMethod': must be client_secret_post or client_secret_basic/);
  });
});
