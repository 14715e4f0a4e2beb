/**
 * Messages on the WebSocket (browser mode) and the IPC bridge (Electron): a request, its
 * response, and pushed events.
 */
import { z } from 'zod';
import { ApiErrorBodySchema } from './errors.ts';

export const RequestMessageSchema = z.object({
  type: z.literal('request'),
  id: z.number().int().nonnegative(),
  method: z.string().max(64),
  params: z.unknown(),
});
export type RequestMessage = z.infer<typeof RequestMessageSchema>;

export const ResponseMessageSchema = z.discriminatedUnion('ok', [
  z.object({
    type: z.literal('response'),
    id: z.number().int(),
    ok: z.literal(true),
    result: z.unknown(),
  }),
  z.object({
    type: z.literal('response'),
    id: z.number().int(),
    ok: z.literal(false),
    error: ApiErrorBodySchema,
  }),
]);
export type ResponseMessage = z.infer<typeof ResponseMessageSchema>;

export const EventMessageSchema = z.object({
  type: z.literal('event'),
  event: z.string(),
  payload: z.unknown(),
});
export type EventMessage = z.infer<typeof EventMessageSchema>;

export const ServerMessageSchema = z.union([ResponseMessageSchema, EventMessageSchema]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

/** Paths of browser mode (server) and of the app:// protocol (Electron); same layout in both. */
export const routes = {
  health: '/api/health',
  /** POST with the params as the JSON body. */
  method: (name: string) => `/api/call/${name}`,
  socket: '/api/socket',
  /** A stored image's PNG, by its hash (slices, masks, reconstructions, anomaly maps). */
  image: (hash: string) => `/api/images/${hash}`,
  /** Its raw pixels at full bit depth (pixels.ts). */
  pixels: (hash: string) => `/api/images/${hash}/pixels`,
  export: (fileName: string) => `/api/exports/${encodeURIComponent(fileName)}`,
} as const;

/** Header that carries the per-launch token (browser mode); `?token=` works too, for <img>. */
export const TOKEN_HEADER = 'x-anomap-token';
/** The largest request body browser mode accepts. */
export const MAX_BODY_BYTES = 1024 * 1024;
