import * as path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, test } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');

/** The generated binding modules whose code ends up in a bundle of `source` (the app's esbuild options). */
async function bundledBindings(source: string): Promise<string[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const app = require('../../scripts/app.cjs') as { bundleOptions(entry: string, outfile: string): Record<string, unknown> };
  const { entryPoints: _entry, outfile: _out, ...options } = app.bundleOptions('unused.ts', 'unused.js');
  const result = await build({ ...options, stdin: { contents: source, resolveDir: ROOT, loader: 'ts', sourcefile: 'app.ts' }, write: false, outfile: 'app.js', metafile: true, logLevel: 'silent' });
  const output = Object.values(result.metafile.outputs)[0];
  const modules = Object.entries(output.inputs).filter(([file, input]) => file.startsWith('.gen/') && input.bytesInOutput > 0).map(([file]) => file);
  return [...new Set(modules.map((file) => path.dirname(file)))].sort();
}

describe('bundling an app that uses some constructs', () => {
  test('leaves out the generated bindings of the constructs it does not use', async () => {
    // An app protecting classic gateway APIs (bench/scale-app.ts), loaded with require() as a
    // CommonJS app does; the security checks cover every cloud, but must not drag in the other
    // clouds' resource bindings.
    const bindings = await bundledBindings("const { buildScaleApp } = require('./bench/scale-app');\nconsole.log(buildScaleApp);\n");
    expect(bindings).toContain('.gen/providers/alicloud/api-gateway-api');
    expect(bindings.filter((dir) => dir.startsWith('.gen/providers/oci/'))).toEqual([]);
    expect(bindings).not.toContain('.gen/providers/alicloud/apig-gateway');
    expect(bindings).not.toContain('.gen/providers/alicloud/ram-role');
  });
});
