/**
 * The app:// protocol: serves the built renderer and the library's images (by hash) and
 * exports, with the strict CSP on every answer. A plain fetch handler, so it is tested as is.
 */
import { ApiError } from '../contract/index.ts';
import type { Api } from '../api/index.ts';
import {
  contentSecurityPolicy,
  contentTypeOf,
  decodePathSegment,
  lookupStatic,
  readExportFile,
  readImagePixels,
  readImagePng,
  readStatic,
  toApiError,
} from '../api/index.ts';
import { APP_HOST } from './origin.ts';

const IMAGE_ROUTE = /^\/api\/images\/([^/]+)(\/pixels)?$/;
const EXPORT_ROUTE = /^\/api\/exports\/([^/]+)$/;
const STATUS: Record<string, number> = { 'bad-request': 400, 'not-found': 404 };

export interface ProtocolOptions {
  api: Api;
  rendererDir: string;
}

export function createProtocolHandler(
  options: ProtocolOptions,
): (request: Request) => Promise<Response> {
  const headers = {
    'content-security-policy': contentSecurityPolicy(),
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  };
  const answer = (body: Uint8Array, contentType: string) =>
    new Response(new Uint8Array(body), {
      status: 200,
      headers: { ...headers, 'content-type': contentType },
    });

  async function route(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) throw new ApiError('not-found', `unknown host ${url.host}`);
    if (request.method !== 'GET') throw new ApiError('not-found', `no route ${request.method}`);
    const { library } = options.api.deps;
    const image = IMAGE_ROUTE.exec(url.pathname);
    if (image) {
      return image[2]
        ? answer(await readImagePixels(library, image[1]), 'application/octet-stream')
        : answer(readImagePng(library, image[1]), 'image/png');
    }
    const exported = EXPORT_ROUTE.exec(url.pathname);
    if (exported) {
      const name = decodePathSegment(exported[1]);
      return answer(readExportFile(library, name), contentTypeOf(name));
    }
    const found = lookupStatic(options.rendererDir, url.pathname);
    if (found.kind === 'refused') throw new ApiError('bad-request', 'path refused');
    if (found.kind === 'missing')
      throw new ApiError('not-found', `no file ${url.pathname.slice(0, 100)}`);
    return answer(readStatic(found.path), contentTypeOf(found.path));
  }

  return async (request) => {
    try {
      return await route(request);
    } catch (error) {
      const apiError = toApiError(error);
      return new Response(JSON.stringify({ error: apiError.toBody() }), {
        status: STATUS[apiError.code] ?? 500,
        headers: { ...headers, 'content-type': 'application/json' },
      });
    }
  };
}
