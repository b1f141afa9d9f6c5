/**
 * Bytes of a text file to a normalised string: UTF-8 (with or without BOM) or
 * UTF-16 with a BOM; NFC; LF line endings. Binary and undecodable files are
 * refused with a message that names the file.
 */
import { PenwrightError } from '../errors';

/** First bytes of common binary formats that may not contain a NUL early. */
const BINARY_MAGIC: [string, number[]][] = [
  ['PDF document', [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ['ZIP archive (or .docx/.odt)', [0x50, 0x4b, 0x03, 0x04]],
  ['PNG image', [0x89, 0x50, 0x4e, 0x47]],
  ['JPEG image', [0xff, 0xd8, 0xff]],
  ['GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['gzip archive', [0x1f, 0x8b]],
  ['RTF document', [0x7b, 0x5c, 0x72, 0x74, 0x66]],
];

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.length <= bytes.length && prefix.every((b, i) => bytes[i] === b);
}

/** Normalises text the way the model sees it: NFC and LF line endings. */
export function normaliseText(text: string): string {
  return text.replace(/\r\n?/g, '\n').normalize('NFC');
}

export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be';

/** The encoding a file was written in, from its byte-order mark (UTF-8 without one). */
export function detectEncoding(bytes: Uint8Array): TextEncoding {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) return 'utf-8-bom';
  if (startsWith(bytes, [0xff, 0xfe]) && !startsWith(bytes, [0xff, 0xfe, 0x00, 0x00])) return 'utf-16le';
  if (startsWith(bytes, [0xfe, 0xff])) return 'utf-16be';
  return 'utf-8';
}

/** Text to bytes in `encoding` (the inverse of decodeText, line endings aside). */
export function encodeText(text: string, encoding: TextEncoding): Uint8Array {
  if (encoding === 'utf-8') return new TextEncoder().encode(text);
  if (encoding === 'utf-8-bom') {
    const body = new TextEncoder().encode(text);
    const out = new Uint8Array(3 + body.length);
    out.set([0xef, 0xbb, 0xbf]);
    out.set(body, 3);
    return out;
  }
  const out = new Uint8Array(2 + text.length * 2);
  const view = new DataView(out.buffer);
  const little = encoding === 'utf-16le';
  view.setUint16(0, 0xfeff, little);
  for (let i = 0; i < text.length; i++) view.setUint16(2 + i * 2, text.charCodeAt(i), little);
  return out;
}

export function decodeText(bytes: Uint8Array, fileName: string): string {
  if (startsWith(bytes, [0xff, 0xfe, 0x00, 0x00]) || startsWith(bytes, [0x00, 0x00, 0xfe, 0xff])) {
    throw new PenwrightError(
      'UNDECODABLE_FILE',
      `${fileName} is UTF-32 text, which Penwright does not read. Save it as UTF-8 and try again.`,
    );
  }
  let encoding: 'utf-8' | 'utf-16le' | 'utf-16be' = 'utf-8';
  let offset = 0;
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) offset = 3;
  else if (startsWith(bytes, [0xff, 0xfe])) [encoding, offset] = ['utf-16le', 2];
  else if (startsWith(bytes, [0xfe, 0xff])) [encoding, offset] = ['utf-16be', 2];

  if (encoding === 'utf-8') {
    for (const [kind, magic] of BINARY_MAGIC) {
      if (startsWith(bytes, magic)) {
        throw new PenwrightError(
          'BINARY_FILE',
          `${fileName} looks like a ${kind}, not plain text. Export it as .txt or .md first.`,
        );
      }
    }
    const probe = bytes.subarray(0, 8192);
    if (probe.includes(0)) {
      throw new PenwrightError(
        'BINARY_FILE',
        `${fileName} is a binary file, not plain text. Only .txt and .md text files can be used.`,
      );
    }
  }
  if (encoding !== 'utf-8' && (bytes.length - offset) % 2 !== 0) {
    throw new PenwrightError(
      'UNDECODABLE_FILE',
      `${fileName} says it is UTF-16 but has an odd number of bytes; it may be damaged.`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(offset));
  } catch {
    throw new PenwrightError(
      'UNDECODABLE_FILE',
      `${fileName} is not valid ${encoding === 'utf-8' ? 'UTF-8' : 'UTF-16'} text (it may use an older encoding such as Windows-1252). Save it as UTF-8 and try again.`,
    );
  }
  // eslint-disable-next-line no-control-regex -- counting control characters is the point
  const controls = text.slice(0, 8192).match(/[\u0000-\u0008\u000e-\u001f]/g)?.length ?? 0;
  if (controls > 8 && controls > text.slice(0, 8192).length / 100) {
    throw new PenwrightError(
      'BINARY_FILE',
      `${fileName} contains control characters, so it is probably not a text document.`,
    );
  }
  return normaliseText(text);
}
