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

describe('oci.clients[].clientAuth (the OCI identity domain\'s own client secrets)', () => {
  const withOciClientAuth = (clientAuth: unknown): EnvironmentConfig => ({
    ...DEV,
    oci: {
      region: 'eu-frankfurt-1',
      compartmentId: 'ocid1.compartment.oc1..aaaaaaaaclientauthcompartment',
      identityDomain: { url: 'https://idcs-0123456789abcdef.identity.oraclecloud.com', issuer: 'https://idcs-0123456789abcdef.identity.oraclecloud.com/', audience: 'app1', scopes: ['Read'] },
      gateway: { gatewayId: 'ocid1.apigateway.oc1.eu-frankfurt-1.aaaaaaaaclientauthgateway' },
      clients: [{ name: 'reader', clientId: 'reader-id', grantedScopes: ['Read'], clientAuth: clientAuth as { secretEnv: string } }],
      deployments: [{ name: 'd', pathPrefix: '/d', routes: [{ path: '/r', backendUrl: 'https://backend.example.com/r', anyOfScopes: ['Read'] }] }],
    },
  });

  test('accepts an environment variable name and either auth method', () => {
    expect(() => validateEnvironments([withOciClientAuth({ secretEnv: 'OCI_READER_SECRET', method: 'client_secret_basic' })])).not.toThrow();
    expect(() => validateEnvironments([withOciClientAuth({ secretEnv: 'OCI_READER_SECRET' })])).not.toThrow();
  });

  test('fails on a pasted secret, an unknown method or an unknown key, naming the field', () => {
    expect(() => validateEnvironments([withOciClientAuth({ secretEnv: 'hunter2-secret!' })]))
      .toThrow(/field 'oci\.clients\[0\]\.clientAuth\.secretEnv': must be the NAME of an environment variable/);
    expect(() => validateEnvironments([withOciClientAuth({ secretEnv: 'X', method: 'private_key_jwt' })]))
      .toThrow(/oci\.clients\[0\]\.clientAuth\.method/);
    expect(() => validateEnvironments([withOciClientAuth({ secretEnv: 'X', secret: 'hunter2' })]))
      .toThrow(/oci\.clients\[0\]\.clientAuth/);
  });
});
