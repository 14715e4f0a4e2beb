/**
 * What the handlers stand on: the open library, the job runner, and what the door tells them.
 */
import type { Library } from '../library/index.ts';
import type { JobRunner, BackendReportMessage } from '../jobs/index.ts';

/** Addresses the door serves stored images and exports at (server routes or app://). */
export interface DoorUrls {
  image(hash: string): string;
  pixels(hash: string): string;
  exportFile(fileName: string): string;
}

export interface ApiDeps {
  library: Library;
  runner: JobRunner;
  door: 'electron' | 'browser';
  modelsDir: string;
  version: string;
  urls: DoorUrls;
  probeBackend: () => Promise<BackendReportMessage>;
}
