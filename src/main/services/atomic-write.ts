/**
 * Writes a file so that a crash at any moment leaves either the old or the new
 * content, never a mix: write a temporary sibling, fsync it, rename it over
 * the target, fsync the folder. A symlink is followed first, so the file it
 * points to is replaced and the link stays a link (renaming over the link
 * would replace the link and never update the real file).
 */
import { promises as fs } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { syncDir, writeFileSynced } from '../../model/disk/durable-fs';

/** Links followed before giving up, as the kernel does (ELOOP). */
const MAX_LINK_HOPS = 40;

/** A folder as the kernel sees it (through any symlinked folders on the way), or as given when it is missing. */
async function realFolder(dir: string): Promise<string> {
  return fs.realpath(dir).catch(() => dir);
}

/**
 * The file a write to `path` must replace: `path` itself, or what its chain of
 * symlinks ends at, resolved as the kernel resolves it (a `..` in a link
 * climbs out of the link's real folder, not out of the folder named in the
 * path when that is itself a link).
 */
export async function writeTarget(path: string): Promise<string> {
  const start = resolve(path);
  try {
    return await fs.realpath(start);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  // not there yet, or a dangling link: follow the chain hop by hop, each from its real folder
  let target = start;
  for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
    let isLink: boolean;
    try {
      isLink = (await fs.lstat(target)).isSymbolicLink();
    } catch {
      return join(await realFolder(dirname(target)), basename(target)); // write it here
    }
    if (!isLink) return target;
    target = resolve(await realFolder(dirname(target)), await fs.readlink(target));
  }
  throw Object.assign(new Error(`${path}: too many levels of symbolic links`), { code: 'ELOOP', path });
}

export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const target = await writeTarget(path);
  const dir = dirname(target);
  // our own folders are made as needed; a link's target folder is the writer's, never invented
  if (target === resolve(path)) await fs.mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(target)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  let mode: number | undefined;
  try {
    mode = (await fs.stat(target)).mode;
  } catch {
    // a new file
  }
  try {
    await writeFileSynced(tmp, data, mode);
    await fs.rename(tmp, target);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await syncDir(dir);
}
