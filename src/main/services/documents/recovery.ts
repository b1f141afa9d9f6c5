/**
 * Crash recovery: the renderer sends unsaved text every few seconds and it is
 * written (atomically) to the recovery folder; a clean save or close removes
 * it. After a crash or a kill, the next start lists what is there and offers
 * it back.
 *
 * Autosaves and saves race (the autosave timer fires as the writer presses
 * Save), so every request gets a version when it arrives, and each document's
 * recovery writes run one after another: a save removes the records older than
 * its request, and an autosave older than a finished save is dropped. A save
 * first leaves a small marker ("this document is being saved as <digest>"), so
 * that if the app dies between writing the file and removing the record, the
 * next start sees the save landed and drops the stale record instead of
 * offering old text as recovered. A record whose text is exactly what the
 * file holds is never offered either.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { readRegularFile } from '../../../model/disk/safe-read';
import type { AuthorshipRange } from '../../../shared/authorship';
import type { DocumentInfo, RecoveredDocument } from '../../../shared/ipc-contract';
import { AppError } from '../app-error';
import { writeFileAtomic } from '../atomic-write';
import { savedBytes, type DiskFingerprint } from './documents';
import { KeyedQueue } from '../keyed-queue';
import { sweepTempFiles } from '../leftovers';
import {
  MAX_MARKER_BYTES,
  MAX_RECORD_BYTES,
  parseMarker,
  parseRecord,
  type RecoveryRecord,
  type SaveMarker,
} from './recovery-record';

export type { RecoveryRecord } from './recovery-record';

const MARKER = '.saving';

export const textDigest = (text: string) => createHash('sha256').update(text).digest('hex');
const bytesDigest = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** One save's part in recovery: created when the save request arrives. */
export interface SaveJournal {
  /** Before the file is replaced: what is about to land there. */
  before(path: string, bytesSha256: string): Promise<void>;
  /**
   * Before a file is rewritten in place (see atomic-write.ts): the new text is
   * kept as this document's record, offered back at the next start unless
   * the file came out holding exactly it. A record of text typed since the
   * save began is newer, and is left as it is.
   */
  keep(info: DocumentInfo, text: string, disk: DiskFingerprint | null): Promise<void>;
  /** The file holds `text` now. */
  saved(text: string): Promise<void>;
  /** The write failed: the marker goes; a record kept for it stays (a write in place may have torn the file). */
  failed(): Promise<void>;
}

export class RecoveryService {
  private version = 0;
  private readonly queue = new KeyedQueue();
  /** Per document: autosaves with a version up to this one are older than a finished save (or a close). */
  private readonly discardedUpTo = new Map<string, number>();
  /** Per document: the digest of the text last saved to its file. */
  private readonly savedText = new Map<string, string>();
  /** Per document: the record on disk, as this process wrote it (with the machine-written passages it kept). */
  private readonly recorded = new Map<
    string,
    { version: number; digest: string; authorship: readonly AuthorshipRange[] | undefined }
  >();

  constructor(private readonly dir: string) {}

  private file(id: string, suffix = '.json'): string {
    if (!/^[A-Za-z0-9._-]+$/.test(id)) throw new AppError('BAD_REQUEST', 'Not a recovery id.');
    return join(this.dir, `${id}${suffix}`);
  }

  /** Versions are handed out as requests arrive, so their order is the writer's order. */
  private nextVersion(): number {
    return ++this.version;
  }

  /**
   * Writes unsaved text. Returns when it was written, or null when it was
   * dropped: older than a save that has finished, or exactly what was saved.
   * `authorship`: the machine-written passages of `text`, kept with it.
   */
  async save(
    info: () => DocumentInfo,
    text: string,
    disk: () => DiskFingerprint | null = () => null,
    authorship?: readonly AuthorshipRange[],
  ) {
    const version = this.nextVersion();
    const docId = info().docId;
    return this.queue.run(docId, async () => {
      if (version <= (this.discardedUpTo.get(docId) ?? 0)) return null;
      const digest = textDigest(text);
      if (digest === this.savedText.get(docId)) {
        await this.remove(docId); // what is on disk already: nothing to recover
        return null;
      }
      return this.writeRecord(info(), text, version, disk(), authorship);
    });
  }

  /** Writes a document's record (inside its queue); answers when. */
  private async writeRecord(
    info: DocumentInfo,
    text: string,
    version: number,
    disk: DiskFingerprint | null,
    authorship: readonly AuthorshipRange[] | undefined,
  ): Promise<string> {
    const savedAt = new Date().toISOString();
    const record: RecoveryRecord = {
      recoveryId: info.docId,
      title: info.title,
      path: info.path,
      encoding: info.encoding,
      lineEnding: info.lineEnding,
      savedAt,
      text,
      version,
      disk,
      authorship,
    };
    await writeFileAtomic(this.file(info.docId), JSON.stringify(record));
    this.recorded.set(info.docId, { version, digest: textDigest(text), authorship });
    return savedAt;
  }

  /**
   * A restored document takes its record's id, so that its first autosave
   * (the restore writes one at once) replaces the record in one atomic write:
   * a kill during the restore leaves the record, never the text twice. That
   * write also gives the record this run's version, the only one a save's
   * marker can be compared with. A discard of the id in this run is
   * forgotten, and a crashed save's marker goes (recovery:list settled it).
   */
  async adopt(id: string): Promise<void> {
    this.discardedUpTo.delete(id);
    this.savedText.delete(id);
    await this.queue.run(id, () => fs.rm(this.file(id, MARKER), { force: true }));
  }

