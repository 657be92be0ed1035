import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { StackFileError, readStackFile } from '../../core/stack-file';
import { tempDir } from '../support/pki';

let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(() => tmp?.cleanup());

function stackFileWith(text: string): string {
  tmp = tempDir('stack-file-');
  const file = tmp.file('cdk.tf.json');
  writeFileSync(file, text);
  return file;
}

describe('readStackFile', () => {
  test('returns the parsed Terraform JSON configuration', () => {
    // GIVEN
    const file = stackFileWith('{"resource":{"alicloud_ram_role":{"r":{"role_name":"ci"}}}}');

    // WHEN / THEN
    expect(readStackFile(file)).toEqual({ resource: { alicloud_ram_role: { r: { role_name: 'ci' } } } });
  });

  test('fails naming the file and the default fix when the file is missing', () => {
    // GIVEN
    tmp = tempDir('stack-file-');
    const file = tmp.file('nowhere/cdk.tf.json');

    // WHEN / THEN
    expect(() => readStackFile(file)).toThrow(StackFileError);
    expect(() => readStackFile(file)).toThrow(`missing synthesized stack ${file}. Run \`npm run synth\` first.`);
  });

  test('fails with the fix the caller passes', () => {
    tmp = tempDir('stack-file-');
    expect(() => readStackFile(tmp!.file('x.json'), 'Pass --outdir.')).toThrow(/missing synthesized stack .*x\.json\. Pass --outdir\.$/);
  });

  test('fails naming the file when it is not JSON', () => {
    const file = stackFileWith('{"resource":');
    expect(() => readStackFile(file)).toThrow(new RegExp(`cannot read the synthesized stack ${file}: it is not JSON \\(.+\\)\\. Run \`npm run synth\` first\\.`));
  });

  test.each([['an array', '[]'], ['null', 'null'], ['a string', '"cdk.tf.json"']])('fails naming the file when it holds %s', (_what, text) => {
    const file = stackFileWith(text);
    expect(() => readStackFile(file)).toThrow(`the synthesized stack ${file} is not a Terraform JSON configuration (expected a JSON object)`);
  });

  test('the error carries the file', () => {
    const file = stackFileWith('[]');
    try {
      readStackFile(file);
      expect.unreachable();
    } catch (error) {
      expect((error as StackFileError).file).toBe(file);
    }
  });
});
