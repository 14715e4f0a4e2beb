/**
 * Electron's contextBridge copies only an Error's message, so the preload puts the ApiError's
 * body in the message after this prefix, and `asApiError` turns it back into an ApiError.
 */
import { ApiError, ApiErrorBodySchema } from './errors.ts';

export const BRIDGE_ERROR_PREFIX = 'anomap-api-error:';

export function encodeBridgeError(body: unknown): string {
  return `${BRIDGE_ERROR_PREFIX}${JSON.stringify(body)}`;
}

/** Any error a client threw, as an ApiError (the one shape the renderer handles). */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const at = message.indexOf(BRIDGE_ERROR_PREFIX);
  if (at >= 0) {
    try {
      const body = ApiErrorBodySchema.parse(
        JSON.parse(message.slice(at + BRIDGE_ERROR_PREFIX.length)),
      );
      return ApiError.fromBody(body);
    } catch {
      // fall through: not one of ours after all
    }
  }
  return new ApiError('internal', message);
}
