import type {
  DicomwebAuth as ContractDicomwebAuth,
  DicomwebConnection,
} from '../../../contract/index.ts';
import { printable } from '../../../files/importError.ts';

/** How a DICOMweb server is asked (the contract's shape): never stored with studies, results, logs or exports. */
export type DicomwebAuth = ContractDicomwebAuth;
export type DicomwebEndpoint = DicomwebConnection;

/** A DICOMweb failure in words a reader can act on; never carries a credential. */
export class DicomwebError extends Error {
  constructor(
    message: string,
    /** The HTTP status when the server answered, else null (unreachable, timeout, refused). */
    readonly status: number | null = null,
  ) {
    super(printable(message));
    this.name = 'DicomwebError';
  }
}

/**
 * The service root as given, checked: http or https, no user or password in it (they would end
 * up in shell history, logs and the library's paths: they come from the environment, a prompt
 * or the settings), no query or fragment. Answers the root without a trailing slash.
 */
export function serviceRoot(given: string): string {
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new DicomwebError(`"${given}" is not a URL (e.g. http://127.0.0.1:8042/dicom-web)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new DicomwebError(`a DICOMweb URL is http or https, not ${url.protocol}`);
  if (url.username || url.password)
    throw new DicomwebError(
      'the DICOMweb URL holds a user or password: give them with --user and the ANOMAP_DICOMWEB_PASSWORD environment variable (or the prompt), never in the URL',
    );
  if (url.search || url.hash)
    throw new DicomwebError('the DICOMweb URL must not have a query (?...) or fragment (#...)');
  return url.href.replace(/\/+$/, '');
}

/** The Authorization header for an endpoint, or none. */
export function authorization(auth: DicomwebAuth): string | null {
  if (auth.kind === 'basic')
    return `Basic ${Buffer.from(`${auth.user}:${auth.password}`, 'utf8').toString('base64')}`;
  if (auth.kind === 'bearer') return `Bearer ${auth.token}`;
  return null;
}
