/**
 * A model exported as one file: a zip holding the model folder's files
 * (model.json, weights.bin, penwright.json without the corpus's file names,
 * and words.txt from format 2 on; not the resume state). This is the work itself, done in a worker thread
 * (archive-worker.ts) so that main's event loop never waits for it: packing,
 * and unpacking with every check before anything is written (only those
 * files, no paths that climb out of the folder, sizes and checksums as the
 * archive declares them, within limits, then the model validated as the
 * loader would).
 */
import { zipSync } from 'fflate';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { syncDir, writeFileSynced } from '../../../model/disk/durable-fs';
import {
  META_JSON,
  MODEL_JSON,
  WEIGHTS_BIN,
  checkWeightBytes,
  parseModelJson,
  parseModelMeta,
} from '../../../model/storage/model-files';
import { readRegularFile, statOrNull } from '../../../model/disk/safe-read';
import {
  MAX_WORD_LIST_BYTES,
  WORDS_TXT,
  WORD_LIST_FORMAT_VERSION,
  parseWordList,
} from '../../../model/storage/word-list-file';
import { AppError } from '../app-error';
import { writeFileAtomic } from '../atomic-write';
import { describeModel, type ModelDescription } from './model-description';
import { listZip, readZipEntry, ZipError } from './zip-reader';

export const ARCHIVE_EXTENSION = '.penwright';
/** Files every model has... */
export const MODEL_FILES = [MODEL_JSON, WEIGHTS_BIN, META_JSON];
/** ...and the one a model of format 2 on has too. */
const OPTIONAL_FILES = [WORDS_TXT];
export const MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024;
/**
 * penwright.json is a model's description: a few KB to tens of KB, and about
 * half a megabyte for a model trained on 10,000 files (one entry each, names
 * replaced by numbers on export). 1 MB refuses a crafted one at once; main
 * never parses one over 256 KB anyway (model-description.ts): the import's
 * description is computed here, in the thread.
 */
export const MAX_IMPORTED_META_BYTES = 1024 * 1024;
/** A model of this computer's library, read for export (its file names still whole). */
export const MAX_LOCAL_META_BYTES = 16 * 1024 * 1024;
const MAX_FILE_BYTES: Record<string, number> = {
  [MODEL_JSON]: 16 * 1024 * 1024,
  [META_JSON]: MAX_IMPORTED_META_BYTES,
  [WEIGHTS_BIN]: 900 * 1024 * 1024,
  [WORDS_TXT]: MAX_WORD_LIST_BYTES,
};

function tooLargeReason(base: string, bytes: number): string {
  if (base !== META_JSON) return `${base} is too large`;
  return `its ${META_JSON} is ${(bytes / 1024).toFixed(0)} KB, more than a model's description can be (${MAX_IMPORTED_META_BYTES / 1024} KB at most)`;
}

function refuse(file: string, why: string): AppError {
  return new AppError('FILE_ERROR', `${file} is not a Penwright model that can be imported: ${why}.`);
}

function parseJson(bytes: Uint8Array, what: string, displayName: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    throw refuse(displayName, `${what} is not valid JSON`);
  }
}

/**
 * penwright.json as it leaves this computer: how many files the model learned
 * from and how much text, but not their names (a folder's file names can say
 * more than the writer means to share), nor the files that were skipped.
 */
export function metaForExport(meta: Uint8Array): Uint8Array {
  const raw = JSON.parse(Buffer.from(meta.buffer, meta.byteOffset, meta.byteLength).toString('utf8'));
  if (raw?.corpus && Array.isArray(raw.corpus.files)) {
    raw.corpus = {
      ...raw.corpus,
      files: raw.corpus.files.map((f: { characters: number }, i: number) => ({
        path: `file ${i + 1}`,
        characters: f.characters,
      })),
      skipped: [],
    };
  }
  // compact: indentation would double a large vocabulary or file list
  return Buffer.from(JSON.stringify(raw));
}

/** What the library shows of a model folder of this computer's library, however large its penwright.json. */
export async function describeModelFolder(modelDir: string): Promise<ModelDescription> {
  const { bytes } = await readRegularFile(join(modelDir, META_JSON), { maxBytes: MAX_LOCAL_META_BYTES });
  return describeModel(parseModelMeta(parseJson(bytes, META_JSON, modelDir), modelDir));
}

