import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { bundleReport } from './scripts/bundle-report.ts';

// The viewer is served by the server at `/` under a strict CSP (script-src 'self', no inline):
// no inline module-preload polyfill, assets as files, never data: URLs for scripts.
export default defineConfig({
  plugins: [preact({ prerender: { enabled: false } }), bundleReport()],
  resolve: { conditions: ['@sightline/source'] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    manifest: true,
    sourcemap: false,
    rollupOptions: {
      output: {
        // Libraries (preact, signals, zod) change rarely: their own long-cached chunk.
        manualChunks: (id: string) => (id.includes('/node_modules/') ? 'vendor' : undefined),
      },
    },
  },
  server: { proxy: { '/api': process.env['SIGHTLINE_API'] ?? 'http://127.0.0.1:4318' } },
});
