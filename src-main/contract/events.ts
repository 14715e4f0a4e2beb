/**
 * Events the api pushes to every door: job progress and ends, and changes of the library.
 */
import { z } from 'zod';
import { JobSchema, JobKindSchema } from './jobs.ts';
import { JobIdSchema, StudyIdSchema } from './schemas.ts';

export const events = {
  'job.progress': z.object({
    jobId: JobIdSchema,
    kind: JobKindSchema,
    phase: z.string(),
    done: z.number().nonnegative(),
    total: z.number().nonnegative(),
    etaSeconds: z.number().nonnegative().nullable(),
    /** Live figures of the latest step, e.g. { step, loss } while training (loss curves). */
    metrics: z.record(z.string(), z.number()).optional(),
  }),
  'job.queued': z.object({ job: JobSchema }),
  'job.started': z.object({ job: JobSchema }),
  'job.finished': z.object({ job: JobSchema }),
  'job.failed': z.object({ job: JobSchema, error: z.string() }),
  'job.cancelled': z.object({ job: JobSchema }),
  /** Something in the library changed; the renderer reloads what it shows. */
  'library.changed': z.object({
    reason: z.enum(['import', 'label', 'annotation', 'results', 'run']),
    studyIds: z.array(StudyIdSchema).optional(),
  }),
} as const;

export type EventName = keyof typeof events;
export type EventOf<E extends EventName> = z.output<(typeof events)[E]>;
export const eventNames = Object.keys(events) as EventName[];

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}
