/**
 * The passwords and tokens of saved PACS endpoints for this session: in this process's memory
 * only. Nothing here is written, logged or sent anywhere but to the endpoint's own server (and,
 * for a pull or a send, to the engine process running that job).
 */
import {
  ApiError,
  type DicomwebAuth,
  type DicomwebConnection,
  type PacsEndpoint,
} from '../../contract/index.ts';

export class SessionSecrets {
  private readonly secrets = new Map<string, string>();

  set(endpointId: string, secret: string | null): void {
    if (secret === null) this.secrets.delete(endpointId);
    else this.secrets.set(endpointId, secret);
  }

  has(endpointId: string): boolean {
    return this.secrets.has(endpointId);
  }

  /** How to ask the endpoint's server, or null while its password or token is not given. */
  auth(endpoint: PacsEndpoint): DicomwebAuth | null {
    if (endpoint.authKind === 'none') return { kind: 'none' };
    const secret = this.secrets.get(endpoint.id);
    if (secret === undefined) return null;
    if (endpoint.authKind === 'bearer') return { kind: 'bearer', token: secret };
    return { kind: 'basic', user: endpoint.user ?? '', password: secret };
  }

  /** The endpoint with its credentials; refused (conflict) while the secret is not given. */
  connection(endpoint: PacsEndpoint): DicomwebConnection {
    const auth = this.auth(endpoint);
    if (!auth)
      throw new ApiError(
        'conflict',
        `enter the ${endpoint.authKind === 'bearer' ? 'token' : 'password'} of "${endpoint.name}" in Settings first (it is asked once per session and never saved)`,
      );
    return { url: endpoint.url, auth, timeoutSeconds: endpoint.timeoutSeconds };
  }
}
