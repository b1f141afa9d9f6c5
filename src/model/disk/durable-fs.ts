/**
 * The two fsync steps that make a rename-based save durable, shared by model
 * saving and the app's atomic file writes.
 */
import { promises as fs } from 'node:fs';

/** Writes `data` to a new file at `path` and fsyncs it before returning. */
export async function writeFileSynced(path: string, data: Uint8Array | string): Promise<void> {
  const handle = await fs.open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Fsyncs a folder so a rename inside it survives a crash. */
export async function syncDir(path: string): Promise<void> {
  try {
    const handle = await fs.open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Folders cannot be opened for fsync on Windows; the rename is still atomic there.
  }
}
