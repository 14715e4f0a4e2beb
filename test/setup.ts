/**
 * Runs in every Node-side test file before it (vitest.config.ts, setupFiles): the folders the
 * file made with tempDir are removed after its last test and its own afterAll hooks.
 */
import { afterAll } from 'vitest';
import { removeTempDirs } from './library/fixtures/rasters.ts';

afterAll(removeTempDirs);
