/**
 * The README's "What the schema validation covers" stays true: every resource and data source
 * type of the pinned snapshots is named there, exactly or by its family (`alicloud_apig_*`).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = join(__dirname, '..', '..');

describe('README schema coverage', () => {
  test('names every type of every pinned snapshot', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### What the schema validation covers'), readme.indexOf('\n## ', readme.indexOf('### What the schema validation covers')));
    const named = [...section.matchAll(/`([a-z0-9_]+\*?)`/g)].map((m) => m[1]);
    const covered = (type: string) => named.some((n) => (n.endsWith('*') ? type.startsWith(n.slice(0, -1)) : type === n));
    const missing: string[] = [];
    for (const file of readdirSync(join(ROOT, 'provider-schemas')).filter((f) => f.endsWith('.schema.json'))) {
      const schema = JSON.parse(readFileSync(join(ROOT, 'provider-schemas', file), 'utf8')) as { provider_schemas: Record<string, { resource_schemas?: object; data_source_schemas?: object }> };
      for (const provider of Object.values(schema.provider_schemas)) {
        for (const type of [...Object.keys(provider.resource_schemas ?? {}), ...Object.keys(provider.data_source_schemas ?? {})]) {
          if (!covered(type)) missing.push(`${file}: ${type}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
