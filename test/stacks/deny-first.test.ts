/**
 * The deny-first apply order, proven from the synthesized JSON of the example's gateway stacks:
 * Terraform orders resources only by references and `depends_on`, so the graph below is exactly
 * the order `cdktf deploy` (create) and `cdktf destroy` (reverse) follow.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import type { TerraformStack } from 'cdktf';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { ENVIRONMENTS } from '../../config';
import { defaultLockPath, readLockFile } from '../../lookups/lock-file';
import type { LockFile } from '../../core/issuer-facts';
import { buildApp } from '../../stacks/app';

type Resources = Record<string, Record<string, Record<string, any>>>;

const GROUP_ATTACHMENT = 'alicloud_api_gateway_group_plugin_attachment';
const API_ATTACHMENT = 'alicloud_api_gateway_plugin_attachment';

/** Addresses a resource's config refers to (`${type.name.attr}`) or names in `depends_on`. */
function dependenciesOf(config: Record<string, any>): Set<string> {
  const out = new Set<string>((config.depends_on ?? []) as string[]);
  const text = JSON.stringify({ ...config, depends_on: undefined });
  for (const m of text.matchAll(/\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)/g)) out.add(m[1]);
  return out;
}

/** Whether `from` depends on `to`, directly or transitively. */
function dependsOn(graph: Map<string, Set<string>>, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const next of graph.get(node) ?? []) {
      if (next === to) return true;
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return false;
}

function gatewayStacks(): [string, Resources][] {
  const lock = readLockFile(defaultLockPath()) as LockFile;
  const app = buildApp({ outdir: mkdtempSync(join(tmpdir(), 'deny-first-')), environments: ENVIRONMENTS, lock });
  return ENVIRONMENTS.map((env) => {
    const id = `gateway-${env.name}`;
    return [id, JSON.parse(Testing.synth(app.node.findChild(id) as TerraformStack, true)).resource as Resources];
  });
}

describe('deny-first deploy order of the example gateway stacks', () => {
  test.each(gatewayStacks())('%s: every published API depends on the group baseline of each of its stages, which never depends on an API', (_, resources) => {
    // GIVEN the dependency graph of the synthesized stack
    const graph = new Map<string, Set<string>>();
    for (const [type, byName] of Object.entries(resources)) {
      for (const [name, config] of Object.entries(byName)) graph.set(`${type}.${name}`, dependenciesOf(config));
    }
    const plugins = resources.alicloud_api_gateway_plugin;
    const pluginOf = (ref: string) => plugins[/^\$\{alicloud_api_gateway_plugin\.([^.]+)\.id\}$/.exec(ref)![1]];
    const isDenyAll = (plugin: Record<string, any>): boolean => {
      const { rules } = parse(plugin.plugin_data.replace(/\$\$\{/g, '${'));
      return plugin.plugin_type === 'accessControl' && rules.length === 1 && rules[0].ifTrue === 'DENY' && rules[0].ifFalse === 'DENY';
    };
    const baseline = Object.entries(resources[GROUP_ATTACHMENT] ?? {}).map(([name, att]) => ({
      address: `${GROUP_ATTACHMENT}.${name}`, groupId: att.group_id, stage: att.stage_name, plugin: pluginOf(att.plugin_id),
    }));
    const apis = Object.entries(resources.alicloud_api_gateway_api);
    expect(apis.length).toBeGreaterThan(0);

    for (const [name, api] of apis) {
      const address = `alicloud_api_gateway_api.${name}`;
      expect(api.stage_names.length).toBeGreaterThan(0);
      for (const stage of api.stage_names as string[]) {
        // WHEN we look for the group-level baseline of the API's group on that stage
        const here = baseline.filter((b) => b.groupId === api.group_id && b.stage === stage);
        const jwt = here.filter((b) => b.plugin.plugin_type === 'jwtAuth');
        const acl = here.filter((b) => b.plugin.plugin_type === 'accessControl');

        // THEN there is exactly one of each type (the gateway allows one per group and stage), the access control denies everything,
        expect(jwt).toHaveLength(1);
        expect(acl).toHaveLength(1);
        expect(isDenyAll(acl[0].plugin)).toBe(true);
        // the API is created (published) only after both are bound, and neither waits for any API
        for (const b of [jwt[0], acl[0]]) {
          expect(api.depends_on).toContain(b.address);
          expect(dependsOn(graph, address, b.address)).toBe(true);
          expect([...graph.keys()].filter((k) => k.startsWith('alicloud_api_gateway_api.')).some((a) => dependsOn(graph, b.address, a))).toBe(false);
        }
      }
      // and the API's own bindings come after the API (they reference it), so they override a baseline that is already there
      const own = Object.entries(resources[API_ATTACHMENT]).filter(([, att]) => att.api_id === `\${${address}.api_id}`);
      for (const stage of api.stage_names as string[]) {
        const types = own.filter(([, att]) => att.stage_name === stage).map(([, att]) => pluginOf(att.plugin_id).plugin_type);
        expect(types).toEqual(expect.arrayContaining(['jwtAuth', 'accessControl']));
      }
      for (const [attName] of own) expect(dependsOn(graph, `${API_ATTACHMENT}.${attName}`, address)).toBe(true);
    }
  });
});
