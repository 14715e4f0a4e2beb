import { readFileForImport, reasonOf } from '../files/importError.ts';

/** Largest manifest or preset read (a manifest lists every tensor: a few hundred kB). */
const MAX_JSON_BYTES = 16 * 1024 * 1024;

/**
 * A file of a models folder, read as the import reads files: a regular file only (a link to
 * /dev/zero or a FIFO is refused at once), no larger than `maxBytes`. The error gives the
 * reason only; callers name the file and what it is.
 */
export async function readModelFile(path: string, maxBytes = MAX_JSON_BYTES): Promise<Buffer> {
  try {
    return await readFileForImport(path, { maxBytes });
  } catch (error) {
    throw new Error(reasonOf(error), { cause: error });
  }
}
