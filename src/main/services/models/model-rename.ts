/**
 * Renaming a model: its penwright.json rewritten with the new name, every
 * other field kept. The file is read through the capped regular-file reader
 * and a damaged one gets a sentence, not a SyntaxError. On main for an
 * ordinary file; in the model files' thread (archive-worker.ts) for one over
 * MAX_META_ON_MAIN_BYTES, whose parse would stall main's event loop.
 */
import { basename, join } from 'node:path';
import { readRegularFile } from '../../../model/disk/safe-read';
import { META_JSON } from '../../../model/storage/model-files';
import { AppError } from '../app-error';
import { writeFileAtomic } from '../atomic-write';

export async function renameModelFile(dir: string, name: string, updatedAt: string, maxBytes: number): Promise<void> {
  const path = join(dir, META_JSON);
  const { bytes } = await readRegularFile(path, { maxBytes });
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    raw = null;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new AppError('MODEL_ERROR', `The model in ${basename(dir)} cannot be renamed: its ${META_JSON} is damaged.`);
  }
  await writeFileAtomic(path, JSON.stringify({ ...raw, name, updatedAt }, null, 2));
}
