/**
 * The user's actual config (`config/environments.ts` + the committed `lookups.lock.json`), checked
 * by invariants only: whatever environments, APIs, scopes and clients it holds, every published
 * stage is protected, every stack is schema-valid and free of security errors, the lock is
 * complete, state is kept outside the output directory. No counts, names or exact strings of the
 * example: adding an environment, an API or a scope keeps this green.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { issuerRequests } from '../../commands/issuers';
import { ENVIRONMENTS, validateEnvironments } from '../../config';
import { defaultLockPath } from '../../lookups/lock-file';
import { SILENT_LOGGER, prepareLookups } from '../../lookups/prepare';
import type { LockFile } from '../../core/issuer-facts';
import { buildApp, stackIdsOf } from '../../stacks/app';
import { synthAndValidate } from '../../validation';
import type { SynthSummary } from '../../validation';
import type { SynthesizedStack } from '../util';

const root = mkdtempSync(join(tmpdir(), 'user-config-'));
const outdir = join(root, 'cdktf.out');
let lock: LockFile;
let summary: SynthSummary;

function stackJson(stack: string): SynthesizedStack {
  return JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as SynthesizedStack;
}

beforeAll(async () => {
  validateEnvironments(ENVIRONMENTS);
  // CI mode: a missing or changed entry throws, no network, the committed lock is never written
  ({ lock } = await prepareLookups({ issuers: issuerRequests(ENVIRONMENTS), lockPath: defaultLockPath(), ci: true, refresh: false, logger: SILENT_LOGGER }));
  // throws on any construct validation, security error or schema finding
  summary = synthAndValidate((dir) => buildApp({ outdir: dir, localStateDir: join(root, 'state'), environments: ENVIRONMENTS, lock }), { outdir });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the actual config/ (invariants only)', () => {
  test('every environment yields its gateway and federation stacks (and apig-<env> / oci-<env> when configured), all schema-valid', () => {
    const expected = ENVIRONMENTS.flatMap(stackIdsOf).sort();
    expect(summary.stacks.map((s) => s.stack).sort()).toEqual(expected);
  });

  test('every API is protected by a jwtAuth and an accessControl plugin on every stage it is published to', () => {
    for (const env of ENVIRONMENTS) {
      const synth = stackJson(`gateway-${env.name}`);
      const apis = synth.resource?.alicloud_api_gateway_api ?? {};
      const plugins = synth.resource?.alicloud_api_gateway_plugin ?? {};
      const typeOf = (pluginRef: string): string | undefined => {
        const name = /^\$\{alicloud_api_gateway_plugin\.([^.]+)\.id\}$/.exec(pluginRef)?.[1];
        return name ? plugins[name]?.plugin_type : undefined;
      };
      // bound plugin types per "<api ref or group ref>|<stage>"
      const bound = new Map<string, Set<string>>();
      const bind = (target: string, stage: string, pluginRef: string) => {
        const key = `${target}|${stage}`;
        bound.set(key, (bound.get(key) ?? new Set()).add(typeOf(pluginRef) ?? '?'));
      };
      for (const a of Object.values(synth.resource?.alicloud_api_gateway_plugin_attachment ?? {})) bind(a.api_id, a.stage_name, a.plugin_id);
      for (const a of Object.values(synth.resource?.alicloud_api_gateway_group_plugin_attachment ?? {})) bind(a.group_id, a.stage_name, a.plugin_id);
      expect(Object.keys(apis).length, `gateway-${env.name} publishes APIs`).toBeGreaterThan(0);
      for (const [name, api] of Object.entries(apis)) {
        expect(api.stage_names?.length, `${name} is published`).toBeGreaterThan(0);
        for (const stage of api.stage_names) {
          const types = new Set([
            ...(bound.get(`\${alicloud_api_gateway_api.${name}.api_id}|${stage}`) ?? []),
            ...(bound.get(`${api.group_id}|${stage}`) ?? []),
          ]);
          expect([...types].filter((t) => t === 'jwtAuth' || t === 'accessControl').sort(), `gateway-${env.name} ${name} on ${stage}`)
            .toEqual(['accessControl', 'jwtAuth']);
        }
      }
    }
  });

  test('every environment trusts only issuers recorded in the committed lock', () => {
    for (const env of ENVIRONMENTS) expect(Object.keys(lock.issuers)).toContain(env.m2mServer.issuer);
  });

  test('state is remote (production) or a local file outside the output directory', () => {
    for (const env of ENVIRONMENTS) {
      for (const stack of [`gateway-${env.name}`, `federation-${env.name}`]) {
        const backend = stackJson(stack).terraform?.backend ?? {};
        if (env.production) expect(Object.keys(backend), stack).toEqual(['oss']);
        if (backend.local) {
          const file = resolve(outdir, 'stacks', stack, backend.local.path);
          expect(relative(outdir, file).startsWith('..'), `${stack} state ${file}`).toBe(true);
        }
      }
    }
  });

  test('no secret reaches a synthesized stack', () => {
    for (const s of summary.stacks) {
      const text = readFileSync(join(outdir, 'stacks', s.stack, 'cdk.tf.json'), 'utf8');
      expect(text, s.stack).not.toMatch(/secret_key|access_key_secret|password|"(d|p|q|dp|dq|qi|k)":|PRIVATE KEY/i);
    }
  });
});
