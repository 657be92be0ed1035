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
  },
});
