/**
 * `anomap import-results --library DIR OUT...`: merges the output folders of a cohort's shards
 * (`anomap reconstruct --manifest ... --shard I/N --out OUT`) into a library, each cohort run as
 * one library run. Exits 0 when every run is in the library (imported now or before), 2 when a
 * run is incomplete or its images are not in the library (nothing of that run is imported).
 */
import type { Command } from 'commander';
import { importResults, type MergeReport } from '../../jobs/cohort/importResults.ts';
import { Library, defaultLibraryDir } from '../../library/index.ts';
import { cancelOnInterrupt, progressBar } from '../progressBar.ts';

export function registerImportResultsCommand(program: Command): void {
  program
    .command('import-results')
    .description(
      'merge the output folders of cohort shards (reconstruct --shard) into a library, once',
    )
    .argument('<outs...>', 'output folders of `anomap reconstruct --manifest|--library ... --out`')
    .option('--library <dir>', 'library folder', defaultLibraryDir())
    .option('--json', 'print the report as JSON')
    .action(async (outs: string[], o: { library: string; json?: boolean }) => {
      const library = Library.open(o.library);
      const controller = cancelOnInterrupt();
      let reports: MergeReport[];
      try {
        reports = await importResults(
          library,
          outs,
          { signal: controller.signal, onProgress: progressBar() },
          (line) => process.stderr.write(`${line}\n`),
        );
      } finally {
        library.close();
      }
      if (o.json) process.stdout.write(JSON.stringify(reports, null, 2) + '\n');
      else for (const report of reports) process.stdout.write(describe(report) + '\n');
      if (reports.some((r) => r.status === 'incomplete' || r.status === 'images-missing'))
        process.exitCode = 2;
    });
}

function describe(r: MergeReport): string {
  const head = `cohort run ${r.cohortRun} (${r.source}, ${r.total} slices)`;
  switch (r.status) {
    case 'imported':
      return `${head}: ${r.added} results stored as library run ${r.libraryRunId}`;
    case 'already-imported':
      return `${head}: already in the library as run ${r.libraryRunId}; nothing stored`;
    case 'images-missing':
      return (
        `${head}: NOT imported: ${r.missingImageCount} result(s) have no image in the library ` +
        `(e.g. ${r.missingImages.join(', ')}); import the images first (anomap import --library DIR MANIFEST)`
      );
    case 'incomplete':
      return [
        `${head}: NOT imported: incomplete shards (rerun them; completed slices are skipped):`,
        ...r.missingShards.map(
          (s) => `  shard ${s.shard}: ${s.missing} of ${s.of} slices missing (${s.lastStatus})`,
        ),
      ].join('\n');
  }
}
