/**
 * Turns whatever a handler threw into the contract's ApiError, so a door always answers with
 * a code and a sentence, never a stack trace or a crash.
 */
import { ApiError } from '../contract/index.ts';

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof Error) {
    if (/does not exist|is missing/.test(error.message))
      return new ApiError('not-found', error.message);
    // The library throws plain Errors for requests it refuses (a box outside the image, an
    // unknown finding); anything else (TypeError, SqliteError) is our fault, not the caller's.
    if (error.constructor === Error) return new ApiError('conflict', error.message);
    return new ApiError('internal', `internal error: ${error.message}`);
  }
  return new ApiError('internal', `internal error: ${String(error)}`);
}