  /** Call as a save request arrives, before anything else happens to the document. */
  journal(docId: string): SaveJournal {
    const version = this.nextVersion();
    return {
      before: (path, sha256) =>
        this.queue.run(docId, () =>
          writeFileAtomic(this.file(docId, MARKER), JSON.stringify({ version, path, sha256 } satisfies SaveMarker)),
        ),
      keep: (info, text, disk) =>
        this.queue.run(docId, async () => {
          // while the file is rewritten it holds no text for certain: an autosave of the old one is kept too
          this.savedText.delete(docId);
          // typed during this save (a later request): that record is what a cut-short write must offer back
          const before = this.recorded.get(docId);
          if ((before?.version ?? 0) > version) return;
          // the passages the last autosave kept describe this text only if it was this text
          const authorship = before?.digest === textDigest(text) ? before.authorship : undefined;
          await this.writeRecord(info, text, version, disk, authorship);
        }),
      saved: (text) =>
        this.queue.run(docId, async () => {
          const digest = textDigest(text);
          this.discardedUpTo.set(docId, Math.max(version, this.discardedUpTo.get(docId) ?? 0));
          this.savedText.set(docId, digest);
          const record = this.recorded.get(docId);
          if (record && (record.version < version || record.digest === digest)) await this.remove(docId);
          await fs.rm(this.file(docId, MARKER), { force: true });
        }),
      failed: () => this.queue.run(docId, () => fs.rm(this.file(docId, MARKER), { force: true })),
    };
  }

  private async remove(docId: string): Promise<void> {
    await fs.rm(this.file(docId), { force: true });
    this.recorded.delete(docId);
  }

  /** What a crash left: stale records and markers are cleared first, then the rest is listed. */
  async list(): Promise<RecoveredDocument[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch {
      return [];
    }
    // tidying is best-effort: what cannot be removed now is left, and the text is listed all the same
    await sweepTempFiles(this.dir).catch((e: unknown) => logTidying(this.dir, e));
    await this.settleCrashedSaves(names);
    const out: RecoveredDocument[] = [];
    for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.'))) {
      const record = await this.read(name.slice(0, -5)).catch(() => null);
      if (!record) continue; // gone, or damaged: a damaged record is left on disk, not offered
      out.push({
        recoveryId: record.recoveryId,
        title: record.title,
        path: record.path,
        savedAt: record.savedAt,
        characters: record.text.length,
        preview: record.text.slice(0, 200),
      });
    }
    return out.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
  }

  /**
   * Records and markers of documents this process does not have open: a
   * record older than a save that landed, or holding exactly what its file
   * holds, goes; then the markers go (temporary files of dead writers went
   * before: leftovers.ts).
   */
  private async settleCrashedSaves(names: string[]): Promise<void> {
    const ours = (id: string) => this.queue.busy(id) || this.recorded.has(id) || this.discardedUpTo.has(id);
    const ids = new Set(
      names
        .filter((n) => !n.startsWith('.') && (n.endsWith('.json') || n.endsWith(MARKER)))
        .map((n) => n.replace(/\.json$|\.saving$/, '')),
    );
    for (const id of ids) {
      if (ours(id)) continue;
      await this.queue
        .run(id, async () => {
          const marker = await this.readMarker(id);
          const record = names.includes(`${id}.json`) ? await this.read(id).catch(() => null) : null;
          if (record && (await this.isStale(record, marker))) await fs.rm(this.file(id), { force: true });
          await fs.rm(this.file(id, MARKER), { force: true });
        })
        .catch((e: unknown) => logTidying(id, e)); // a record that stays is offered: never lost, at worst stale
    }
  }

  /** Older than a save that landed (the file holds what the marker says), or exactly what a file holds. */
  private async isStale(record: RecoveryRecord, marker: SaveMarker | null): Promise<boolean> {
    const onDisk = (path: string) =>
      readRegularFile(path, { maxBytes: MAX_RECORD_BYTES }).then(
        ({ bytes }) => bytesDigest(bytes),
        () => null,
      );
    const mine = bytesDigest(savedBytes(record.text, record));
    for (const path of new Set([record.path, marker?.path])) {
      if (!path) continue;
      const disk = await onDisk(path);
      if (disk === null) continue;
      if (disk === mine) return true;
      if (marker && path === marker.path && disk === marker.sha256 && (record.version ?? 0) < marker.version)
        return true;
    }
    return false;
  }

  private async readMarker(id: string): Promise<SaveMarker | null> {
    return readRegularFile(this.file(id, MARKER), { maxBytes: MAX_MARKER_BYTES }).then(
      ({ bytes }) => parseMarker(bytes),
      () => null,
    );
  }

  async read(id: string): Promise<RecoveryRecord> {
    let bytes: Buffer;
    try {
      bytes = (await readRegularFile(this.file(id), { maxBytes: MAX_RECORD_BYTES })).bytes;
    } catch (e) {
      if (e instanceof AppError) throw e;
      throw new AppError('NOT_FOUND', 'That recovered text is no longer there.');
    }
    return parseRecord(bytes);
  }

  /** The document was closed (or its record moved): remove its record; autosaves still on their way are dropped. */
  async discard(id: string): Promise<void> {
    this.file(id); // a bad id is refused before anything is queued
    this.discardedUpTo.set(id, Infinity);
    this.savedText.delete(id);
    await this.queue.run(id, async () => {
      await this.remove(id);
      await fs.rm(this.file(id, MARKER), { force: true });
    });
  }
}

function logTidying(what: string, error: unknown): void {
  console.error(`[penwright] recovery: could not tidy ${what} (left for the next start):`, error);
}
