import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// One run for the whole house. Workspace packages resolve to their TypeScript source through the
// `@sightline/source` export condition, so tests never need a build of a sibling package.
export default defineConfig({
  resolve: { conditions: ['@sightline/source', ...defaultServerConditions] },
  ssr: { resolve: { conditions: ['@sightline/source', ...defaultServerConditions] } },
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
