/** Where a command writes: the process's streams, or a test's. */
export interface CommandStreams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
}
