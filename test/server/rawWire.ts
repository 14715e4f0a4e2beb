/**
 * Raw bytes to browser mode over loopback: what a hostile local program can send, below what
 * node:http and ws would let a well-behaved client write.
 */
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface WireAnswer {
  /** HTTP status of the first answer, or null when the server closed without one. */
  status: number | null;
  bytes: Buffer;
  /** True when the server closed the connection before the time ran out. */
  closed: boolean;
}

/** Writes `chunks` to 127.0.0.1:port and collects what comes back until close or `waitMs`. */
export function sendRaw(port: number, chunks: Buffer[], waitMs = 1_500): Promise<WireAnswer> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const received: Buffer[] = [];
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const bytes = Buffer.concat(received);
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(bytes.subarray(0, 20).toString('latin1'));
      resolve({ status: match ? Number(match[1]) : null, bytes, closed });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.on('connect', () => {
      for (const chunk of chunks) if (!socket.destroyed) socket.write(chunk);
    });
  });
}

/** The handshake of a WebSocket on `path`, written by hand. */
export function upgradeRequest(port: number, path: string, extra = ''): Buffer {
  return Buffer.from(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
      `Connection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
      `Sec-WebSocket-Version: 13\r\n${extra}\r\n`,
  );
}

/** One client frame: FIN + opcode, masked unless told, with a 7/16/64-bit length. */
export function frame(
  opcode: number,
  payload: Buffer,
  options: { fin?: boolean; rsv?: number; masked?: boolean; claimedLength?: bigint } = {},
): Buffer {
  const { fin = true, rsv = 0, masked = true } = options;
  const length = options.claimedLength ?? BigInt(payload.length);
  const first = (fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f);
  let header: Buffer;
  if (length < 126n) header = Buffer.from([first, Number(length)]);
  else if (length < 65536n) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = 126;
    header.writeUInt16BE(Number(length), 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = 127;
    header.writeBigUInt64BE(length, 2);
  }
  if (!masked) return Buffer.concat([header, payload]);
  header[1] |= 0x80;
  const mask = randomBytes(4);
  const body = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]));
  return Buffer.concat([header, mask, body]);
}

/** The close code in the first server frame after the 101 answer, if it sent a close frame. */
export function serverCloseCode(bytes: Buffer): number | null {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const frames = bytes.subarray(end + 4);
  for (let at = 0; at + 2 <= frames.length;) {
    const opcode = frames[at] & 0x0f;
    let length = frames[at + 1] & 0x7f;
    let start = at + 2;
    if (length === 126) {
      length = frames.readUInt16BE(at + 2);
      start += 2;
    }
    if (opcode === 0x8) return length >= 2 ? frames.readUInt16BE(start) : 1005;
    at = start + length;
  }
  return null;
}
