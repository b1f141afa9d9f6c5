import { svelte } from '@sveltejs/vite-plugin-svelte';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // the renderer's state classes are .svelte.ts modules: runes need Svelte's compiler
  plugins: [svelte()],
  test: {
    include: ['test/**/*.test.ts', 'e2e/**/*.e2e.test.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    // tfjs-wasm is single-threaded per process; forks keep each file's backend separate
    pool: 'forks',
    testTimeout: 60_000,
    // what the CLI caches about the machine (the training backend) goes here, not in ~/.cache
    // background threads keep the suite's priority (thread-priority.ts): a test's timing must not depend on it
    env: { XDG_CACHE_HOME: join(tmpdir(), `penwright-test-cache-${process.pid}`), PENWRIGHT_BACKGROUND_NICE: '0' },
    hookTimeout: 60_000,
  },
});
