import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_BODY_BYTES } from '../../src-main/contract/index.ts';
import { startHarness } from './harness.ts';
import type { Harness } from './harness.ts';
import { sendRaw, upgradeRequest } from './rawWire.ts';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.close();
});

async function healthStatus(): Promise<number> {
  const answer = await fetch(`${harness.server.origin}/api/health`, {
    headers: { 'x-anomap-token': harness.server.token },
  });
  return answer.status;
}

function request(line: string, headers = ''): Buffer {
  return Buffer.from(
    `${line}\r\nHost: 127.0.0.1:${harness.server.port}\r\nConnection: close\r\n${headers}\r\n`,
  );
}

/** Opens a socket with the token, sends one message, and resolves with the close code. */
function closeCodeAfter(send: (socket: WebSocket) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = `ws://127.0.0.1:${harness.server.port}/api/socket?token=${harness.server.token}`;
    const socket = new WebSocket(url);
    socket.on('open', () => send(socket));
    socket.on('close', (code) => resolve(code));
    socket.on('error', () => {});
    setTimeout(() => reject(new Error('the server did not close the socket')), 10_000);
  });
}

describe('browser mode server: requests that are not URLs', () => {
  it('answers an absolute-form target with port 99999 and no token with 400 and stays up', async () => {
    const answer = await sendRaw(harness.server.port, [
      request('GET http://127.0.0.1:99999/api/health HTTP/1.1'),
    ]);
    expect(answer.status).toBe(400);
    expect(await healthStatus()).toBe(200);
  });

  it('answers an upgrade to a target that is not a URL with 400 and stays up', async () => {
    const port = harness.server.port;
    const answer = await sendRaw(port, [upgradeRequest(port, 'http://127.0.0.1:99999/api/socket')]);
    expect(answer.status).toBe(400);
    expect(answer.closed).toBe(true);
    expect(await healthStatus()).toBe(200);
  });

  it('answers malformed percent-encoding in /api paths with 400, not 500', async () => {
    const headers = `x-anomap-token: ${harness.server.token}\r\ncontent-length: 2\r\n`;
    const call = await sendRaw(harness.server.port, [
      Buffer.concat([request('POST /api/call/%E0%A4%A HTTP/1.1', headers), Buffer.from('{}')]),
    ]);
    expect(call.status).toBe(400);
    const exported = await sendRaw(harness.server.port, [
      request(
        'GET /api/exports/%ZZrun.csv HTTP/1.1',
        `x-anomap-token: ${harness.server.token}\r\n`,
      ),
    ]);
    expect(exported.status).toBe(400);
  });
});

describe('browser mode server: WebSocket messages it refuses', () => {
  it('closes a socket whose message is over the limit with 1009 and stays up', async () => {
    const code = await closeCodeAfter((socket) => socket.send('x'.repeat(MAX_BODY_BYTES + 1)));
    expect(code).toBe(1009);
    expect(await healthStatus()).toBe(200);
  });

  it('closes a socket that sends a text frame of invalid UTF-8 with 1007 and stays up', async () => {
    const code = await closeCodeAfter((socket) =>
      socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0xc0, 0x7d]), { binary: false }),
    );
    expect(code).toBe(1007);
    expect(await healthStatus()).toBe(200);
  });
});
