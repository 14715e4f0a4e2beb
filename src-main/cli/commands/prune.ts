import type { Command } from 'commander';
import { Library, defaultLibraryDir } from '../../library/index.ts';
import { number } from '../options.ts';

/**
 * `anomap prune [--library DIR] [--min-age-minutes N]`: removes image files of the store that
 * no row of the library refers to (left by a killed import or a removed run).
 */
export function registerPruneCommand(program: Command): void {
  program
    .command('prune')
    .description("remove the store's image files that nothing in the library refers to")
    .option('--library <dir>', 'library folder', defaultLibraryDir())
    .option(
      '--min-age-minutes <n>',
      'leave younger files alone (another process may be writing)',
      number,
      60,
    )
    .action((o: { library: string; minAgeMinutes: number }) => {
      const library = Library.open(o.library);
      try {
        const report = library.pruneStore({ minAgeMs: o.minAgeMinutes * 60_000 });
        process.stdout.write(
          `removed ${report.removed} unreferenced file(s), ${(report.bytes / 1e6).toFixed(1)} MB; kept ${report.kept}\n`,
        );
      } finally {
        library.close();
      }
    });
}
