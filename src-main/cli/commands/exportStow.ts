import { stowRun as stowRunResults, type Library } from '../../library/index.ts';
import { dicomwebEndpoint } from '../dicomweb.ts';

/**
 * `anomap export --run ID --dicom --stow URL`: the library's stowRun (the app's Send to PACS
 * runs the same) with the credentials of the environment or a prompt, each study's outcome on
 * stdout as it is sent. With --out the objects stay there too.
 */
export async function stowRun(
  library: Library,
  runId: number,
  url: string,
  options: { out?: string; user?: string; timeout?: number },
  stdout: NodeJS.WritableStream,
): Promise<{ stored: number; failed: string[] }> {
  const endpoint = await dicomwebEndpoint(url, options);
  return stowRunResults(library, runId, endpoint, {
    out: options.out,
    onNote: (line) => stdout.write(`${line}\n`),
  });
}
