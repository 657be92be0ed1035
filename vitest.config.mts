import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // `import 'm2m-guard'` (the package's own name) resolves to the TypeScript sources in tests,
  // through the custom export condition in package.json (Vite's default conditions kept).
  ssr: { resolve: { conditions: ['m2m-guard-source', ...defaultServerConditions] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default on two cores is one worker: the suite would run serially although most of
    // the slow files wait on child processes and loopback servers. Every file uses its own temp
    // directories and ephemeral ports, so two files at a time are safe.
    maxWorkers: 2,
    isolate: false,
  },
});
