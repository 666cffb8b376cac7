import { defineConfig } from 'vitest/config';

// One run for the whole house. Workspace packages resolve to their TypeScript source through the
// `@sightline/source` export condition, so tests never need a build of a sibling package.
// Vite's default server conditions include `module`, which sends some dependencies (OpenTelemetry)
// to ESM builds whose extensionless imports Node cannot load: list the conditions explicitly.
const conditions = ['@sightline/source', 'node', 'import', 'default', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['{packages,apps,examples,bench}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    // chDB allows one data directory per process: every test file gets a process of its own.
    pool: 'forks',
    isolate: true,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
