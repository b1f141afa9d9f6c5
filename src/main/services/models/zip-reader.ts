/**
 * Reads a zip archive without trusting it: the central directory is the
 * list of entries; every entry's local header must agree with it; its data
 * must lie inside the file; it is inflated to at most the size it declares
 * (one byte more and it is refused, never cut short) and its CRC-32 must
 * match. Encrypted entries, methods other than stored and deflate, and
 * ZIP64 are refused (a model archive needs none of them).
 */
import { crc32, inflateRawSync } from 'node:zlib';

export class ZipError extends Error {
  override name = 'ZipError';
}

export interface ZipEntry {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  /** What the entry says it inflates to. */
  size: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** The entries the central directory lists. */
export function listZip(data: Buffer, maxEntries = 64): ZipEntry[] {
  const eocd = findEndOfCentralDirectory(data);
  if (data.readUInt16LE(eocd + 4) !== 0 || data.readUInt16LE(eocd + 6) !== 0) {
    throw new ZipError('it spans several disks');
  }
  const count = data.readUInt16LE(eocd + 10);
  const size = data.readUInt32LE(eocd + 12);
  const offset = data.readUInt32LE(eocd + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) throw new ZipError('it is a ZIP64 archive');
  if (count !== data.readUInt16LE(eocd + 8)) throw new ZipError('its directory is inconsistent');
  if (count > maxEntries) throw new ZipError(`it holds ${count} files`);
  if (offset + size > eocd) throw new ZipError('its directory lies outside the file');
  const entries: ZipEntry[] = [];
  let p = offset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > offset + size || data.readUInt32LE(p) !== CENTRAL) throw new ZipError('its directory is damaged');
    const flags = data.readUInt16LE(p + 8);
    const nameLength = data.readUInt16LE(p + 28);
    const extraLength = data.readUInt16LE(p + 30);
    const commentLength = data.readUInt16LE(p + 32);
    if (p + 46 + nameLength > offset + size) throw new ZipError('its directory is damaged');
    const entry: ZipEntry = {
      name: data.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLength),
      method: data.readUInt16LE(p + 10),
      crc32: data.readUInt32LE(p + 16),
      compressedSize: data.readUInt32LE(p + 20),
      size: data.readUInt32LE(p + 24),
      localOffset: data.readUInt32LE(p + 42),
    };
    if (flags & 0x1) throw new ZipError(`${entry.name.slice(0, 80)} is encrypted`);
    if (entry.compressedSize === 0xffffffff || entry.size === 0xffffffff || entry.localOffset === 0xffffffff) {
      throw new ZipError('it is a ZIP64 archive');
    }
    entries.push(entry);
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function findEndOfCentralDirectory(data: Buffer): number {
  // 22 bytes, then a comment of up to 65,535
  const last = data.length - 22;
  for (let p = last; p >= 0 && p >= last - 0xffff; p--) {
    if (data.readUInt32LE(p) === EOCD && p + 22 + data.readUInt16LE(p + 20) === data.length) return p;
  }
  throw new ZipError('it has no zip directory');
}

/** An entry's content, checked: at most `maxBytes`, exactly its declared size, its CRC-32. */
export function readZipEntry(data: Buffer, entry: ZipEntry, maxBytes: number): Buffer {
  const what = entry.name.slice(0, 80);
  if (entry.size > maxBytes) throw new ZipError(`${what} is too large`);
  const p = entry.localOffset;
  if (p + 30 > data.length || data.readUInt32LE(p) !== LOCAL) throw new ZipError(`${what} is damaged`);
  const nameLength = data.readUInt16LE(p + 26);
  const extraLength = data.readUInt16LE(p + 28);
  const localName = data.subarray(p + 30, p + 30 + nameLength);
  if (!localName.equals(Buffer.from(entry.name, 'utf8')) && !localName.equals(Buffer.from(entry.name, 'latin1'))) {
    throw new ZipError(`${what} is named differently in two places`);
  }
  if (data.readUInt16LE(p + 8) !== entry.method) throw new ZipError(`${what} is damaged`);
  const start = p + 30 + nameLength + extraLength;
  if (start + entry.compressedSize > data.length) throw new ZipError(`${what} is cut short`);
  const stored = data.subarray(start, start + entry.compressedSize);
  let content: Buffer;
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) throw new ZipError(`${what} is not the size it declares`);
    content = stored;
  } else if (entry.method === 8) {
    try {
      // one byte more than declared is enough to know it lies
      content = inflateRawSync(stored, { maxOutputLength: entry.size + 1 });
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new ZipError(`${what} holds more than the ${entry.size} bytes it declares`);
      }
      throw new ZipError(`${what} is damaged`);
    }
    if (content.length !== entry.size) throw new ZipError(`${what} is not the size it declares`);
  } else {
    throw new ZipError(`${what} is compressed in a way Penwright does not read`);
  }
  if (crc32(content) >>> 0 !== entry.crc32) throw new ZipError(`${what} is damaged (its checksum does not match)`);
  return content;
}
