import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { compareWithCaptured, readStackJson } from '../../bench/captured-stack';
import { StackFileError } from '../../core/stack-file';

const STACK = {
  provider: { alicloud: [{ region: 'cn-hangzhou' }] },
  resource: { alicloud_api_gateway_group: { g: { '//': { metadata: { path: 'a/g' } }, name: 'orders' } } },
};

function file(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'captured-stack-')), name);
  writeFileSync(path, text);
  return path;
}

describe('captured stack (bench)', () => {
  test('reads a synthesized stack file', () => {
    expect(readStackJson(file('cdk.tf.json', JSON.stringify(STACK)))).toEqual(STACK);
  });

  test('fails like every other reader of stack files, naming the file and how the bench writes it', () => {
    const missing = join(tmpdir(), 'no-such-dir-captured', 'cdk.tf.json');
    expect(() => readStackJson(missing)).toThrow(StackFileError);
    expect(() => readStackJson(missing)).toThrow(`missing synthesized stack ${missing}. The bench writes it (\`npm run bench\`)`);
    const list = file('cdk.tf.json', '[]');
    expect(() => readStackJson(list)).toThrow(`the synthesized stack ${list} is not a Terraform JSON configuration (expected a JSON object)`);
  });

  test('compares resources without cdktf metadata, and names the first difference', () => {
    const replayed = { ...STACK, resource: { alicloud_api_gateway_group: { g: { name: 'orders' } } } };
    expect(compareWithCaptured(replayed, STACK)).toEqual({ identical: true, difference: undefined });
    const renamed = { ...STACK, resource: { alicloud_api_gateway_group: { g: { name: 'other' } } } };
    expect(compareWithCaptured(renamed, STACK)).toEqual({ identical: false, difference: 'resource.alicloud_api_gateway_group.g.name: "other" ≠ "orders"' });
  });
});
