/**
 * The handlers for the authorship record: a document's ranges when it
 * opens, the ranges of the text a save just wrote, and the report. Main
 * names every file itself (from its own table of open documents and the
 * writer's save dialog); the renderer sends only ranges and text, checked
 * against what they describe.
 */
import { promises as fs } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { HandlerTable } from '../app-services';
import { AppError } from '../app-error';
import { writeFileAtomic } from '../atomic-write';
import type { DocumentService } from '../documents/documents';
import { authorshipReport } from './authorship-report';
import type { AuthorshipStore } from './authorship-store';

export type AuthorshipChannel = 'authorship:load' | 'authorship:saved' | 'authorship:export';

export interface AuthorshipHandlerOptions {
  store: AuthorshipStore;
  documents: Pick<DocumentService, 'info' | 'fingerprint' | 'openDocuments'>;
  /** The writer's setting: off, nothing is read or kept. */
  enabled: () => boolean;
  dialogs: { exportReport(defaultName: string): Promise<string | null> };
}

export function createAuthorshipHandlers(options: AuthorshipHandlerOptions): Pick<HandlerTable, AuthorshipChannel> {
  const { store, documents, dialogs } = options;
  /** The document's file and the bytes its last open or save saw; null when it has none yet. */
  const onDisk = (docId: string) => {
    const { path } = documents.info(docId);
    const disk = documents.fingerprint(docId);
    return path && disk?.sha256 ? { path, disk } : null;
  };
  return {
    'authorship:load': async ({ docId }) => {
      const file = onDisk(docId);
      if (!options.enabled() || !file) return { ranges: [], notice: null };
      return store.read(file.path, file.disk.sha256);
    },
    'authorship:saved': async ({ docId, ranges }) => {
      const file = onDisk(docId);
      if (!options.enabled() || !file) return { recorded: false };
      // a position past the file's size in bytes cannot be in its text (every code unit takes a byte or more)
      const end = ranges.at(-1)?.[1] ?? 0;
      if (end > file.disk.size)
        throw new AppError('BAD_REQUEST', 'Those passages lie beyond the end of the saved text.');
      await store.write(file.path, file.disk.sha256, ranges);
      return { recorded: ranges.length > 0 };
    },
    'authorship:export': async ({ docId, text, ranges }) => {
      const info = documents.info(docId);
      if ((ranges.at(-1)?.[1] ?? 0) > text.length) {
        throw new AppError('BAD_REQUEST', 'Those passages lie beyond the end of the text.');
      }
      const stem = info.title.replace(/\.(md|markdown|txt)$/i, '');
      const chosen = await dialogs.exportReport(`${stem} authorship.txt`);
      if (!chosen) return null;
      const path = extname(chosen) ? chosen : `${chosen}.txt`;
      // the dialog asked before replacing the name it was given, not the one with .txt added here
      if (path !== chosen && (await exists(path))) {
        throw new AppError(
          'FILE_ERROR',
          `${basename(path)} is already there, and the report does not replace a file without asking. Choose another name, or type the name with .txt to replace it.`,
        );
      }
      // no open document's file is replaced by a report, whatever spelling or link names it
      const target = await samePathKey(path);
      for (const open of documents.openDocuments()) {
        if (open.path && (await samePathKey(open.path)) === target) {
          throw new AppError(
            'FILE_ERROR',
            `The report cannot replace ${open.title}, which is open in Penwright. Choose another name for it.`,
          );
        }
      }
      await writeFileAtomic(path, authorshipReport(info.title, text, ranges));
      return { path };
    },
  };
}

const exists = (path: string) =>
  fs.lstat(path).then(
    () => true,
    () => false,
  );

/**
 * A path as the file system resolves it: links followed (the file's, or its
 * folder's when the file is not there yet), and case folded where names
 * ignore case by default (macOS, Windows), so two names of one file compare equal.
 */
async function samePathKey(path: string): Promise<string> {
  const real = await fs
    .realpath(path)
    .catch(() => fs.realpath(dirname(path)).then((folder) => join(folder, basename(path))))
    .catch(() => path);
  return process.platform === 'darwin' || process.platform === 'win32' ? real.toLowerCase() : real;
}
