import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApi } from '../../src-main/api/index.ts';
import { JobRunner, forkEngine } from '../../src-main/jobs/index.ts';
import type { SpawnEngine } from '../../src-main/jobs/index.ts';
import { serverUrls, startServer } from '../../src-main/server/index.ts';
import type { RunningServer } from '../../src-main/server/index.ts';
import { libraryWithOneStudy } from '../api/fixtures.ts';
import type { LibraryFixture } from '../api/fixtures.ts';
import { context } from '../jobs/helpers.ts';

export interface Harness {
  server: RunningServer;
  fixture: LibraryFixture;
  /** A file beside (not inside) the served renderer folder that must never be served. */
  secretPath: string;
  secret: string;
  close(): Promise<void>;
}

/** Browser mode on a free port over a fresh library, with a tiny renderer folder. */
export async function startHarness(
  spawnEngine: SpawnEngine = forkEngine(),
  options: { diagnostics?: boolean } = {},
): Promise<Harness> {
  const fixture = await libraryWithOneStudy();
  const rendererDir = join(fixture.dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(
    join(rendererDir, 'index.html'),
    '<!doctype html><title>Anomap</title><script src="/assets/app.js"></script>',
  );
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log("anomap")');
  const secret = `secret-${Math.random()}`;
  const secretPath = join(fixture.dir, 'secret.txt');
  writeFileSync(secretPath, secret);
  const runner = new JobRunner({
    spawnEngine,
    context,
    cancelGraceMs: 5_000,
    diagnostics: options.diagnostics,
  });
  const api = createApi({
    library: fixture.library,
    runner,
    door: 'browser',
    modelsDir: '/models',
    version: '1.2.3',
    urls: serverUrls,
    probeBackend: async () => ({
      name: 'cpu',
      package: 'test',
      reason: 'test',
      threads: 1,
      libraryVersion: 'test',
    }),
  });
  const server = await startServer({ api, rendererDir, port: 0 });
  return {
    server,
    fixture,
    secretPath,
    secret,
    async close() {
      await server.close();
      await runner.close();
      fixture.cleanup();
    },
  };
}
