/**
 * PACS (DICOMweb) endpoints, searches, pulls and sends. An endpoint is saved without its secret:
 * the password or token is given once per session and kept in the main process's memory only,
 * never in the library, the job list, the logs or an export.
 */
import { z } from 'zod';
import { RunIdSchema, StudyIdSchema } from './schemas.ts';

/** How a DICOMweb server is asked, secret included: in memory and on the wire to a job only. */
export const DicomwebAuthSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('basic'), user: z.string(), password: z.string() }),
  z.object({ kind: z.literal('bearer'), token: z.string() }),
]);

/** A DICOMweb service root with what it takes to talk to it (never stored, never logged). */
export const DicomwebConnectionSchema = z.object({
  /** The service root, e.g. http://127.0.0.1:8042/dicom-web (no credentials, no query). */
  url: z.string().min(1).max(2000),
  auth: DicomwebAuthSchema,
  /** Seconds a request may take, body included (60 by default). */
  timeoutSeconds: z.number().positive().max(3600).optional(),
});

export const PacsAuthKindSchema = z.enum(['none', 'basic', 'bearer']);
export const PacsEndpointIdSchema = z
  .string()
  .regex(/^[a-z0-9-]{1,64}$/, 'an endpoint id is 1 to 64 lower-case letters, digits or dashes');

/** A DICOM StudyInstanceUID: digits and dots, at most 64 characters. */
export const StudyInstanceUidSchema = z
  .string()
  .regex(/^[0-9]+(\.[0-9]+)*$/, 'a StudyInstanceUID is digits and dots')
  .max(64);

/** What is saved of an endpoint: no password, no token. */
const endpointFields = {
  name: z.string().trim().min(1).max(100),
  /** The DICOMweb root, http or https, without user, password, query or fragment. */
  url: z.string().trim().min(1).max(2000),
  authKind: PacsAuthKindSchema,
  /** The user of basic authentication (its password is asked per session). */
  user: z.string().trim().min(1).max(200).nullable().default(null),
  timeoutSeconds: z.number().int().min(1).max(3600).default(60),
};
const userGoesWithBasic = [
  (endpoint: { authKind: string; user: string | null }) =>
    (endpoint.authKind === 'basic') === (endpoint.user !== null),
  { message: 'basic authentication needs a user, and only basic authentication takes one' },
] as const;

export const PacsEndpointSchema = z.object({ id: PacsEndpointIdSchema, ...endpointFields });

/** Saving an endpoint: without an id it is a new one; with one it replaces that endpoint. */
export const SavePacsEndpointParamsSchema = z
  .object({ id: PacsEndpointIdSchema.optional(), ...endpointFields })
  .strict()
  .refine(...userGoesWithBasic);

/** A saved endpoint as the app lists it, with whether this session holds its secret. */
export const PacsEndpointStatusSchema = PacsEndpointSchema.extend({
  /** basic or bearer: the password or token was given in this session (it is not saved). */
  hasSessionSecret: z.boolean(),
});

/** A QIDO-RS study search; every field narrows it. */
export const PacsSearchSchema = z
  .object({
    patientId: z.string().trim().min(1).max(64).optional(),
    studyUid: StudyInstanceUidSchema.optional(),
    modality: z
      .string()
      .regex(/^[A-Z]{1,16}$/, 'a modality is a code such as MR')
      .optional(),
    /** Studies on or after this day, YYYY-MM-DD. */
    since: z.iso.date().optional(),
  })
  .strict();

/** A study the server found. */
export const PacsStudySchema = z.object({
  studyUid: z.string(),
  patientId: z.string(),
  patientName: z.string(),
  studyDate: z.string(),
  description: z.string(),
  modalities: z.array(z.string()),
  /** Number of Study Related Instances, when the server says. */
  instances: z.number().int().nonnegative().nullable(),
});

export const PacsConnectionCheckSchema = z.object({
  ok: z.boolean(),
  /** What the server said, in plain words. */
  message: z.string(),
});

/** Pulls the picked studies (WADO-RS) into the library; started by startPacsPull. */
export const PacsPullJobSpecSchema = z.object({
  kind: z.literal('pacs-pull'),
  endpointId: PacsEndpointIdSchema,
  /** The endpoint's name and root, for the job tray (no credentials). */
  endpointName: z.string().max(100),
  studyUids: z.array(StudyInstanceUidSchema).min(1).max(100),
  /** Only series of this modality are retrieved. */
  modality: z
    .string()
    .regex(/^[A-Z]{1,16}$/)
    .optional(),
});

/** Sends a run's results (SC + SEG + PMAP) into their source studies; started by startPacsSend. */
export const PacsSendJobSpecSchema = z.object({
  kind: z.literal('pacs-send'),
  endpointId: PacsEndpointIdSchema,
  endpointName: z.string().max(100),
  runId: RunIdSchema,
  /** Only these studies of the run; all of them when left out. */
  studyIds: z.array(StudyIdSchema).min(1).max(100_000).optional(),
});

export const PacsPullResultSchema = z.object({
  found: z.number().int().nonnegative(),
  imported: z.number().int().nonnegative(),
  inLibrary: z.number().int().nonnegative(),
  images: z.number().int().nonnegative(),
  failed: z.array(z.object({ path: z.string(), reason: z.string() })),
});

export const PacsSendResultSchema = z.object({
  stored: z.number().int().nonnegative(),
  /** Studies sent, each with the StudyInstanceUID the objects went into. */
  studies: z.array(z.object({ studyId: StudyIdSchema, studyUid: z.string() })),
  /** What was sent with less than asked (Secondary Capture only, and why). */
  notes: z.array(z.string()),
  failed: z.array(z.string()),
});

export type DicomwebAuth = z.infer<typeof DicomwebAuthSchema>;
export type DicomwebConnection = z.infer<typeof DicomwebConnectionSchema>;
export type PacsAuthKind = z.infer<typeof PacsAuthKindSchema>;
export type PacsEndpoint = z.output<typeof PacsEndpointSchema>;
export type PacsEndpointStatus = z.output<typeof PacsEndpointStatusSchema>;
export type SavePacsEndpointParams = z.output<typeof SavePacsEndpointParamsSchema>;
export type PacsSearch = z.output<typeof PacsSearchSchema>;
export type PacsStudy = z.infer<typeof PacsStudySchema>;
export type PacsConnectionCheck = z.infer<typeof PacsConnectionCheckSchema>;
export type PacsPullJobSpec = z.output<typeof PacsPullJobSpecSchema>;
export type PacsSendJobSpec = z.output<typeof PacsSendJobSpecSchema>;
export type PacsPullResult = z.infer<typeof PacsPullResultSchema>;
export type PacsSendResult = z.infer<typeof PacsSendResultSchema>;
