/**
 * A model per project: each folder of documents remembers the model chosen
 * while writing there, and whether suggestions come as you type. Opening a
 * document from the folder switches to its model. The folder is always the
 * one main knows the open document by, never a path the renderer names.
 */
import type { Events, EventName, ModelSummary, Settings } from '../../../shared/ipc-contract';
import { folderOf, MAX_FOLDER_PREFERENCES, type FolderPreference } from '../../../shared/folders';
import type { HandlerTable } from '../app-services';
import { AppError } from '../app-error';
import type { DocumentService } from '../documents/documents';

type Preferences = Settings['folderPreferences'];

/**
 * The preferences with `folder`'s changed (moved to the end, so the least
 * recently changed folders are the ones dropped past the cap); a folder left
 * with nothing to remember is dropped.
 */
export function withFolder(prefs: Preferences, folder: string, change: FolderPreference): Preferences {
  const merged: FolderPreference = { ...prefs[folder], ...change };
  for (const key of Object.keys(merged) as (keyof FolderPreference)[])
    if (merged[key] === undefined) delete merged[key];
  const next: Preferences = {};
  for (const [k, v] of Object.entries(prefs)) if (k !== folder) next[k] = v;
  if (Object.keys(merged).length) next[folder] = merged;
  const keys = Object.keys(next);
  for (const k of keys.slice(0, Math.max(0, keys.length - MAX_FOLDER_PREFERENCES))) delete next[k];
  return next;
}

export interface FolderHandlerOptions {
  documents: Pick<DocumentService, 'info' | 'isOpen'>;
  settings: {
    readonly current: Settings;
    update(change: (current: Settings) => Partial<Settings>): Promise<Settings>;
  };
  /** The one way to switch models (model-handlers.ts). */
  selectModel: (modelId: string) => Promise<ModelSummary>;
  emit: <E extends EventName>(event: E, payload: Events[E]) => void;
}

export function createFolderHandlers(options: FolderHandlerOptions) {
  const { documents, settings, emit } = options;
  const folderOfDoc = (docId: string) => {
    const { path } = documents.info(docId);
    return path ? folderOf(path) : null;
  };
  const remember = async (folder: string, change: FolderPreference) => {
    const next = await settings.update((s) => ({ folderPreferences: withFolder(s.folderPreferences, folder, change) }));
    emit('settings:changed', { settings: next });
    return next;
  };

  /** The writer chose a model while writing `docId`: its folder keeps the choice. */
  const rememberModel = async (docId: string, modelId: string) => {
    const folder = documents.isOpen(docId) ? folderOfDoc(docId) : null;
    if (folder) await remember(folder, { modelId });
  };

  const handlers: Pick<HandlerTable, 'folders:opened' | 'folders:suggest'> = {
    'folders:opened': async ({ docId }) => {
      const folder = folderOfDoc(docId);
      const wanted = folder ? settings.current.folderPreferences[folder]?.modelId : undefined;
      if (!folder || !wanted || wanted === settings.current.activeModelId) return { folder, switchedTo: null };
      try {
        return { folder, switchedTo: (await options.selectModel(wanted)).name };
      } catch (e) {
        // the folder's model was deleted since: forget it, keep the model in use
        console.error(
          `[penwright] the model remembered for ${folder} could not be used: ${(e as Error)?.message ?? e}`,
        );
        await remember(folder, { modelId: undefined });
        return { folder, switchedTo: null };
      }
    },
    'folders:suggest': async ({ docId, suggest }) => {
      const folder = folderOfDoc(docId);
      if (!folder) {
        throw new AppError('NOT_FOUND', 'Save this document first: suggestions are switched on or off for its folder.');
      }
      // on is the default: only "off" needs remembering
      return remember(folder, { suggest: suggest ? undefined : false });
    },
  };
  return { handlers, rememberModel };
}
