import type { DicomwebConnection } from '../../contract/index.ts';

/**
 * The server and credentials of a PACS job: handed over by the runner, in memory only. A job
 * queued before the app restarted has none: the secret was not kept, so it is started again.
 */
export function pacsConnection(
  spec: { endpointName: string },
  connection: DicomwebConnection | undefined,
): DicomwebConnection {
  if (!connection)
    throw new Error(
      `the connection to ${spec.endpointName} is kept for one session only and this job has none (was Anomap restarted?): start it again`,
    );
  return connection;
}
