import { defineConfig } from 'vitest/config';

/**
 * Two projects: the Node side (engine, library, api, server, CLI, e2e in Chromium) and the
 * renderer's component tests, which need the Svelte compiler and jsdom (vitest.renderer.config.ts).
 */
export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['test/**/*.test.ts'],
          exclude: ['test/renderer/**'],
          environment: 'node',
          setupFiles: ['test/setup.ts'],
        },
      },
      './vitest.renderer.config.ts',
    ],
  },
});
