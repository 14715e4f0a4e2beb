/**
 * Browser mode: the api over HTTP and WebSocket on 127.0.0.1 only, behind a per-launch token,
 * with the built renderer served beside it. How Anomap runs where Electron cannot.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { ApiError, MAX_BODY_BYTES, routes } from '../contract/index.ts';
import type { Api } from '../api/index.ts';
import {
  contentSecurityPolicy,
  readExportFile,
  readImagePixels,
  readImagePng,
  toApiError,
} from '../api/index.ts';
import { readJsonBody } from './body.ts';
import { baseHeaders, sendBytes, sendError, sendJson } from './respond.ts';
import { serveSocket } from './socket.ts';
import { contentTypeOf, lookupStatic, readStatic } from '../api/index.ts';
import { createToken, requestToken, tokenCookieName, tokensMatch } from './token.ts';
import { decodePathSegment, parseTarget } from './target.ts';

/** Browser mode never listens anywhere else: other machines must not reach the library. */
export const HOST = '127.0.0.1';

export interface ServerOptions {
  api: Api;
  /** 0 picks a free port. */
  port?: number;
  /** The built renderer (vite's output). */
  rendererDir: string;
  /** Normally made here, per launch; tests may pass one. */
  token?: string;
}

export interface RunningServer {
  port: number;
  token: string;
  origin: string;
  /** The address to open: origin + `/?token=...`. */
  url: string;
  close(): Promise<void>;
}

const IMAGE_ROUTE = /^\/api\/images\/([^/]+)(\/pixels)?$/;
const CALL_ROUTE = /^\/api\/call\/([^/]+)$/;
const EXPORT_ROUTE = /^\/api\/exports\/([^/]+)$/;

/** What every request of one launch is checked and answered with; port and headers once listening. */
interface Launch {
  api: Api;
  token: string;
  rendererDir: string;
  port: number;
  headers: Record<string, string>;
}

const allowedHosts = ({ port }: Launch) => [`${HOST}:${port}`, `localhost:${port}`];

/** Same host (no DNS rebinding), same origin if a browser says one, and the token. */
function admitted(launch: Launch, request: IncomingMessage, url: URL): ApiError | null {
  if (!allowedHosts(launch).includes(request.headers.host ?? ''))
    return new ApiError('unauthorized', 'wrong host');
  const origin = request.headers.origin;
  if (origin !== undefined && !allowedHosts(launch).some((host) => origin === `http://${host}`))
    return new ApiError('unauthorized', 'wrong origin');
  if (!tokensMatch(requestToken(request, url, launch.port), launch.token)) {
    return new ApiError(
      'unauthorized',
      'a valid token is required (open the address Anomap printed)',
    );
  }
  return null;
}

async function handleApi(
  { api, headers }: Launch,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
): Promise<void> {
  const method = request.method ?? 'GET';
  if (path === routes.health && method === 'GET') {
    return sendJson(response, headers, 200, await api.call('health', {}));
  }
  const call = CALL_ROUTE.exec(path);
  if (call && method === 'POST') {
    const params = await readJsonBody(request, MAX_BODY_BYTES);
    return sendJson(response, headers, 200, await api.call(decodePathSegment(call[1]), params));
  }
  const image = IMAGE_ROUTE.exec(path);
  if (image && method === 'GET') {
    const { library } = api.deps;
    if (image[2])
      return sendBytes(
        response,
        headers,
        200,
        'application/octet-stream',
        await readImagePixels(library, image[1]),
      );
    return sendBytes(response, headers, 200, 'image/png', readImagePng(library, image[1]));
  }
  const exported = EXPORT_ROUTE.exec(path);
  if (exported && method === 'GET') {
    const name = decodePathSegment(exported[1]);
    const body = readExportFile(api.deps.library, name);
    response.setHeader('content-disposition', `attachment; filename="${name}"`);
    return sendBytes(response, headers, 200, contentTypeOf(name), body);
  }
  throw new ApiError('not-found', `no route ${method} ${path.slice(0, 100)}`);
}

function handleStatic(
  launch: Launch,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): void {
  if (request.method !== 'GET' && request.method !== 'HEAD')
    throw new ApiError('not-found', 'no such route');
  const found = lookupStatic(launch.rendererDir, url.pathname);
  if (found.kind === 'refused') throw new ApiError('bad-request', 'path refused');
  if (found.kind === 'missing')
    throw new ApiError('not-found', `no file ${url.pathname.slice(0, 100)}`);
  if (url.searchParams.has('token')) {
    // The page itself came with the token; its scripts, images and socket carry it by cookie.
    response.setHeader(
      'set-cookie',
      `${tokenCookieName(launch.port)}=${launch.token}; HttpOnly; SameSite=Strict; Path=/`,
    );
  }
  sendBytes(response, launch.headers, 200, contentTypeOf(found.path), readStatic(found.path));
}

function handleRequest(launch: Launch, request: IncomingMessage, response: ServerResponse): void {
  const { headers } = launch;
  const url = parseTarget(request.url, `http://${HOST}:${launch.port}`);
  if (!url) {
    response.setHeader('connection', 'close');
    return sendError(response, headers, new ApiError('bad-request', 'not a request target'));
  }
  const refusal = admitted(launch, request, url);
  if (refusal) return sendError(response, headers, refusal);
  const work = url.pathname.startsWith('/api/')
    ? handleApi(launch, request, response, url.pathname)
    : Promise.resolve().then(() => handleStatic(launch, request, response, url));
  work.catch((error: unknown) => {
    const apiError = toApiError(error);
    // A refused oversized body: answer, then stop reading the rest of it.
    if (apiError.code === 'too-large') response.setHeader('connection', 'close');
    sendError(response, headers, apiError);
  });
}

/** Hands an admitted request for the event socket to `sockets`; refuses any other upgrade. */
function handleUpgrade(
  launch: Launch,
  sockets: WebSocketServer,
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void {
  // Node hands the raw socket over without an error listener: a peer that resets it before
  // the handshake ends must not take the server down.
  socket.on('error', () => socket.destroy());
  const url = parseTarget(request.url, `http://${HOST}:${launch.port}`);
  if (!url) {
    socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    return;
  }
  if (url.pathname !== routes.socket || admitted(launch, request, url)) {
    socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\n\r\n');
    return;
  }
  sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, request));
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const launch: Launch = {
    api: options.api,
    token: options.token ?? createToken(),
    rendererDir: options.rendererDir,
    port: 0,
    headers: {},
  };
  const server = createServer((request, response) => handleRequest(launch, request, response));
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES });
  sockets.on('connection', (socket) => serveSocket(socket, launch.api));
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
    handleUpgrade(launch, sockets, request, socket, head),
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  launch.port = port;
  launch.headers = baseHeaders(
    contentSecurityPolicy([`ws://${HOST}:${port}`, `ws://localhost:${port}`]),
  );
  const origin = `http://${HOST}:${port}`;

  return {
    port,
    token: launch.token,
    origin,
    url: `${origin}/?token=${launch.token}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
