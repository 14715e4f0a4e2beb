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
