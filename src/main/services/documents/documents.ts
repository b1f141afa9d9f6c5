/**
 * Open documents: reading .txt/.md files with the model core's checks
 * (binary and undecodable files refused, huge files refused), writing them
 * back atomically in the encoding and line endings they came in, and refusing
 * to overwrite a file another program changed since it was opened or saved.
 */
import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, extname } from 'node:path';
import { decodeText, detectEncoding, encodeText, type TextEncoding } from '../../../model/text/decode';
import { readRegularFile, statOrNull } from '../../../model/disk/safe-read';
import type { DocumentInfo, OpenedDocument } from '../../../shared/ipc-contract';
import { AppError } from '../app-error';
import { TornWriteError, writeFileAtomic } from '../atomic-write';
import { KeyedQueue } from '../keyed-queue';
import type { SaveJournal } from './recovery';

/** Documents over this size are refused: the editor is for prose, not data dumps. */
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
export const DOCUMENT_EXTENSIONS = ['.txt', '.md', '.markdown'];

/** The file as the document last read or wrote it: what a later save checks for changes. */
export interface DiskFingerprint {
  mtimeMs: number;
  size: number;
  sha256: string;
}

/** For a document whose file's state is not known (restored from an old recovery record): any file there is a change. */
export const UNKNOWN_DISK: Readonly<DiskFingerprint> = Object.freeze({ mtimeMs: -1, size: -1, sha256: '' });

interface OpenDocument {
  info: DocumentInfo;
  disk: DiskFingerprint | null;
}

