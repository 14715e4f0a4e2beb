/**
 * The dataset a training or evaluation job reads: a manifest the user named, or the library's
 * own labels written as a manifest (`exportDataset`) inside the library folder.
 */
import { Library, exportDataset } from '../../library/index.ts';
import type { DatasetExportOptions } from '../../library/index.ts';
import { datasetsDir } from '../paths.ts';
import { join } from 'node:path';

export interface JobDataset {
  manifestPath: string;
  fromLibrary: boolean;
}

/** Splits never trained on: they choose the preset and measure the models. */
const HELD_OUT_SPLITS = ['val', 'test'];

/**
 * For training from the library: normal studies train the diffusion model (split `train`),
 * pathological ones the classifier (split `classifier_train`); val and test studies stay out.
 */
export const trainingSplits: DatasetExportOptions['splitOf'] = (study, verdict) =>
  study.split !== null && HELD_OUT_SPLITS.includes(study.split)
    ? null
    : verdict === 'pathological'
      ? 'classifier_train'
      : 'train';

export async function jobDataset(
  libraryDir: string,
  manifestPath: string | undefined,
  folder: string,
  options: DatasetExportOptions = {},
): Promise<JobDataset> {
  if (manifestPath) return { manifestPath, fromLibrary: false };
  const library = Library.open(libraryDir);
  try {
    const written = await exportDataset(library, join(datasetsDir(libraryDir), folder), options);
    if (written.images === 0)
      throw new Error(
        `the library at ${libraryDir} has no study labelled normal or pathological to use`,
      );
    return { manifestPath: written.manifestPath, fromLibrary: true };
  } finally {
    library.close();
  }
}
