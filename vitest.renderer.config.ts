/**
 * Component and unit tests of the renderer: Svelte compiled for the browser, in jsdom.
 * Kept apart from the root vitest.config.ts, whose Node environment suits the engine and
 * library tests; run with `npx vitest run -c vitest.renderer.config.ts`.
 */
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

export default defineConfig({
  plugins: [svelte({ hot: false }), svelteTesting()],
  test: {
    name: 'renderer',
    include: ['test/renderer/**/*.test.ts'],
    environment: 'jsdom',
    pool: 'forks',
    maxWorkers: 2,
  },
});
