/**
 * A bounded fuzz of browser mode's HTTP and WebSocket surface over loopback: malformed request
 * lines, targets, headers, bodies, frames, sizes and encodings, from a seeded generator so a
 * failure replays. Every answer must be a 4xx (or a close), and the server must stay up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from './harness.ts';
import type { Harness } from './harness.ts';
import { frame, sendRaw, serverCloseCode, upgradeRequest } from './rawWire.ts';
import { seededRandom as seeded } from '../engine/metrics/seededRandom.ts';

const HTTP_CASES = 240;
const SOCKET_CASES = 80;
const AT_ONCE = 16;

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.close();
});

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

function randomBytes(random: () => number, length: number): Buffer {
  return Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'FOO', 'G\x00T', 'get', ''];
const VERSIONS = ['HTTP/1.1', 'HTTP/1.0', 'HTTP/9.9', 'HTTP/1', 'HTTPS/1.1', '', 'HTTP/1.1 x'];

function targets(random: () => number): string[] {
  return [
    'http://127.0.0.1:99999/api/health',
    'http://[::1/api/health',
    'http://user:pass@127.0.0.1:1/',
    '*',
    '127.0.0.1:80',
    '//evil.example/api/health',
    '/api/call/%E0%A4%A',
    '/api/call/%',
    '/api/exports/%ZZ',
    '/api/images/%00%ff',
    '/api/images/..%2f..%2flibrary.sqlite',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/\u00e9\u00e8',
    `/${'a'.repeat(9000)}`,
    `/api/call/${'%41'.repeat(3000)}`,
    `/?token=${'x'.repeat(200)}`,
    `/api/${randomBytes(random, 12).toString('latin1')}`,
    `/${randomBytes(random, 40).toString('base64')}`,
  ];
}

function headerBlocks(random: () => number, port: number): string[] {
  const host = `Host: 127.0.0.1:${port}\r\n`;
  return [
    '',
    host,
    `${host}${host}`,
    'Host: 127.0.0.1:99999\r\n',
    `${host}Content-Length: -1\r\n`,
    `${host}Content-Length: 99999999999999999999\r\n`,
    `${host}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n`,
    `${host}Transfer-Encoding: chunked\r\n\r\nzz\r\n`,
    `${host}X-Anomap-Token: \u00ff\u0000\r\n`,
    `${host}Cookie: anomap_token_${port}=%%%; ;;=\r\n`,
    `${host}Origin: null\r\n`,
    `${host}Bad Header: x\r\n`,
    `${host}X-Long: ${'y'.repeat(20_000)}\r\n`,
    `${host}X: ${randomBytes(random, 30)
      .toString('latin1')
      .replace(/[\r\n]/g, '')}\r\n`,
    `${host}\tfolded: x\r\n`,
  ];
}

function httpCase(random: () => number, port: number): Buffer {
  const line = `${pick(random, METHODS)} ${pick(random, targets(random))} ${pick(random, VERSIONS)}`;
  const head = Buffer.from(`${line}\r\n${pick(random, headerBlocks(random, port))}`, 'latin1');
  const tail = Buffer.from('Connection: close\r\n\r\n');
  const body = random() < 0.3 ? randomBytes(random, Math.floor(random() * 4096)) : Buffer.alloc(0);
  return Buffer.concat([head, tail, body]);
}

function socketPayload(random: () => number): Buffer[] {
  const bytes = randomBytes(random, Math.floor(random() * 64));
  const invalidUtf8 = Buffer.from([0x22, 0xc3, 0x28, 0xff, 0x22]);
  const choices: (() => Buffer[])[] = [
    () => [frame(0x1, invalidUtf8)],
    () => [frame(0x1, Buffer.from('{"id":1,"method":"health"}'), { masked: false })],
    () => [frame(pick(random, [0x3, 0x4, 0x5, 0x6, 0x7, 0xb, 0xc, 0xf]), bytes)],
    () => [frame(0x1, bytes, { rsv: 1 + Math.floor(random() * 7) })],
    () => [frame(0x1, Buffer.alloc(0), { claimedLength: 2n ** 62n })],
    () => [frame(0x2, Buffer.alloc(16), { claimedLength: BigInt(2 * 1024 * 1024) })],
    () => [frame(0x9, Buffer.alloc(200))],
    () => [frame(0x8, Buffer.from([0x03, 0xe7]))],
    () => [frame(0x8, Buffer.from([0x03]))],
    () => [frame(0x0, Buffer.from('continuation without a start'))],
    () => [frame(0x9, Buffer.from('fragmented ping'), { fin: false })],
    () => [frame(0x1, Buffer.from('{"id":'), { fin: false }), frame(0x1, Buffer.from('2}'))],
    () => [frame(0x1, Buffer.from('{"id":3,"method":"health","params":{}}')), bytes],
    () => [frame(0x1, Buffer.from('{"id":'.repeat(1000)))],
    () => [randomBytes(random, 1 + Math.floor(random() * 300))],
  ];
  return pick(random, choices)();
}

async function healthStatus(): Promise<number> {
  const answer = await fetch(`${harness.server.origin}/api/health`, {
    headers: { 'x-anomap-token': harness.server.token },
  });
  return answer.status;
}

async function inBatches<T>(count: number, run: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += AT_ONCE) {
    const size = Math.min(AT_ONCE, count - start);
    results.push(...(await Promise.all(Array.from({ length: size }, (_, i) => run(start + i)))));
  }
  return results;
}

describe('browser mode server under a bounded fuzz (loopback only)', () => {
  it(`answers ${HTTP_CASES} malformed HTTP requests with a 4xx and stays up`, async () => {
    const random = seeded(12);
    const port = harness.server.port;
    const cases = Array.from({ length: HTTP_CASES }, () => httpCase(random, port));
    const started = Date.now();
    const answers = await inBatches(cases.length, (i) => sendRaw(port, [cases[i]], 2_000));
    for (const [i, answer] of answers.entries()) {
      const shown = JSON.stringify(cases[i].subarray(0, 120).toString('latin1'));
      expect(answer.status, shown).not.toBeNull();
      expect(answer.status!, shown).toBeGreaterThanOrEqual(400);
      expect(answer.status!, shown).toBeLessThan(500);
    }
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(await healthStatus()).toBe(200);
  });

  it(`closes ${SOCKET_CASES} sockets that send malformed frames with a protocol code and stays up`, async () => {
    const random = seeded(7);
    const port = harness.server.port;
    const path = `/api/socket?token=${harness.server.token}`;
    const cases = Array.from({ length: SOCKET_CASES }, () => socketPayload(random));
    const answers = await inBatches(cases.length, (i) =>
      sendRaw(port, [upgradeRequest(port, path), ...cases[i]], 3_000),
    );
    const codes = new Set<number>();
    for (const [i, answer] of answers.entries()) {
      expect(answer.status, `case ${i}`).toBe(101);
      const code = serverCloseCode(answer.bytes);
      if (code !== null) codes.add(code);
      // A valid message among the garbage may be answered; the connection itself stays the
      // server's to close or keep, but never with a server error.
      expect(code === null || code === 1000 || (code >= 1002 && code <= 1009), `case ${i}`).toBe(
        true,
      );
    }
    // The generator reaches the protocol, size and encoding refusals.
    expect([...codes]).toEqual(expect.arrayContaining([1002, 1007, 1009]));
    expect(await healthStatus()).toBe(200);
  });
});
