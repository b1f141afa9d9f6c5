/**
 * Reading a file a writer named, whatever their disk holds there: only a
 * regular file is read (a named pipe would block the read forever, a device
 * such as /dev/zero never ends, a folder is not a document), through one
 * handle (what was checked is what is read, even if the name is swapped
 * meanwhile), and never more than a cap (a file that grows while it is read
 * is refused, not followed).
 */
import { constants, promises as fs, type Stats } from 'node:fs';
import { basename } from 'node:path';
import { PenwrightError } from '../errors';

export interface ReadOptions {
  maxBytes: number;
  /** The sentence for a file over the cap (default: its size and the limit). */
  tooLarge?: (name: string, bytes: number) => string;
}

function what(stat: Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a named pipe';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

function notAFile(name: string, stat: Stats): PenwrightError {
  return new PenwrightError('NOT_A_FILE', `${name} is ${what(stat)}, not a file.`);
}

function tooLarge(name: string, bytes: number, options: ReadOptions): PenwrightError {
  const message =
    options.tooLarge?.(name, bytes) ??
    `${name} is ${(bytes / 1048576).toFixed(1)} MB; the limit is ${(options.maxBytes / 1048576).toFixed(0)} MB.`;
  return new PenwrightError('FILE_TOO_LARGE', message);
}

/** The kind of thing at `path` (following links), or null when nothing is there. */
export async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await fs.stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw e;
  }
}

/**
 * Reads a regular file of at most `maxBytes`, with the stat of the handle it
 * was read through; anything else is a PenwrightError naming the file.
 */
export async function readRegularFile(path: string, options: ReadOptions): Promise<{ bytes: Buffer; stat: Stats }> {
  const name = basename(path);
  const stat = await statOrNull(path);
  if (!stat) throw new PenwrightError('FILE_NOT_FOUND', `${path} does not exist.`);
  // refused before opening: opening a device can have effects of its own
  if (!stat.isFile()) throw notAFile(name, stat);
  if (stat.size > options.maxBytes) throw tooLarge(name, stat.size, options);
  // O_NONBLOCK: if a pipe was swapped in since, opening it must not wait for a writer
  const handle = await fs.open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const opened = await handle.stat();
    if (!opened.isFile()) throw notAFile(name, opened);
    if (opened.size > options.maxBytes) throw tooLarge(name, opened.size, options);
    // one byte past the size on record, to notice a file that grew
    let buffer = Buffer.allocUnsafe(Math.min(opened.size, options.maxBytes) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > options.maxBytes) throw tooLarge(name, length, options);
        const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, options.maxBytes + 1));
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > options.maxBytes) throw tooLarge(name, length, options);
    return { bytes: buffer.subarray(0, length), stat: opened };
  } finally {
    await handle.close();
  }
}
