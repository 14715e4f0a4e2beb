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
