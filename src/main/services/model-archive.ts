/**
 * A model exported as one file: a zip holding the model folder's three files
 * (not the resume state). Importing checks the archive before anything is
 * written: only those files, no paths that climb out of the folder, sizes
 * within limits (a zip bomb cannot fill the disk), then the model itself is
 * validated by the model core's loader.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { unzipSync, zipSync, type Unzipped } from 'fflate';
import { META_JSON, MODEL_JSON, WEIGHTS_BIN } from '../../model/persistence';
import { readRegularFile } from '../../model/safe-read';
import { AppError } from './app-error';
import { writeFileAtomic } from './atomic-write';

export const ARCHIVE_EXTENSION = '.penwright';
const MODEL_FILES = [MODEL_JSON, WEIGHTS_BIN, META_JSON];
const MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024;
const MAX_FILE_BYTES: Record<string, number> = {
  [MODEL_JSON]: 16 * 1024 * 1024,
  [META_JSON]: 64 * 1024 * 1024,
  [WEIGHTS_BIN]: 900 * 1024 * 1024,
};

export async function exportModelArchive(modelDir: string, destination: string): Promise<void> {
  const files: Record<string, Uint8Array> = {};
  for (const name of MODEL_FILES) files[name] = await fs.readFile(join(modelDir, name));
  // weights barely compress; level 1 keeps export fast
  await writeFileAtomic(destination, zipSync(files, { level: 1 }));
}

function refuse(file: string, why: string): AppError {
  return new AppError('FILE_ERROR', `${file} is not a Penwright model that can be imported: ${why}.`);
}

/** Checks and unpacks an archive into `folder` (which must not exist yet). */
export async function importModelArchive(archive: string, folder: string, displayName: string): Promise<void> {
  const { bytes: data } = await readRegularFile(archive, {
    maxBytes: MAX_ARCHIVE_BYTES,
    tooLarge: () => refuse(displayName, 'it is larger than any model').message,
  });
  if (data.length < 4 || data.readUInt32LE(0) !== 0x04034b50) throw refuse(displayName, 'it is not a zip archive');
  const problems: string[] = [];
  let unzipped: Unzipped;
  try {
    unzipped = unzipSync(data, {
      filter: (entry) => {
        const name = entry.name;
        if (name.endsWith('/')) return false; // folder entries carry nothing
        if (name.includes('..') || name.startsWith('/') || name.includes('\\') || /^[A-Za-z]:/.test(name)) {
          problems.push(`it contains an unsafe path (${name.slice(0, 80)})`);
          return false;
        }
        const base = name.includes('/') ? name.slice(name.lastIndexOf('/') + 1) : name;
        if (name.split('/').length > 2 || !MODEL_FILES.includes(base)) {
          problems.push(`it contains a file a model does not have (${name.slice(0, 80)})`);
          return false;
        }
        if (entry.originalSize > MAX_FILE_BYTES[base]) {
          problems.push(`${base} is too large`);
          return false;
        }
        return true;
      },
    });
  } catch {
    throw refuse(displayName, 'the archive is damaged');
  }
  if (problems.length) throw refuse(displayName, problems[0]);
  const byBase = new Map(
    Object.entries(unzipped).map(([name, bytes]) => [name.slice(name.lastIndexOf('/') + 1), bytes]),
  );
  for (const name of MODEL_FILES) {
    if (!byBase.has(name)) throw refuse(displayName, `${name} is missing`);
    if (byBase.get(name)!.length > MAX_FILE_BYTES[name]) throw refuse(displayName, `${name} is too large`);
  }
  await fs.mkdir(folder, { recursive: false });
  for (const [name, bytes] of byBase) await fs.writeFile(join(folder, name), bytes);
}
