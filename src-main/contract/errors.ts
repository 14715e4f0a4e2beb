/**
 * The one error shape a door ever sees: a code it can switch on and a sentence for a person.
 */
import { z } from 'zod';

export const ApiErrorCodeSchema = z.enum([
  /** The params did not match the method's schema; `issues` says where. */
  'bad-request',
  'unknown-method',
  'not-found',
  /** The request is well formed but cannot be done now (e.g. no trained model). */
  'conflict',
  'unauthorized',
  'too-large',
  'internal',
]);
export type ApiErrorCode = z.infer<typeof ApiErrorCodeSchema>;

export const ApiErrorBodySchema = z.object({
  code: ApiErrorCodeSchema,
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBodySchema>;

/** Thrown by handlers and rethrown by clients, so callers can `catch (e) { if (e instanceof ApiError) }`. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly issues: ApiErrorBody['issues'];

  constructor(code: ApiErrorCode, message: string, issues?: ApiErrorBody['issues']) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.issues = issues;
  }

  toBody(): ApiErrorBody {
    return this.issues
      ? { code: this.code, message: this.message, issues: this.issues }
      : { code: this.code, message: this.message };
  }

  static fromBody(body: ApiErrorBody): ApiError {
    return new ApiError(body.code, body.message, body.issues);
  }
}

/** Turns a zod failure into a bad-request error that names each wrong field. */
export function badRequest(what: string, error: z.ZodError): ApiError {
  const issues = error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
  const first = issues[0];
  const detail = first ? `: ${first.path}: ${first.message}` : '';
  return new ApiError('bad-request', `invalid ${what}${detail}`, issues);
}
