import { describe, expect, test } from 'vitest';
import { validateEnvironments } from '../../config';
import type { EnvironmentConfig, TokenEndpointAuthMethod } from '../../config';
import { FIXTURE_DEV as DEV } from '../fixtures/environments';

function withClientAuth(clientAuth: { secretEnv: string; method?: TokenEndpointAuthMethod }): EnvironmentConfig {
  return { ...DEV, clients: DEV.clients.map((c, i) => (i === 0 ? { ...c, clientAuth } : c)) };
}

describe('clients[].clientAuth (how npm run verify gets a token)', () => {
  test('accepts an environment variable name and either auth method', () => {
    expect(() => validateEnvironments([withClientAuth({ secretEnv: 'M2M_CLIENT_SECRET', method: 'client_secret_basic' })])).not.toThrow();
    expect(() => validateEnvironments([withClientAuth({ secretEnv: 'M2M_CLIENT_SECRET' })])).not.toThrow();
  });

  test('fails when secretEnv is not a variable name (e.g. a pasted secret)', () => {
    expect(() => validateEnvironments([withClientAuth({ secretEnv: 'hunter2-secret!' })]))
      .toThrow(/field 'clients\[0\]\.clientAuth\.secretEnv': must be the NAME of an environment variable/);
  });

  test('fails on an unknown auth method', () => {
    expect(() => validateEnvironments([withClientAuth({ secretEnv: 'X', method: 'private_key_jwt' as TokenEndpointAuthMethod })]))
      .toThrow(/field 'clients\[0\]\.clientAuth\.method': must be client_secret_post or client_secret_basic/);
  });
});
