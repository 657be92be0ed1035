/**
 * Construct ids the library builds at run time are internalized strings (see
 * constructs/private/construct-id.ts): otherwise V8 makes them thin strings, cdktf's logical ids
 * joined from them two-byte strings, and a synthesized stack that references such a resource is
 * rendered as two-byte text (twice the memory). Checked in a child node with V8's natives syntax,
 * which tells an internalized string from a thin one.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const ROOT = join(__dirname, '..', '..');

test('ids built at run time (access-control plugins, API and group bindings) are internalized strings', () => {
  // WHEN
  const child = spawnSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', join(__dirname, 'fixtures', 'built-ids.ts')], { cwd: ROOT, encoding: 'utf8', timeout: 90_000 });
  // THEN
  expect(child.status, child.stderr).toBe(0);
  const { built, notInternalized } = JSON.parse(child.stdout) as { built: string[]; notInternalized: string[] };
  expect(built).toEqual(expect.arrayContaining([
    'test/Protection/AccessControlHello',
    'test/Protection/AccessControlHello/Hello-RELEASE',
    'test/Protection/Jwt/Group-Group-TEST',
  ]));
  expect(notInternalized).toEqual([]);
});
