/**
 * Strict config at type-check time: a misspelled optional key in config written the way
 * `config/environments.ts` writes it (typed constants, `satisfies`, spreads) is a `tsc` error, so
 * the editor and `npm test` catch it before anything runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
// inside the project so that `../config` and the project's compiler options apply
const dir = mkdtempSync(join(ROOT, '.strict-types-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function typeCheck(source: string): string {
  writeFileSync(join(dir, 'config.ts'), source);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../tsconfig.json', compilerOptions: { noEmit: true, rootDir: '..' }, include: [], files: ['config.ts'] }));
  const result = spawnSync(process.execPath, [TSC, '-p', join(dir, 'tsconfig.json')], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return `${result.stdout}${result.stderr}`;
}

describe('config types', () => {
  test('tsc rejects a misspelled optional key in typed config, naming it', () => {
    const output = typeCheck(`
import type { EnvironmentConfig, M2mServerConfig } from '../config';
import { DEV } from '../config/environments';
const server = { issuer: 'https://idp.example.com', audience: 'api', scopes: ['s'], expectedFingerprint: ['${'a'.repeat(40)}'] } satisfies M2mServerConfig;
export const STAGING: EnvironmentConfig = { ...DEV, name: 'staging', m2mServer: server, gateway: { ...DEV.gateway, throtle: { requestsPerMinute: 1 } } };
`);
    expect(output).toMatch(/config\.ts\(4,\d+\): error TS2561: Object literal may only specify known properties, but 'expectedFingerprint' does not exist in type 'M2mServerConfig'\. Did you mean to write 'expectedFingerprints'\?/);
    expect(output).toMatch(/config\.ts\(5,\d+\): error TS2561: .*'throtle' does not exist in type 'GatewayConfig'/);
  }, 120_000);
});
