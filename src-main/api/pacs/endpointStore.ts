/**
 * Saved PACS endpoints: one JSON file beside the library's database (`pacs-endpoints.json`),
 * written whole and renamed into place. It holds names, URLs, auth kinds and basic users;
 * never a password or a token (their shape has no field for one). Files saved before the AE title
 * was dropped (DICOMweb has no use for it: a server that needs one has it in its URL) still load,
 * without it.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ApiError, PacsEndpointSchema, type PacsEndpoint } from '../../contract/index.ts';

const StoredEndpointsSchema = z.object({
  version: z.literal(1),
  endpoints: z
    .array(
      PacsEndpointSchema.extend({ aeTitle: z.string().max(16).nullable().optional() })
        .strict()
        .transform(({ aeTitle: _dropped, ...endpoint }) => endpoint),
    )
    .max(1000),
});
/** A settings file is small; a bigger one is not ours. */
const maxFileBytes = 1024 * 1024;

export function endpointsFile(libraryDir: string): string {
  return join(libraryDir, 'pacs-endpoints.json');
}

export function loadEndpoints(file: string): PacsEndpoint[] {
  if (!existsSync(file)) return [];
  const bytes = readFileSync(file);
  if (bytes.length > maxFileBytes)
    throw new ApiError('conflict', `${file}: ${bytes.length} bytes, over ${maxFileBytes}`);
  try {
    return StoredEndpointsSchema.parse(JSON.parse(bytes.toString('utf8'))).endpoints;
  } catch (error) {
    const reason = error instanceof z.ZodError ? error.issues[0]?.message : String(error);
    throw new ApiError(
      'conflict',
      `${file} is not a list of PACS endpoints (${reason}): fix or delete it`,
    );
  }
}

export function saveEndpoints(file: string, endpoints: readonly PacsEndpoint[]): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify({ version: 1, endpoints }, null, 2), { mode: 0o600 });
  renameSync(temporary, file);
}
