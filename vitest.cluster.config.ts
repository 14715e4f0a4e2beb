import { defineConfig } from 'vitest/config';

/**
 * The tests that need a real one-node SLURM cluster (test/cluster/): .ci/run starts one from
 * .ci/slurm-onenode.sh and runs `npx vitest run --config vitest.cluster.config.ts`. They are not
 * part of `npm test`, and they fail, never skip, where no cluster answers.
 */
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['test/setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 600_000,
    hookTimeout: 300_000,
  },
});
