import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { importLimits } from './limits.ts';

/**
 * A file name or reason as a terminal or a log may show it: control characters (a name may
 * hold an escape sequence or a line break) written as \n, \t or \xNN, never raw.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[char] ?? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

/** A file that could not be imported, and why, in words a user can act on. */
export class ImportError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${printable(path)}: ${printable(reason)}`);
    this.name = 'ImportError';
  }
}

/** The import was cancelled while this file was being read or decoded. */
export class ImportCancelled extends Error {
  constructor() {
    super('the import was cancelled');
    this.name = 'ImportCancelled';
  }
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ImportCancelled();
}

export function reasonOf(error: unknown): string {
  if (error instanceof ImportError) return error.reason;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The first line of what a library threw (sharp repeats libvips lines; dicom-parser throws objects). */
export function errorText(error: unknown): string {
  let text: string;
  if (error instanceof Error) text = error.message;
  else if (typeof error === 'object' && error !== null && 'exception' in error)
    text = String(error.exception);
  else text = String(error);
  return text.split('\n')[0].trim().replace(/:$/, '');
}

export interface ReadOptions {
  signal?: AbortSignal;
  /** Largest file read; importLimits.maxFileBytes by default. */
  maxBytes?: number;
}

/** What a path is when it is not a regular file, for the refusal. */
function kindOf(info: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * Reads a whole regular file, or fails with an ImportError naming it. Opened non-blocking, so
 * a FIFO cannot hang the import, then checked on the open descriptor (no race with a swapped
 * path): devices, FIFOs and sockets are refused, and so is a file over the size cap, before
 * anything is read. Reads in chunks and stops within one chunk of a cancel.
 */
export async function readFileForImport(path: string, options: ReadOptions = {}): Promise<Buffer> {
  const maxBytes = options.maxBytes ?? importLimits.maxFileBytes;
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ImportError(path, `cannot read the file: ${code ?? errorText(error)}`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile())
      throw new ImportError(path, `${kindOf(info)}, not a regular file: only files are imported`);
    if (info.size > maxBytes)
      throw new ImportError(
        path,
        `the file is ${info.size} bytes, over the import limit of ${maxBytes} bytes`,
      );
    return await readChunks(path, handle, info.size, options.signal);
  } finally {
    await handle.close();
  }
}

const CHUNK_BYTES = 8 * 1024 * 1024;

async function readChunks(
  path: string,
  handle: FileHandle,
  size: number,
  signal: AbortSignal | undefined,
): Promise<Buffer> {
  const bytes = Buffer.allocUnsafe(size);
  let filled = 0;
  while (filled < size) {
    throwIfCancelled(signal);
    let read: number;
    try {
      ({ bytesRead: read } = await handle.read(
        bytes,
        filled,
        Math.min(CHUNK_BYTES, size - filled),
        filled,
      ));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ImportError(path, `cannot read the file: ${code ?? errorText(error)}`);
    }
    // The file shrank while being read: keep what is there, the decoder will say it is short.
    if (read === 0) return bytes.subarray(0, filled);
    filled += read;
  }
  return bytes;
}
