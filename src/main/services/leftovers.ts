/**
 * What a killed Penwright leaves behind, and when it may go. Temporary files
 * (`.<name>.<pid>.<8 hex digits>.tmp`, beside the file being written: see
 * tempName) and the model library's staging folders carry the id of the
 * process that made them. One is a leftover when:
 *   - this process is not using it now (the registry below, keyed by real
 *     path: a symlinked folder names the same file), and
 *   - nothing has touched it for ten minutes (MIN_AGE_MS: another thread of
 *     ours, or another Penwright with a reused pid, may be writing it), and
 *   - its process is this one (an earlier life of the same pid: pids are
 *     reused, often the same one in a container), or is not running, or
 *     has not touched it for a day (a running process with that pid may be
 *     a stranger that reused it; a write in progress touches its file far
 *     more often than that).
 * A second Penwright writing the same folder (another user-data folder, the
 * same document) is running, so what it is writing is left alone.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** A write or an import untouched this long is over, whoever started it. */
export const STALE_AFTER_MS = 24 * 60 * 60 * 1000;
/** Younger than this, anything may still be being written (a save takes seconds at most, an import a minute). */
export const MIN_AGE_MS = 10 * 60 * 1000;

/** Paths this process is writing now (real paths): never a leftover. */
const inUse = new Set<string>();

/** `path` with its folder's links resolved, so two names of one folder give one key. */
function realKey(path: string): string {
  try {
    return join(realpathSync(dirname(path)), basename(path));
  } catch {
    return resolve(path);
  }
}

/** Marks `path` as in use until the returned function is called. */
export function claim(path: string): () => void {
  const key = realKey(path);
  inUse.add(key);
  return () => inUse.delete(key);
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // someone else's process
  }
}

/** Whether what `pid` left at `path` (last changed at `mtimeMs`) may be removed. */
export function isLeftover(path: string, pid: number, mtimeMs: number, now = Date.now()): boolean {
  if (inUse.has(realKey(path))) return false;
  if (now - mtimeMs < MIN_AGE_MS) return false;
  if (pid === process.pid) return true;
  if (!running(pid)) return true;
  return now - mtimeMs > STALE_AFTER_MS;
}

/** The temporary sibling a write of `base` goes through. */
export function tempName(base: string): string {
  return `.${base}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/** tempName's names, and no others: the random part is exactly its 8 hex digits. */
const TEMP = /^\.(.+)\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/**
 * Removes the temporary files in `dir` (of the file named `base` only, when
 * given) that `mayGo(path, pid, mtimeMs)` lets go: regular files with our
 * temporary name, nothing else. Answers the names removed.
 */
async function removeTempFiles(
  dir: string,
  base: string | undefined,
  mayGo: (path: string, pid: number, mtimeMs: number) => boolean,
): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP.exec(name);
    if (!m || (base !== undefined && m[1] !== base)) continue;
    const path = join(dir, name);
    const stat = await fs.lstat(path).catch(() => null);
    if (!stat?.isFile() || !mayGo(path, Number(m[2]), stat.mtimeMs)) continue;
    // one that cannot go (a read-only moment, a permission) is left for the next sweep; the rest still go
    try {
      await fs.rm(path, { force: true });
      removed.push(name);
    } catch {
      // left for the next sweep
    }
  }
  return removed;
}

/** Removes the leftover temporary files in `dir` (of the file named `base` only, when given); answers their names. */
export function sweepTempFiles(dir: string, base?: string): Promise<string[]> {
  return removeTempFiles(dir, base, isLeftover);
}

/**
 * After a thread of ours that was writing `file` has been ended (an export
 * that timed out or failed): its temporary files beside `file` go at once.
 * They carry our pid but were claimed in that thread, not here, and are too
 * fresh for a sweep. Answers their paths.
 */
export async function removeOwnTempFiles(file: string): Promise<string[]> {
  const dir = dirname(file);
  const ours = (path: string, pid: number) => pid === process.pid && !inUse.has(realKey(path));
  return (await removeTempFiles(dir, basename(file), ours)).map((name) => join(dir, name));
}

/** Removes the leftover temporary files of each of these files (beside it); answers their paths. */
export async function sweepTempFilesOf(files: string[]): Promise<string[]> {
  const removed: string[] = [];
  for (const file of new Set(files)) {
    const dir = dirname(file);
    for (const name of await sweepTempFiles(dir, basename(file))) removed.push(join(dir, name));
  }
  return removed;
}
