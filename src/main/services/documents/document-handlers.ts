/**
 * The handlers for the writer's text: documents (new, open, save, autosave,
 * close) and crash recovery, wired the way the app runs them. Kept apart from
 * the rest of the handler table (and free of the model's imports) so the
 * crash tests can run exactly this code in a child process they kill.
 */
import type { HandlerTable } from '../app-services';
import type { OpenedDocument } from '../../../shared/ipc-contract';
import { AppError } from '../app-error';
import { DocumentService, UNKNOWN_DISK } from './documents';
import { RecoveryService } from './recovery';
import { recoveredAuthorship } from './recovery-record';
import { sweepTempFilesOf } from '../leftovers';

export type DocumentChannel =
  | 'documents:new'
  | 'documents:open'
  | 'documents:openRecent'
  | 'documents:recent'
  | 'documents:save'
  | 'documents:saveAs'
  | 'documents:autosave'
  | 'documents:close'
  | 'recovery:list'
  | 'recovery:restore'
  | 'recovery:discard';

export interface DocumentHandlerOptions {
  /** Where recovery records live. */
  recoveryDir: string;
  dialogs: { openDocument(): Promise<string | null>; saveDocument(defaultName: string): Promise<string | null> };
  /** Recent files: the only paths the renderer may name. */
  recent: {
    list(): string[];
    remember(path: string): Promise<void>;
    forget(path: string): Promise<void>;
  };
  /** A document closed: free what else belongs to it (its suggestion sessions). */
  onClose?: (docId: string) => void;
  /** A document opened or restored, with its text (suggestions learn its words). */
  onOpen?: (doc: OpenedDocument) => void;
}

export interface DocumentHandlers {
  documents: DocumentService;
  recovery: RecoveryService;
  handlers: Pick<HandlerTable, DocumentChannel>;
}

export function createDocumentHandlers(options: DocumentHandlerOptions): DocumentHandlers {
  const { dialogs, recent } = options;
  const recovery = new RecoveryService(options.recoveryDir);
  const documents = new DocumentService(async (info) => {
    if (info.path) await recent.remember(info.path);
  });
  /** An open document's own record is its autosave, not something to restore or throw away. */
  const refuseOpen = (recoveryId: string) => {
    if (documents.isOpen(recoveryId)) {
      throw new AppError('IN_USE', 'That text belongs to a document that is open; it is autosaved as you write.');
    }
  };
  const saveTarget = { chooseSavePath: (name: string) => dialogs.saveDocument(name) };
  const handlers: Pick<HandlerTable, DocumentChannel> = {
    'documents:new': async () => documents.create(),
    'documents:open': async () => {
      const path = await dialogs.openDocument();
      if (!path) return null;
      const doc = await documents.open(path);
      options.onOpen?.(doc);
      // what a killed save of this file left beside it (the startup sweep covers recent files only)
      await sweepTempFilesOf([path]).catch(() => []);
      await recent.remember(path);
      return doc;
    },
    'documents:openRecent': async ({ path }) => {
      // only paths the user opened before: the renderer cannot name arbitrary files
      if (!recent.list().includes(path)) {
        throw new AppError('FORBIDDEN', 'That file is not in the list of recent documents.');
      }
      const doc = await documents.open(path).catch(async (e: unknown) => {
        await recent.forget(path);
        throw e;
      });
      await recent.remember(path);
      options.onOpen?.(doc);
      return doc;
    },
    'documents:recent': async () => recent.list(),
    // the journal is taken as the request arrives: autosaves that came before it are older
    'documents:save': async ({ docId, text, overwrite }) =>
      documents.save(docId, text, saveTarget, overwrite, recovery.journal(docId)),
    'documents:saveAs': async ({ docId, text }) => documents.saveAs(docId, text, saveTarget, recovery.journal(docId)),
    'documents:autosave': async ({ docId, text, authorship }) => {
      documents.info(docId); // open?
      // passages beyond the text describe some other text: the text is kept all the same, its passages not
      const fits = authorship && (authorship.at(-1)?.[1] ?? 0) <= text.length;
      return {
        savedAt: await recovery.save(
          () => documents.info(docId),
          text,
          () => documents.fingerprint(docId),
          fits ? authorship : undefined,
        ),
      };
    },
    'documents:close': async ({ docId }) => {
      documents.close(docId);
      options.onClose?.(docId);
      await recovery.discard(docId);
      return null;
    },
    'recovery:list': async () => {
      const open = new Set(documents.openDocuments().map((d) => d.docId));
      return (await recovery.list()).filter((r) => !open.has(r.recoveryId));
    },
    'recovery:restore': async ({ recoveryId }) => {
      refuseOpen(recoveryId);
      const record = await recovery.read(recoveryId);
      const authorship = recoveredAuthorship(record);
      // the document takes the record's id, and its autosave replaces the record (recovery.adopt)
      await recovery.adopt(recoveryId);
      const doc = documents.create(record.text, {
        docId: recoveryId,
        path: record.path,
        title: record.title,
        encoding: record.encoding,
        lineEnding: record.lineEnding,
        // the file as the crashed session knew it: a change made since is a conflict
        disk: record.path ? (record.disk ?? UNKNOWN_DISK) : null,
      });
      try {
        await recovery.save(
          () => documents.info(doc.docId),
          record.text,
          () => documents.fingerprint(doc.docId),
          authorship ?? undefined,
        );
      } catch (e) {
        // not restored: the record stays, and the id must not stay taken by a document the writer never got
        documents.close(doc.docId);
        throw e;
      }
      options.onOpen?.(doc);
      return { ...doc, authorship };
    },
    'recovery:discard': async ({ recoveryId }) => {
      refuseOpen(recoveryId);
      await recovery.discard(recoveryId);
      return null;
    },
  };
  return { documents, recovery, handlers };
}