/** Writes a model folder's files as one archive. */
export async function packModelArchive(modelDir: string, destination: string): Promise<void> {
  const files: Record<string, Uint8Array> = {};
  for (const name of MODEL_FILES) {
    const maxBytes = name === META_JSON ? MAX_LOCAL_META_BYTES : MAX_FILE_BYTES[name];
    files[name] = (await readRegularFile(join(modelDir, name), { maxBytes })).bytes;
  }
  for (const name of OPTIONAL_FILES) {
    if (!(await statOrNull(join(modelDir, name)))) continue;
    files[name] = (await readRegularFile(join(modelDir, name), { maxBytes: MAX_FILE_BYTES[name] })).bytes;
  }
  files[META_JSON] = metaForExport(files[META_JSON]);
  if (files[META_JSON].length > MAX_IMPORTED_META_BYTES) {
    throw new AppError('FILE_ERROR', `This model's description is too large to export (${META_JSON} over 1 MB).`);
  }
  // weights barely compress; level 1 keeps export fast
  await writeFileAtomic(destination, zipSync(files, { level: 1 }));
}

/**
 * Checks an archive and unpacks it into `folder` (which must not exist yet);
 * answers what the library shows of the model, so main never parses it.
 */
export async function unpackModelArchive(
  archive: string,
  folder: string,
  displayName: string,
): Promise<ModelDescription> {
  const { bytes: data } = await readRegularFile(archive, {
    maxBytes: MAX_ARCHIVE_BYTES,
    tooLarge: () => refuse(displayName, 'it is larger than any model').message,
  });
  if (data.length < 4 || data.readUInt32LE(0) !== 0x04034b50) throw refuse(displayName, 'it is not a zip archive');
  const files = new Map<string, Buffer>();
  try {
    for (const entry of listZip(data)) {
      const name = entry.name;
      if (name.endsWith('/')) continue; // folder entries carry nothing
      if (name.includes('..') || name.startsWith('/') || name.includes('\\') || /^[A-Za-z]:/.test(name)) {
        throw refuse(displayName, `it contains an unsafe path (${name.slice(0, 80)})`);
      }
      const base = name.slice(name.lastIndexOf('/') + 1);
      if (name.split('/').length > 2 || ![...MODEL_FILES, ...OPTIONAL_FILES].includes(base)) {
        throw refuse(displayName, `it contains a file a model does not have (${name.slice(0, 80)})`);
      }
      if (files.has(base)) throw refuse(displayName, `it holds ${base} twice`);
      if (entry.size > MAX_FILE_BYTES[base]) throw refuse(displayName, tooLargeReason(base, entry.size));
      files.set(base, readZipEntry(data, entry, MAX_FILE_BYTES[base]));
    }
  } catch (e) {
    if (e instanceof ZipError) throw refuse(displayName, `the archive is damaged (${e.message})`);
    throw e;
  }
  for (const name of MODEL_FILES) if (!files.has(name)) throw refuse(displayName, `${name} is missing`);
  // what the loader checks, before anything is written
  const meta = parseModelMeta(parseJson(files.get(META_JSON)!, META_JSON, displayName), displayName);
  const specs = parseModelJson(parseJson(files.get(MODEL_JSON)!, MODEL_JSON, displayName), displayName, meta);
  checkWeightBytes(displayName, WEIGHTS_BIN, files.get(WEIGHTS_BIN)!, specs);
  if (meta.formatVersion >= WORD_LIST_FORMAT_VERSION) {
    if (!files.has(WORDS_TXT)) throw refuse(displayName, `${WORDS_TXT} is missing`);
    parseWordList(files.get(WORDS_TXT)!, displayName);
  } else if (files.has(WORDS_TXT)) {
    throw refuse(displayName, `it holds ${WORDS_TXT}, which a model of format ${meta.formatVersion} does not have`);
  }
  await fs.mkdir(folder, { recursive: false });
  for (const [name, bytes] of files) await writeFileSynced(join(folder, name), bytes);
  await syncDir(folder);
  return describeModel(meta);
}
