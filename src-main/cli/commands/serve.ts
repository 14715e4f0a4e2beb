/**
 * `anomap serve`: browser mode. Opens the library, starts the api on 127.0.0.1 with a fresh
 * token and prints the address to open.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { openAnomap, packageRoot } from '../../api/index.ts';
import { forkEngine } from '../../jobs/index.ts';
import { defaultLibraryDir } from '../../library/index.ts';
import { serverUrls, startServer } from '../../server/index.ts';
import { integer } from '../options.ts';

export interface ServeOptions {
  port: number;
  library?: string;
  models?: string;
  renderer?: string;
  /** Runs diagnostic jobs: no command-line flag sets it, only an end-to-end test's own program. */
  diagnostics?: boolean;
}

export function registerServeCommand(
  program: Command,
  fixed: Pick<ServeOptions, 'diagnostics'> = {},
): void {
  program
    .command('serve')
    .description(
      'browser mode: serve the app on 127.0.0.1 with a per-launch token and print the address',
    )
    .option('--port <n>', 'port (0 picks a free one)', integer, 8470)
    .option('--library <dir>', 'library folder (default: the user-data folder, or ANOMAP_LIBRARY)')
    .option('--models <dir>', 'folder of the shipped models (default: models/ of the app)')
    .option('--renderer <dir>', 'built renderer (default: dist/renderer of the app)')
    .action(async (options: ServeOptions) => {
      await serve({ ...options, ...fixed });
    });
}

export async function serve(options: ServeOptions): Promise<void> {
  if (options.port < 0 || options.port > 65_535)
    throw new Error(`--port must be 0..65535, got ${options.port}`);
  const rendererDir = options.renderer ?? join(packageRoot(), 'dist', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    process.stderr.write(
      `anomap: no built renderer in ${rendererDir}; run \`npm run build:renderer\` (the api still runs)\n`,
    );
  }
  const anomap = openAnomap({
    libraryDir: options.library ?? defaultLibraryDir(),
    modelsDir: options.models,
    door: 'browser',
    spawnEngine: forkEngine(),
    urls: serverUrls,
    diagnostics: options.diagnostics,
  });
  const server = await startServer({ api: anomap.api, port: options.port, rendererDir });
  process.stdout.write(
    `Anomap (browser mode), library ${anomap.library.dir}\nOpen ${server.url}\n`,
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    await anomap.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
