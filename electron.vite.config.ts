import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { resolve } from 'node:path';

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          // worker threads load these as siblings of index.js
          'training-worker': resolve('src/main/services/training/training-worker.ts'),
          'gradient-worker': resolve('src/model/training/parallel/gradient-worker.ts'),
          'archive-worker': resolve('src/main/services/models/archive-worker.ts'),
          'corpus-summary-worker': resolve('src/main/services/training/corpus-summary-worker.ts'),
          'adaptation-worker': resolve('src/main/services/adaptation/adaptation-worker.ts'),
          // the command line, run by bin/penwright.js where tsx (a dev tool) is absent
          cli: resolve('src/model/cli/main.ts'),
        },
        // Shared chunks sit beside the entries, not in a subfolder, so code that
        // finds a sibling (a worker, ../../resources) from its own
        // import.meta.url finds the same file from whichever chunk it lands in.
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    // sandboxed preloads cannot require packages: bundle everything, emit CommonJS
    build: {
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [svelte({ configFile: resolve('svelte.config.js') })],
    build: { minify: true, rollupOptions: { input: resolve('src/renderer/index.html') } },
  },
});
