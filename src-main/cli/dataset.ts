/**
 * The dataset of `anomap train` and `anomap evaluate`: a manifest file, or a library whose
 * labelled studies are written as one (as the app's jobs do).
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { jobDataset, trainingSplits } from '../jobs/kinds/dataset.ts';

export function datasetOptions(command: Command): Command {
  return command
    .option('--manifest <csv>', 'dataset manifest (brain-mid manifest.csv format)')
    .option(
      '--library <dir>',
      "use this library's labelled studies instead of a manifest (written as one under DIR/datasets)",
    );
}

/** The manifest to read; for a library, written now from its labels. */
export async function manifestOf(
  o: { manifest?: string; library?: string },
  use: 'train' | 'evaluate',
): Promise<string> {
  if ((o.manifest === undefined) === (o.library === undefined))
    throw new Error('give the data as --manifest CSV or as --library DIR (one of them)');
  if (o.manifest !== undefined) return o.manifest;
  const dataset = await jobDataset(
    resolve(o.library!),
    undefined,
    `cli-${use}`,
    use === 'train' ? { splitOf: trainingSplits } : {},
  );
  process.stderr.write(`the library's labels, written as ${dataset.manifestPath}\n`);
  return dataset.manifestPath;
}
