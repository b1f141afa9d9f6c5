/**
 * Writes a file so that a crash at any moment leaves either the old or the new
 * content, never a mix: write a temporary sibling, fsync it, rename it over
 * the target, fsync the folder. A symlink is followed first, so the file it
 * points to is replaced and the link stays a link (renaming over the link
 * would replace the link and never update the real file). The new file keeps
 * the old one's permissions (and its owner and group where we may set them):
 * a private 0600 draft stays private, a group-writable one stays shared. A
 * file with several names (hard links) is the one case written in place: see
 * writeInPlace.
 */
import { promises as fs, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { syncDir } from '../../model/disk/durable-fs';
import { claim, tempName } from './leftovers';

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

export interface AtomicWriteOptions {
  /**
   * Called before a file with several names is rewritten in place (not
   * atomic): the caller's chance to keep the new content whole elsewhere.
   */
  beforeInPlace?: () => Promise<void>;
}

/** The temporary copy, durable, with the replaced file's permissions (never more open than them meanwhile). */
async function writeTemp(tmp: string, data: Uint8Array | string, like: Stats | null): Promise<void> {
  const handle = await fs.open(tmp, 'wx', like ? 0o600 : 0o666);
  try {
    if (like) {
      // the owner and group where we may set them (a shared file keeps its group), before the mode,
      // which a change of owner could clear
      if (process.platform !== 'win32') await handle.chown(like.uid, like.gid).catch(() => {});
      await handle.chmod(like.mode & 0o7777);
    }
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * A file with several names (hard links): renaming a new file over one name
 * would leave the others holding the old text, silently: the writer edits
 * chapter.md and finds the old chapter under its other name. It is rewritten
 * in place instead, so every name sees the new text; that is not atomic (a
 * kill in the middle leaves it torn), so the caller keeps the new content
 * whole first (documents keep it as a recovery record, offered back at the
 * next start unless the file came out whole). Splitting the link would keep
 * the file whole but leave a name that quietly goes on serving old text.
 */
async function writeInPlace(target: string, data: Uint8Array | string): Promise<void> {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const handle = await fs.open(target, 'r+');
  try {
    await handle.writeFile(bytes); // from offset 0: the handle was just opened
    await handle.truncate(bytes.length);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const target = await writeTarget(path);
  const dir = dirname(target);
  // our own folders are made as needed; a link's target folder is the writer's, never invented
  if (target === resolve(path)) await fs.mkdir(dir, { recursive: true });
  const existing = await fs.stat(target).catch(() => null); // null: a new file
  if (existing?.isFile() && existing.nlink > 1) {
    await options.beforeInPlace?.();
    await writeInPlace(target, data);
    return;
  }
  const tmp = join(dir, tempName(basename(target)));
  const release = claim(tmp); // a sweep of leftovers never takes it
  try {
    await writeTemp(tmp, data, existing?.isFile() ? existing : null);
    await fs.rename(tmp, target);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  } finally {
    release();
  }
  await syncDir(dir);
}
