import { constants } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LivenessError } from '../liveness/errors.js';
import { DEFAULT_DECODE_LIMITS } from '../liveness/stages/decode.js';

/** What `check` reads: image files named on the command line, in directories, or in a list (`--files-from`). */

/** Largest file read: the largest image decode accepts, uncompressed (32-bit BMP), plus headers. */
export const MAX_IMAGE_FILE_BYTES = DEFAULT_DECODE_LIMITS.maxPixels * 4 + 1024 * 1024;

/** Names a directory contributes (by content the decoder decides; this only skips notes, videos, ...). */
const IMAGE_NAME = /\.(jpe?g|png|webp|bmp)$/i;

/** A path `check` could not read, with a stable code (as the liveness errors have). */
export class InputFileError extends Error {
  constructor(
    readonly code: 'NOT_A_FILE' | 'UNREADABLE_FILE',
    message: string,
  ) {
    super(message);
    this.name = 'InputFileError';
  }
}

export const isInputFileError = (error: unknown): error is InputFileError => error instanceof InputFileError;

const unreadable = (file: string, error: NodeJS.ErrnoException) =>
  new InputFileError('UNREADABLE_FILE', `cannot read ${file}: ${error.code ?? error.message}`);

/**
 * The bytes of one image file. Opened without blocking (a FIFO would wait for a writer) and checked on
 * the open descriptor: anything but a regular file is NOT_A_FILE at once, a file over the limit is
 * IMAGE_TOO_LARGE unread, and a file that grows while read stops at the limit (a device never ends).
 */
export async function readImage(file: string, maxBytes = MAX_IMAGE_FILE_BYTES): Promise<Buffer> {
  const handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)).catch((error: NodeJS.ErrnoException) => {
    throw unreadable(file, error);
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new InputFileError('NOT_A_FILE', `${file} is not a regular file (${kindOf(info)})`);
    const tooLarge = () => new LivenessError('IMAGE_TOO_LARGE', `${file} is larger than ${maxBytes} bytes`);
    if (info.size > maxBytes) throw tooLarge();
    // One byte past the limit tells a file that grew since fstat (or never ends) from one that fits.
    let buffer = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(info.size, 64 * 1024)));
    let size = 0;
    for (;;) {
      if (size === buffer.length) {
        if (size > maxBytes) throw tooLarge();
        const grown = Buffer.allocUnsafe(Math.min(maxBytes + 1, size * 2));
        buffer.copy(grown, 0, 0, size);
        buffer = grown;
      }
      const { bytesRead } = await handle.read(buffer, size, buffer.length - size, null);
      if (bytesRead === 0) return buffer.subarray(0, size);
      size += bytesRead;
    }
  } catch (error) {
    if (isInputFileError(error) || error instanceof LivenessError) throw error;
    throw unreadable(file, error as NodeJS.ErrnoException);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function kindOf(info: Awaited<ReturnType<typeof stat>>): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a file';
}

/** The paths of a `--files-from` list: one a line (`-` reads standard input); blank lines are skipped. */
export async function readPathList(list: string): Promise<string[]> {
  const text = list === '-' ? await readStdin() : await readFile(list, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw unreadable(list, error);
  });
  return text
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.trim() !== '');
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Each path as given, except a directory, which stands for the image files directly inside it
 * (.jpg .jpeg .png .webp .bmp, not hidden, no subdirectories) in name order. A path that cannot be
 * listed stays as it is: reading it reports why, in its place.
 */
export async function expandDirectories(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isDirectory()) {
      files.push(path);
      continue;
    }
    const names = await readdir(path).catch(() => undefined);
    if (!names) {
      files.push(path);
      continue;
    }
    const images = names.filter((name) => IMAGE_NAME.test(name) && !name.startsWith('.')).sort(byCodePoint);
    files.push(...images.map((name) => join(path, name)));
  }
  return files;
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The file names `check` prints in text lines: control characters escaped, so a name cannot forge a line or colour the terminal. */
export function printableName(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    const code = c.charCodeAt(0);
    return named[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}
