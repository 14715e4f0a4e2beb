export { startServer, HOST } from './server.ts';
export type { ServerOptions, RunningServer } from './server.ts';
export { createToken, tokensMatch } from './token.ts';
export { lookupStatic } from '../api/index.ts';
export { serverUrls } from './urls.ts';
