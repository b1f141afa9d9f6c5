/**
 * The authorship records: for each saved document, which passages came from
 * suggestions and drafts. Kept in the app's own data folder (never in or
 * beside the writer's file), one small JSON file per document, named by a
 * hash of the document's path and holding the sha256 of the bytes the last
 * save wrote: a file that no longer has those bytes was changed outside the
 * app, and its record no longer says anything true, so it is dropped.
 *
 * A record whose document was renamed outside the app (its old path gone, a
 * file with the same bytes at a new path) moves to the new path. A damaged
 * record is set aside with a clear message and a fresh one starts. Writes
 * are atomic and one at a time per document.
 *
 * Turning the record off deletes it: each task asks whether the record is
 * still on when its turn comes (not when it was queued), and deleting waits
 * for every task already queued, so a save's write still on its way cannot
 * bring a record back after the writer turned it off.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { readRegularFile, statOrNull } from '../../../model/disk/safe-read';
import { isPenwrightError } from '../../../model/errors';
import { authorshipRangesSchema, type AuthorshipRange } from '../../../shared/authorship';
import { writeFileAtomic } from '../atomic-write';
import { KeyedQueue } from '../keyed-queue';

/** A record's largest file: MAX_AUTHORSHIP_RANGES pairs of eight-digit numbers fit with room to spare. */
const MAX_RECORD_BYTES = 2 * 1024 * 1024;
/** Records looked through for a renamed document's (more are left alone: the search must stay quick). */
const MAX_RENAME_SEARCH = 500;

const recordSchema = z
  .object({
    version: z.literal(1),
    path: z.string().min(1).max(4096),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    ranges: authorshipRangesSchema,
    updatedAt: z.string().max(40),
  })
  .strict();
type AuthorshipRecord = z.infer<typeof recordSchema>;

export interface RecordRead {
  ranges: AuthorshipRange[];
  /** Why the record was dropped or set aside, for the writer; null when there was nothing to say. */
  notice: string | null;
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex');

export class AuthorshipStore {
  private readonly queue = new KeyedQueue();

  /** `enabled`: the writer's setting, read as each task runs; off, nothing is read or written. */
  constructor(
    readonly dir: string,
    private readonly enabled: () => boolean = () => true,
  ) {}

  /** The record's file for a document path. */
  fileFor(path: string): string {
    return join(this.dir, `${hash(path)}.json`);
  }

  /**
   * The ranges recorded for the file at `path`, whose bytes now hash to
   * `sha256`: none when there is no record, when the file changed since
   * (the record is deleted), or when the record is damaged (set aside).
   */
  async read(path: string, sha256: string): Promise<RecordRead> {
    return this.queue.run(path, async () => {
      if (!this.enabled()) return { ranges: [], notice: null };
      const found = await this.load(this.fileFor(path));
      const name = basename(path);
      if (found === 'missing') return { ranges: await this.adoptRenamed(path, sha256), notice: null };
      if (found === 'damaged') {
        const aside = await this.setAside(this.fileFor(path));
        return {
          ranges: [],
          notice: `Penwright’s record of which passages in ${name} came from suggestions could not be read, so a fresh record starts now.${aside ? ` The old one was kept as ${aside}.` : ''}`,
        };
      }
      // another path with the same hash (never seen in practice): not this document's record
      if (found.path !== path) return { ranges: [], notice: null };
      if (found.sha256 !== sha256) {
        await fs.rm(this.fileFor(path), { force: true });
        return {
          ranges: [],
          notice: `${name} was changed outside Penwright since it was last saved here, so the record of which passages came from suggestions no longer fits it and was cleared.`,
        };
      }
      return { ranges: found.ranges, notice: null };
    });
  }

  /** Records the ranges of the text just saved at `path` (bytes hashing to `sha256`); no ranges: no record. */
  async write(path: string, sha256: string, ranges: readonly AuthorshipRange[]): Promise<void> {
    const checked = authorshipRangesSchema.parse(ranges);
    await this.queue.run(path, async () => {
      if (!this.enabled()) return; // turned off since the save was asked for: its record must not come back
      if (checked.length === 0) return void (await fs.rm(this.fileFor(path), { force: true }));
      const record: AuthorshipRecord = {
        version: 1,
        path,
        sha256,
        ranges: checked,
        updatedAt: new Date().toISOString(),
      };
      await fs.mkdir(this.dir, { recursive: true });
      await writeFileAtomic(this.fileFor(path), JSON.stringify(record));
    });
  }

  /** The record of `from` becomes the record of `to` (a document renamed or saved under a new name). */
  async move(from: string, to: string): Promise<void> {
    if (from === to) return;
    const found = await this.queue.run(from, async () => (this.enabled() ? this.load(this.fileFor(from)) : 'missing'));
    if (typeof found !== 'object' || found.path !== from) return;
    await this.write(to, found.sha256, found.ranges);
    await this.queue.run(from, () => fs.rm(this.fileFor(from), { force: true }));
  }

  /**
   * Deletes every record (the writer turned the record off; call once
   * `enabled` says so): after the tasks already queued, which find it off or
   * finish what they began before it went off.
   */
  async deleteAll(): Promise<void> {
    await this.queue.settled();
    await fs.rm(this.dir, { recursive: true, force: true });
  }

  private async load(file: string): Promise<AuthorshipRecord | 'missing' | 'damaged'> {
    let text: string;
    try {
      text = (await readRegularFile(file, { maxBytes: MAX_RECORD_BYTES })).bytes.toString('utf8');
    } catch (e) {
      return isPenwrightError(e, 'FILE_NOT_FOUND') ? 'missing' : 'damaged';
    }
    try {
      const parsed = recordSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : 'damaged';
    } catch {
      return 'damaged';
    }
  }

  /** Moves a damaged record out of the way (kept, not deleted); its new name, or null if it could not be moved. */
  private async setAside(file: string): Promise<string | null> {
    const aside = `${file}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      await fs.rename(file, aside);
      return basename(aside);
    } catch {
      await fs.rm(file, { recursive: true, force: true }).catch(() => {});
      return null;
    }
  }

  /**
   * A document with no record may have been renamed outside the app: a
   * record whose file is gone and whose bytes match this file's is its own.
   */
  private async adoptRenamed(path: string, sha256: string): Promise<AuthorshipRange[]> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.json')).slice(0, MAX_RENAME_SEARCH)) {
      const found = await this.load(join(this.dir, name));
      if (typeof found !== 'object' || found.sha256 !== sha256 || found.path === path) continue;
      if (join(this.dir, name) !== this.fileFor(found.path)) continue; // not where its path says: not a record of ours
      if (await statOrNull(found.path)) continue; // the old file is still there: a copy, not a rename
      if (!this.enabled()) return [];
      const record: AuthorshipRecord = { ...found, path, updatedAt: new Date().toISOString() };
      await fs.mkdir(this.dir, { recursive: true });
      await writeFileAtomic(this.fileFor(path), JSON.stringify(record));
      await fs.rm(join(this.dir, name), { force: true });
      return found.ranges;
    }
    return [];
  }
}
