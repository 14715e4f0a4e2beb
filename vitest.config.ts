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
          // test/cluster needs a SLURM cluster: .ci/run starts one and runs vitest.cluster.config.ts.
          exclude: ['test/renderer/**', 'test/cluster/**'],
          environment: 'node',
          setupFiles: ['test/setup.ts'],
        },
      },
      './vitest.renderer.config.ts',
    ],
  },
});
