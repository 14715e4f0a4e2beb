/**
 * The handlers of the PACS methods (contract/pacsMethods.ts): saved endpoints, the session's
 * secrets, Check connection, study search, and the pull and send jobs. The library's DICOMweb
 * code does the talking, the same code the CLI runs.
 */
import { randomUUID } from 'node:crypto';
import {
  ApiError,
  pacsMethods,
  type PacsEndpoint,
  type PacsEndpointStatus,
  type ParsedParamsOf,
  type ResultOf,
} from '../../contract/index.ts';
import { DicomwebError, checkConnection, searchStudies, serviceRoot } from '../../library/index.ts';
import type { ApiDeps } from '../deps.ts';
import { endpointsFile, loadEndpoints, saveEndpoints } from './endpointStore.ts';
import { SessionSecrets } from './sessionSecrets.ts';

type PacsMethodName = keyof typeof pacsMethods;
export type PacsHandlers = {
  [M in PacsMethodName]: (params: ParsedParamsOf<M>) => ResultOf<M> | Promise<ResultOf<M>>;
};

/** Matches at most this many studies per search; more asks for a narrower one. */
export const maxSearchResults = 500;

/** The service root as the app takes it: credentials go in their own fields, never the URL. */
function checkedUrl(given: string): string {
  let parsed: URL | null = null;
  try {
    parsed = new URL(given);
  } catch {
    // serviceRoot says why
  }
  if (parsed && (parsed.username || parsed.password))
    throw new ApiError(
      'bad-request',
      'the URL holds a user or password: give the user in its field and the password when asked, never in the URL',
    );
  try {
    return serviceRoot(given);
  } catch (error) {
    throw new ApiError('bad-request', (error as Error).message);
  }
}

/** A DICOMweb failure (refused credentials, server down, garbage) is said as it is. */
function dicomwebFailure(error: unknown): unknown {
  if (!(error instanceof DicomwebError)) return error;
  if (/^the search matches more than/.test(error.message))
    return new ApiError(
      'conflict',
      `the search matches more than ${maxSearchResults} studies: narrow it (patient ID, study UID, modality, since)`,
    );
  return new ApiError('conflict', error.message);
}

export function createPacsHandlers({ library, runner }: ApiDeps): PacsHandlers {
  const file = endpointsFile(library.dir);
  const secrets = new SessionSecrets();
  const status = (endpoint: PacsEndpoint): PacsEndpointStatus => ({
    ...endpoint,
    hasSessionSecret: secrets.has(endpoint.id),
  });
  const find = (endpointId: string): PacsEndpoint => {
    const endpoint = loadEndpoints(file).find((one) => one.id === endpointId);
    if (!endpoint) throw new ApiError('not-found', `no saved PACS endpoint ${endpointId}`);
    return endpoint;
  };

  return {
    listPacsEndpoints: () => loadEndpoints(file).map(status),
    savePacsEndpoint: ({ id, ...fields }) => {
      const endpoints = loadEndpoints(file);
      const index = id === undefined ? -1 : endpoints.findIndex((one) => one.id === id);
      if (id !== undefined && index < 0)
        throw new ApiError('not-found', `no saved PACS endpoint ${id}`);
      const endpoint: PacsEndpoint = {
        id: id ?? randomUUID(),
        ...fields,
        url: checkedUrl(fields.url),
      };
      // A changed server, user or auth kind must not be sent the old secret.
      const previous = endpoints[index];
      if (
        previous &&
        (previous.url !== endpoint.url ||
          previous.user !== endpoint.user ||
          previous.authKind !== endpoint.authKind)
      )
        secrets.set(endpoint.id, null);
      if (index >= 0) endpoints[index] = endpoint;
      else endpoints.push(endpoint);
      saveEndpoints(file, endpoints);
      return status(endpoint);
    },
    deletePacsEndpoint: ({ endpointId }) => {
      const endpoints = loadEndpoints(file);
      if (!endpoints.some((one) => one.id === endpointId))
        throw new ApiError('not-found', `no saved PACS endpoint ${endpointId}`);
      saveEndpoints(
        file,
        endpoints.filter((one) => one.id !== endpointId),
      );
      secrets.set(endpointId, null);
      return { deleted: true };
    },
    setPacsSecret: ({ endpointId, secret }) => {
      const endpoint = find(endpointId);
      if (endpoint.authKind === 'none' && secret !== null)
        throw new ApiError('bad-request', `"${endpoint.name}" is reached without credentials`);
      secrets.set(endpointId, secret);
      return status(endpoint);
    },
    checkPacsConnection: async ({ endpointId }) => {
      const endpoint = find(endpointId);
      const auth = secrets.auth(endpoint);
      if (!auth)
        return {
          ok: false,
          message: `no ${endpoint.authKind === 'bearer' ? 'token' : 'password'} given in this session: enter it first`,
        };
      return checkConnection({ url: endpoint.url, auth, timeoutSeconds: endpoint.timeoutSeconds });
    },
    searchPacs: async ({ endpointId, search }) => {
      const connection = secrets.connection(find(endpointId));
      try {
        return await searchStudies(
          connection,
          {
            studyUids: search.studyUid ? [search.studyUid] : undefined,
            patientId: search.patientId,
            modality: search.modality,
            since: search.since?.replaceAll('-', ''),
          },
          { maxResults: maxSearchResults, pageSize: 100 },
        );
      } catch (error) {
        throw dicomwebFailure(error);
      }
    },
    startPacsPull: ({ endpointId, studyUids, modality }) => {
      const endpoint = find(endpointId);
      const connection = secrets.connection(endpoint);
      const spec = {
        kind: 'pacs-pull' as const,
        endpointId,
        endpointName: endpoint.name,
        studyUids: [...new Set(studyUids)],
        modality,
      };
      return runner.start(spec, 'high', connection);
    },
    startPacsSend: ({ endpointId, runId, studyIds }) => {
      const endpoint = find(endpointId);
      const connection = secrets.connection(endpoint);
      const inRun = new Set(library.listResults(runId).map((result) => result.studyId));
      if (inRun.size === 0) throw new ApiError('not-found', `run ${runId} has no results`);
      const without = (studyIds ?? []).filter((id) => !inRun.has(id));
      if (without.length > 0)
        throw new ApiError(
          'not-found',
          `run ${runId} has no results for study ${without.join(', ')}`,
        );
      const spec = {
        kind: 'pacs-send' as const,
        endpointId,
        endpointName: endpoint.name,
        runId,
        studyIds,
      };
      return runner.start(spec, 'normal', connection);
    },
  };
}
