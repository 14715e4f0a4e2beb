/**
 * Opens everything a door needs: the library, the job runner with its engine process, and the
 * api on top. Both doors (browser mode and the Electron app) start Anomap through this.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Library } from '../library/index.ts';
import { JobRunner, checkpointsDir, createBackendProbe, jobStateFile } from '../jobs/index.ts';
import type { SpawnEngine } from '../jobs/index.ts';
import { createApi } from './api.ts';
import type { Api } from './api.ts';
import type { DoorUrls } from './deps.ts';

export interface OpenAnomapOptions {
  libraryDir: string;
  modelsDir?: string;
  door: 'electron' | 'browser';
  spawnEngine: SpawnEngine;
  urls: DoorUrls;
  /** Runs diagnostic jobs (selftest); only end-to-end tests set it, never a door. */
  diagnostics?: boolean;
}

export interface Anomap {
  api: Api;
  library: Library;
  runner: JobRunner;
  close(): Promise<void>;
}

/** The folder holding Anomap's package.json (the repository, or the packaged app). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the package.json of Anomap');
    dir = parent;
  }
  return dir;
}

export function packageVersion(root: string): string {
  const parsed = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    version?: unknown;
  };
  return typeof parsed.version === 'string' ? parsed.version : '0.0.0';
}

export function openAnomap(options: OpenAnomapOptions): Anomap {
  const root = packageRoot();
  const library = Library.open(options.libraryDir);
  const modelsDir = options.modelsDir ?? join(root, 'models');
  const runner = new JobRunner({
    spawnEngine: options.spawnEngine,
    context: { libraryDir: library.dir, modelsDir, checkpointsDir: checkpointsDir(library.dir) },
    stateFile: jobStateFile(library.dir),
    diagnostics: options.diagnostics,
  });
  const api = createApi({
    library,
    runner,
    door: options.door,
    modelsDir,
    version: packageVersion(root),
    urls: options.urls,
    probeBackend: createBackendProbe(options.spawnEngine),
  });
  return {
    api,
    library,
    runner,
    async close() {
      await runner.close();
      library.close();
    },
  };
}
