/**
 * Writes a file so that a crash at any moment leaves either the old or the new
 * content, never a mix: write a temporary sibling, fsync it, rename it over
 * the target, fsync the folder. A symlink is followed first, so the file it
 * points to is replaced and the link stays a link (renaming over the link
 * would replace the link and never update the real file). The new file keeps
 * the old one's permissions, owner and group. Two cases are written in place
 * instead (see writeInPlace): a file with several names (hard links), and,
 * for a caller that can keep the new content elsewhere first, a file whose
 * owner we may not give a new file (someone else's, in a shared folder).
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
   * Called before a file is rewritten in place (not atomic): the caller's
   * chance to keep the new content whole elsewhere. If it throws, the file is
   * left as it was and the write fails with its error. A caller that passes
   * it also gets someone else's file rewritten in place (its owner kept)
   * rather than replaced by one of ours.
   */
  beforeInPlace?: () => Promise<void>;
}

/**
 * A write in place that failed after the file's first old byte may have been
 * overwritten: the file can hold part of each text. `code` is the cause's
 * (ENOSPC, EIO), so the error reads as the cause does.
 */
export class TornWriteError extends Error {
  readonly code: string | undefined;
  constructor(
    readonly path: string,
    override readonly cause: unknown,
  ) {
    super(`${path} was only partly rewritten: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'TornWriteError';
    this.code = (cause as NodeJS.ErrnoException)?.code;
  }
}

/**
 * Gives the temporary copy the replaced file's owner and group; answers
 * whether both are kept. Only root may give a file away: anyone else keeps
 * at least the group (a member may set it), so a shared file stays shared.
 */
async function keepOwner(handle: fs.FileHandle, like: Stats): Promise<boolean> {
  if (process.platform === 'win32') return true;
  try {
    await handle.chown(like.uid, like.gid);
    return true;
  } catch {
    await handle.chown(-1, like.gid).catch(() => {});
    return false;
  }
}

/**
 * The temporary copy, durable, with the replaced file's permissions (never
 * more open than them meanwhile). Answers false, having written nothing, when
 * the owner cannot be kept and `orInPlace`: the caller rewrites the file in
 * place instead.
 */
async function writeTemp(tmp: string, data: Uint8Array | string, like: Stats | null, orInPlace: boolean) {
  const handle = await fs.open(tmp, 'wx', like ? 0o600 : 0o666);
  try {
    if (like) {
      // before the mode, which a change of owner could clear
      if (!(await keepOwner(handle, like)) && orInPlace) return false;
      await handle.chmod(like.mode & 0o7777);
    }
    await handle.writeFile(data);
    await handle.sync();
    return true;
  } finally {
    await handle.close();
  }
}

/** All of `bytes` at `position` (a write may land in parts). */
async function writeAll(handle: fs.FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < bytes.length;) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position + done);
    // a write that lands nothing would loop forever: treat it as the I/O error it is
    if (bytesWritten <= 0) throw Object.assign(new Error('a write landed no bytes'), { code: 'EIO' });
    done += bytesWritten;
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
 * A longer text first writes its tail past the old end and syncs it: a full
 * disk or a quota usually strikes there, before any old byte is overwritten,
 * and the file is cut back to what it was (on copy-on-write file systems an
 * overwrite needs space too, so it can still fail later). A failure after that,
 * closing included (network file systems report write errors at close), is a
 * TornWriteError.
 */
async function writeInPlace(target: string, data: Uint8Array | string): Promise<void> {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const handle = await fs.open(target, 'r+');
  try {
    const oldSize = (await handle.stat()).size;
    if (bytes.length > oldSize) {
      try {
        await writeAll(handle, bytes.subarray(oldSize), oldSize);
        await handle.sync();
      } catch (e) {
        // the old text is untouched; the part of the tail that landed goes
        const cutBack = await handle.truncate(oldSize).then(
          () => true,
          () => false,
        );
        throw cutBack ? e : new TornWriteError(target, e);
      }
    }
    try {
      await writeAll(handle, bytes.subarray(0, Math.min(oldSize, bytes.length)), 0);
      await handle.truncate(bytes.length);
      await handle.sync();
    } catch (e) {
      await handle.close().catch(() => {});
      throw new TornWriteError(target, e);
    }
  } catch (e) {
    await handle.close().catch(() => {});
    throw e;
  }
  // old bytes have been overwritten: an error only reported at close may mean a torn file
  await handle.close().catch((e: unknown) => {
    throw new TornWriteError(target, e);
  });
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
  if (!(existing?.isFile() && existing.nlink > 1)) {
    const tmp = join(dir, tempName(basename(target)));
    const release = claim(tmp); // a sweep of leftovers never takes it
    let replaced = false;
    try {
      const like = existing?.isFile() ? existing : null;
      if (await writeTemp(tmp, data, like, options.beforeInPlace !== undefined)) {
        await fs.rename(tmp, target);
        replaced = true;
      }
    } finally {
      if (!replaced) await fs.rm(tmp, { force: true });
      release();
    }
    if (replaced) return syncDir(dir);
    // someone else's file, which a new file of ours would take from them: rewritten in place
  }
  await options.beforeInPlace?.();
  await writeInPlace(target, data);
}
