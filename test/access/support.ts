/**
 * Fixture apps for the access map and review tests: synthesized for real (aspects, validation,
 * manifest) into a temporary cdktf.out, then read back like the commands read it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Aspects, TerraformStack } from 'cdktf';
import { readSynthesizedApp } from '../../access';
import type { SynthesizedApp } from '../../access';
import type { EnvironmentConfig } from '../../config/environment';
import { IssuerLookup, SecurityChecks } from '../../constructs';
import type { LockFile } from '../../core/issuer-facts';
import { buildApp } from '../../stacks/app';
import { synthAndValidate } from '../../validation';
import { AlicloudProvider } from '../../.gen/providers/alicloud/provider';
import { SEED_CLIENT_ID, TEST_AUDIENCE, TEST_ISSUER, testLock } from '../util';

/** A temporary cdktf.out path (not created). */
export function tempOutdir(): string {
  return join(mkdtempSync(join(tmpdir(), 'access-')), 'cdktf.out');
}

/** Synthesizes environments the way `npm run synth` does and reads the output back. */
export function synthEnvironments(environments: readonly EnvironmentConfig[], lock: LockFile = testLock()): SynthesizedApp {
  const outdir = tempOutdir();
  synthAndValidate((dir) => buildApp({ outdir: dir, environments, lock }), { outdir });
  return readSynthesizedApp(outdir);
}

/** Synthesizes one stack built by `build` (with the security checks) and reads the output back. */
export function synthStack(build: (stack: TerraformStack) => void, lock: LockFile = testLock(), name = 'fixture'): SynthesizedApp {
  const outdir = tempOutdir();
  synthAndValidate((dir) => {
    const app = new App({ outdir: dir });
    IssuerLookup.attach(app, lock);
    const stack = new TerraformStack(app, name);
    new AlicloudProvider(stack, 'alicloud', { region: 'cn-hangzhou' });
    Aspects.of(stack).add(new SecurityChecks());
    build(stack);
    return app;
  }, { outdir });
  return readSynthesizedApp(outdir);
}

/** A second client of the fixture issuer. */
export const OTHER_CLIENT_ID = 'app_other_fixture';

/** A fixture environment (not the example): the unit-test issuer, one API, one role. */
export function fixtureEnv(overrides: Partial<EnvironmentConfig> = {}): EnvironmentConfig {
  return {
    name: 'fx',
    region: 'cn-hangzhou',
    accountId: '1234567890123456',
    production: false,
    stages: ['TEST'],
    m2mServer: { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, scopes: ['orders:read', 'orders:write'] },
    clients: [
      { name: 'reporting', clientId: SEED_CLIENT_ID, grantedScopes: ['orders:read', 'orders:write'] },
      { name: 'other', clientId: OTHER_CLIENT_ID, grantedScopes: ['orders:read', 'orders:write'] },
    ],
    gateway: {
      groupName: 'orders_fx',
      description: 'Orders (fixture)',
      backendName: 'orders_fx',
      backendAddress: 'https://orders.fx.example.internal',
      tokenLocation: 'bearer',
      apis: [{
        name: 'list_orders',
        description: 'Lists orders.',
        path: '/orders',
        method: 'GET',
        backendPath: '/orders',
        requiredScopes: ['orders:read', 'orders:write'],
        allowedClients: ['reporting'],
      }],
    },
    federation: {
      providerName: 'orders-fx',
      roles: [{ name: 'orders-reader-fx', description: 'Reads order exports.', subjects: [SEED_CLIENT_ID], systemPolicies: ['AliyunOSSReadOnlyAccess'] }],
    },
    state: {},
    ...overrides,
  };
}
