/**
 * The PACS part of the method table (methods.ts spreads it in): saved endpoints, the session's
 * secrets, Check connection, study search, and the pull and send jobs.
 */
import { z } from 'zod';
import { RunIdSchema, StudyIdSchema } from './schemas.ts';
import { JobSchema } from './jobs.ts';
import {
  PacsConnectionCheckSchema,
  PacsEndpointIdSchema,
  PacsEndpointStatusSchema,
  PacsSearchSchema,
  PacsStudySchema,
  SavePacsEndpointParamsSchema,
  StudyInstanceUidSchema,
} from './pacs.ts';

const endpointRef = { endpointId: PacsEndpointIdSchema };

export const pacsMethods = {
  listPacsEndpoints: {
    params: z.object({}).strict(),
    result: z.array(PacsEndpointStatusSchema),
  },
  /** Saves an endpoint without any secret; the URL is checked (http/https, no credentials). */
  savePacsEndpoint: { params: SavePacsEndpointParamsSchema, result: PacsEndpointStatusSchema },
  /** Deletes a saved endpoint and forgets its session secret. */
  deletePacsEndpoint: {
    params: z.object(endpointRef).strict(),
    result: z.object({ deleted: z.literal(true) }),
  },
  /**
   * The password (basic) or token (bearer) of an endpoint for this session: kept in the main
   * process's memory only, never written. null forgets it.
   */
  setPacsSecret: {
    params: z.object({ ...endpointRef, secret: z.string().min(1).max(4096).nullable() }).strict(),
    result: PacsEndpointStatusSchema,
  },
  /** One small search with the endpoint's credentials; says what the server said. */
  checkPacsConnection: {
    params: z.object(endpointRef).strict(),
    result: PacsConnectionCheckSchema,
  },
  /** Searches the endpoint's studies (QIDO-RS); more than 500 matches asks for a narrower one. */
  searchPacs: {
    params: z.object({ ...endpointRef, search: PacsSearchSchema }).strict(),
    result: z.array(PacsStudySchema),
  },
  /** Pulls the picked studies into the library, as a job ('pacs-pull'). */
  startPacsPull: {
    params: z
      .object({
        ...endpointRef,
        studyUids: z.array(StudyInstanceUidSchema).min(1).max(100),
        modality: z
          .string()
          .regex(/^[A-Z]{1,16}$/)
          .optional(),
      })
      .strict(),
    result: JobSchema,
  },
  /** Sends a run's results (SC + SEG + PMAP) into their source studies, as a job ('pacs-send'). */
  startPacsSend: {
    params: z
      .object({
        ...endpointRef,
        runId: RunIdSchema,
        studyIds: z.array(StudyIdSchema).min(1).max(100_000).optional(),
      })
      .strict(),
    result: JobSchema,
  },
} as const;