/** Whether anything (a file, a folder, a dangling link) has this name. */
async function nameTaken(path: string): Promise<boolean> {
  return fs.lstat(path).then(
    () => true,
    () => false,
  );
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** The bytes a document's text is saved as: its encoding and line endings. */
export function savedBytes(text: string, info: Pick<DocumentInfo, 'encoding' | 'lineEnding'>): Uint8Array {
  return encodeText(info.lineEnding === 'crlf' ? text.replace(/\r?\n/g, '\r\n') : text, info.encoding);
}

/** CRLF files are written back with CRLF (the editor works in LF). */
function detectLineEnding(bytes: Uint8Array, encoding: TextEncoding): 'lf' | 'crlf' {
  const crlf =
    encoding === 'utf-16le' ? [0x0d, 0, 0x0a, 0] : encoding === 'utf-16be' ? [0, 0x0d, 0, 0x0a] : [0x0d, 0x0a];
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(Buffer.from(crlf)) ? 'crlf' : 'lf';
}

export interface SaveTarget {
  /** Asks where to save; null when the user cancels. */
  chooseSavePath(defaultName: string): Promise<string | null>;
}

export class DocumentService {
  private readonly docs = new Map<string, OpenDocument>();
  private untitledCount = 0;
  /** One save of a document at a time: two overlapping saves could land in either order. */
  private readonly saves = new KeyedQueue();

  constructor(private readonly onSaved: (info: DocumentInfo) => Promise<void> | void = () => {}) {}

  info(docId: string): DocumentInfo {
    const doc = this.docs.get(docId);
    if (!doc) throw new AppError('NOT_FOUND', 'That document is no longer open.');
    return doc.info;
  }

  /** The file as this document last read or wrote it (null: never saved). */
  fingerprint(docId: string): DiskFingerprint | null {
    return this.docs.get(docId)?.disk ?? null;
  }

  isOpen(docId: string): boolean {
    return this.docs.has(docId);
  }

  openDocuments(): DocumentInfo[] {
    return [...this.docs.values()].map((d) => d.info);
  }

  /** A new document; `from.docId` only for one restored from its recovery record, which keeps that id. */
  create(text = '', from?: Partial<DocumentInfo> & { disk?: DiskFingerprint | null }): OpenedDocument {
    const docId = from?.docId ?? randomUUID();
    if (this.docs.has(docId)) throw new AppError('IN_USE', 'That document is already open.');
    const info: DocumentInfo = {
      docId,
      path: from?.path ?? null,
      title: from?.title ?? `Untitled${++this.untitledCount > 1 ? ` ${this.untitledCount}` : ''}`,
      encoding: from?.encoding ?? 'utf-8',
      lineEnding: from?.lineEnding ?? 'lf',
      savedAt: from?.savedAt ?? null,
    };
    this.docs.set(docId, { info, disk: from?.disk ?? null });
    return { ...info, text };
  }

  async open(path: string): Promise<OpenedDocument> {
    const name = basename(path);
    if (!DOCUMENT_EXTENSIONS.includes(extname(path).toLowerCase())) {
      throw new AppError('FILE_ERROR', `${name} is not a .txt or .md file. Penwright opens plain text and Markdown.`);
    }
    const { bytes, stat } = await readRegularFile(path, {
      maxBytes: MAX_DOCUMENT_BYTES,
      tooLarge: (file, size) =>
        `${file} is ${(size / 1048576).toFixed(1)} MB; Penwright opens documents up to ${MAX_DOCUMENT_BYTES / 1048576} MB.`,
    });
    const text = decodeText(bytes, name);
    const encoding = detectEncoding(bytes);
    return this.create(text, {
      path,
      title: name,
      encoding,
      lineEnding: detectLineEnding(bytes, encoding),
      savedAt: stat.mtime.toISOString(),
      disk: { mtimeMs: stat.mtimeMs, size: stat.size, sha256: sha256(bytes) },
    });
  }

  /** Whether the file on disk is still what we last read or wrote. */
  private async unchangedOnDisk(doc: OpenDocument): Promise<boolean> {
    if (!doc.info.path || !doc.disk) return true;
    const stat = await statOrNull(doc.info.path);
    if (!stat) return true; // deleted meanwhile: saving recreates it
    if (!stat.isFile()) return false; // a folder, a pipe...: never replaced without asking
    if (stat.mtimeMs === doc.disk.mtimeMs && stat.size === doc.disk.size) return true;
    try {
      const { bytes } = await readRegularFile(doc.info.path, { maxBytes: Math.max(doc.disk.size, MAX_DOCUMENT_BYTES) });
      return sha256(bytes) === doc.disk.sha256;
    } catch {
      return false; // swapped for something unreadable, or grown past any document: ask
    }
  }

  private async write(doc: OpenDocument, path: string, text: string, journal?: SaveJournal): Promise<DocumentInfo> {
    const bytes = savedBytes(text, doc.info);
    const digest = sha256(bytes);
    // The recovery bookkeeping around a save must never stop the save itself (a
    // full or read-only user-data disk): without the marker, the next start still
    // drops a record whose text equals the file.
    await journal?.before(path, digest).catch((e: unknown) => logSaveBookkeeping('marker', e));
    try {
      // a file rewritten in place (hard links, someone else's) has its new text kept whole first, or is not written
      const keep = () => journal?.keep({ ...doc.info, path }, text, doc.disk) ?? Promise.resolve();
      await writeFileAtomic(path, bytes, {
        beforeInPlace: () =>
          keep().catch((e: unknown) => {
            throw new AppError('FILE_ERROR', copyNotKept(basename(path), e));
          }),
      });
    } catch (e) {
      await journal?.failed().catch(() => {});
      if (!(e instanceof TornWriteError)) throw e;
      // what the file holds now is what the next save compares with: we tore it, no other program changed
      // it (only when it is the document's own file: a torn Save As leaves the document where it was)
      if (path === doc.info.path) doc.disk = await this.fingerprintOf(path);
      throw new AppError('FILE_ERROR', tornMessage(doc.info.title, e));
    }
    const stat = await fs.stat(path);
    doc.disk = { mtimeMs: stat.mtimeMs, size: stat.size, sha256: digest };
    doc.info = { ...doc.info, path, title: basename(path), savedAt: new Date().toISOString() };
    // the file has landed: a failure from here on is reported to the log, not as a failed save
    await journal?.saved(text).catch((e: unknown) => logSaveBookkeeping('recovery record', e));
    await Promise.resolve()
      .then(() => this.onSaved(doc.info))
      .catch((e: unknown) => logSaveBookkeeping('recent files', e));
    return doc.info;
  }

  /** The file at `path` as it is now; null when it cannot be read (then the next save does not ask). */
  private async fingerprintOf(path: string): Promise<DiskFingerprint | null> {
    try {
      const { bytes, stat } = await readRegularFile(path, { maxBytes: 2 * MAX_DOCUMENT_BYTES });
      return { mtimeMs: stat.mtimeMs, size: stat.size, sha256: sha256(bytes) };
    } catch {
      return null;
    }
  }

  private doc(docId: string): OpenDocument {
    const doc = this.docs.get(docId);
    if (!doc) throw new AppError('NOT_FOUND', 'That document is no longer open.');
    return doc;
  }

  /**
   * Saves to the document's file; a never-saved document asks for a path
   * (null if cancelled). `journal` hears when the file is about to change and
   * when it has (crash recovery).
   */
  async save(
    docId: string,
    text: string,
    target: SaveTarget,
    overwrite = false,
    journal?: SaveJournal,
  ): Promise<DocumentInfo | null> {
    this.doc(docId);
    return this.saves.run(docId, async () => {
      const doc = this.doc(docId);
      if (!doc.info.path) return this.chooseAndWrite(doc, text, target, journal);
      if (!overwrite && !(await this.unchangedOnDisk(doc))) {
        throw new AppError(
          'CONFLICT',
          `${doc.info.title} was changed by another program since Penwright opened it. Save again to overwrite those changes, or use Save As to keep both.`,
        );
      }
      return this.write(doc, doc.info.path, text, journal);
    });
  }

  async saveAs(docId: string, text: string, target: SaveTarget, journal?: SaveJournal): Promise<DocumentInfo | null> {
    this.doc(docId);
    return this.saves.run(docId, async () => this.chooseAndWrite(this.doc(docId), text, target, journal));
  }

  private async chooseAndWrite(
    doc: OpenDocument,
    text: string,
    target: SaveTarget,
    journal?: SaveJournal,
  ): Promise<DocumentInfo | null> {
    let suggested = doc.info.path ? basename(doc.info.path) : `${doc.info.title}.md`;
    for (;;) {
      const chosen = await target.chooseSavePath(suggested);
      if (!chosen) return null;
      if (DOCUMENT_EXTENSIONS.includes(extname(chosen).toLowerCase())) return this.write(doc, chosen, text, journal);
      const path = `${chosen}.md`;
      if (!(await nameTaken(path))) return this.write(doc, path, text, journal);
      // The dialog asked about "chapter1", not about the "chapter1.md" that is
      // there: ask again with the real name, so the system dialog itself asks
      // whether to replace it.
      suggested = path;
    }
  }

  close(docId: string): void {
    this.docs.delete(docId);
  }
}

const REASONS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EIO: 'the disk reported an error',
};
const reason = (e: unknown) => REASONS[(e as NodeJS.ErrnoException)?.code ?? ''] ?? (e as Error)?.message ?? String(e);

function copyNotKept(name: string, e: unknown): string {
  return `${name} was not saved: it has to be rewritten in place (it has other names, or belongs to someone else), and Penwright could not keep a copy of your text first (${reason(e)}). Your text is still here; free some space for Penwright's data, or use Save As.`;
}

function tornMessage(title: string, e: TornWriteError): string {
  return `${title} could not be saved completely (${reason(e.cause)}): the file may now hold only part of your text. Your text is still here and kept for recovery; save again, or use Save As.`;
}

function logSaveBookkeeping(what: string, error: unknown): void {
  console.error(`[penwright] saving a document: could not update the ${what} (the save itself goes on):`, error);
}
