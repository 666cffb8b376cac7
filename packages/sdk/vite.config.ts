import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';

// The published build: ESM for Node 20.19+, with the contracts' semconv keys bundled in (the
// workspace package is private) and OpenTelemetry left as real dependencies, so the app and the
// SDK share one @opentelemetry/api. Declarations come from tsc (tsconfig.build.json).
export default defineConfig({
  resolve: { conditions: ['@sightline/source', 'node', 'import', 'default'] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: true,
    lib: { entry: { index: 'src/index.ts', testing: 'src/testing.ts' }, formats: ['es'] },
    rollupOptions: {
      external: (id) => id.startsWith('node:') || builtinModules.includes(id) || id.startsWith('@opentelemetry/'),
    },
  },
});
