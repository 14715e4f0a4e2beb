export { createApi } from './api.ts';
export type { Api } from './api.ts';
export type { ApiDeps, DoorUrls } from './deps.ts';
export { toApiError } from './errors.ts';
export { readImagePng, readImagePixels, readExportFile, exportsDir } from './files.ts';
export { openAnomap, packageRoot } from './open.ts';
export type { OpenAnomapOptions, Anomap } from './open.ts';
export { contentSecurityPolicy } from './csp.ts';
