import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApi } from '../../src-main/api/index.ts';
import type { Api } from '../../src-main/api/index.ts';
import { JobRunner } from '../../src-main/jobs/index.ts';
import { libraryWithOneStudy } from '../api/fixtures.ts';
import type { LibraryFixture } from '../api/fixtures.ts';
import { context, fakeSpawner } from '../jobs/helpers.ts';

export interface AppHarness {
  api: Api;
  fixture: LibraryFixture;
  rendererDir: string;
  close(): Promise<void>;
}

/** The api over a fresh one-study library, with a stand-in renderer folder. */
export async function appHarness(): Promise<AppHarness> {
  const fixture = await libraryWithOneStudy();
  const rendererDir = join(fixture.dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Anomap</title>');
  writeFileSync(join(fixture.dir, 'secret.txt'), 'secret');
  const runner = new JobRunner({ spawnEngine: fakeSpawner().spawn, context });
  const api = createApi({
    library: fixture.library,
    runner,
    door: 'electron',
    modelsDir: '/models',
    version: '0.0.1',
    urls: {
      image: (h) => `app://anomap/api/images/${h}`,
      pixels: (h) => `app://anomap/api/images/${h}/pixels`,
      exportFile: (f) => f,
    },
    probeBackend: async () => ({
      name: 'cpu',
      package: 'x',
      reason: 'x',
      threads: 1,
      libraryVersion: 'x',
    }),
  });
  return {
    api,
    fixture,
    rendererDir,
    async close() {
      await runner.close();
      fixture.cleanup();
    },
  };
}
