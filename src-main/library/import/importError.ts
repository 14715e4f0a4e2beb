import { readFile } from 'node:fs/promises';

/** A file that could not be imported, and why, in words a user can act on. */
export class ImportError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'ImportError';
  }
}

export function reasonOf(error: unknown): string {
  if (error instanceof ImportError) return error.reason;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The first line of what a library threw (sharp repeats libvips lines; dicom-parser throws objects). */
export function errorText(error: unknown): string {
  let text: string;
  if (error instanceof Error) text = error.message;
  else if (typeof error === 'object' && error !== null && 'exception' in error)
    text = String(error.exception);
  else text = String(error);
  return text.split('\n')[0].trim().replace(/:$/, '');
}

/** Reads a whole file, or fails with an ImportError naming it and the OS error code. */
export async function readFileForImport(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ImportError(path, `cannot read the file: ${code ?? errorText(error)}`);
  }
}
