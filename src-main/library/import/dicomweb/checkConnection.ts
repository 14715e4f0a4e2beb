import { reasonOf } from '../../../files/importError.ts';
import type { DicomwebEndpoint } from './endpoint.ts';
import { dicomwebRequest } from './http.ts';
import { dicomJsonList } from './dicomJson.ts';

export interface ConnectionCheck {
  ok: boolean;
  /** What the server said, in plain words. */
  message: string;
}

/**
 * Settings' "Check connection": one small search (QIDO-RS, one study) with the endpoint's
 * credentials, answered in words: it works, or why not (refused credentials, unreachable, not a
 * DICOMweb root, garbage). Never throws, never shows a credential.
 */
export async function checkConnection(
  endpoint: DicomwebEndpoint,
  signal?: AbortSignal,
): Promise<ConnectionCheck> {
  try {
    const response = await dicomwebRequest(endpoint, {
      path: '/studies?limit=1',
      accept: 'application/dicom+json',
      maxBytes: 1024 * 1024,
      signal,
    });
    dicomJsonList(response.body, `GET ${endpoint.url}/studies`);
    const auth =
      endpoint.auth.kind === 'none'
        ? 'without credentials'
        : `with ${endpoint.auth.kind} credentials`;
    return { ok: true, message: `connected to ${endpoint.url} ${auth}: it answers study searches` };
  } catch (error) {
    return { ok: false, message: reasonOf(error) };
  }
}
