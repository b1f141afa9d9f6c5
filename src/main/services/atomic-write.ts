/**
 * Writes a file so that a crash at any moment leaves either the old or the new
 * content, never a mix: write a temporary sibling, fsync it, rename it over
 * the target, fsync the folder.
 */
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { syncDir, writeFileSynced } from '../../model/durable-fs';

export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  await fs.mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  let mode: number | undefined;
  try {
    mode = (await fs.stat(path)).mode;
  } catch {
    // a new file
  }
  try {
    await writeFileSynced(tmp, data, mode);
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await syncDir(dir);
}
