/** The native file dialogs behind the Dialogs interface the services use. */
import { dialog, type BrowserWindow } from 'electron';
import type { Dialogs } from './services/app-services';
import { ARCHIVE_EXTENSION } from './services/models/model-archive';

const TEXT_FILTERS = [
  { name: 'Text and Markdown', extensions: ['md', 'txt', 'markdown'] },
  { name: 'All Files', extensions: ['*'] },
];
const MODEL_FILTERS = [{ name: 'Penwright model', extensions: [ARCHIVE_EXTENSION.slice(1)] }];

export function electronDialogs(window: () => BrowserWindow | null): Dialogs {
  const parent = () => window() ?? undefined;
  const open = async (options: Electron.OpenDialogOptions) => {
    const w = parent();
    const r = w ? await dialog.showOpenDialog(w, options) : await dialog.showOpenDialog(options);
    return r.canceled ? null : r.filePaths;
  };
  const save = async (options: Electron.SaveDialogOptions) => {
    const w = parent();
    const r = w ? await dialog.showSaveDialog(w, options) : await dialog.showSaveDialog(options);
    return r.canceled || !r.filePath ? null : r.filePath;
  };
  return {
    openDocument: async () => (await open({ properties: ['openFile'], filters: TEXT_FILTERS }))?.[0] ?? null,
    // Linux's dialog asks before replacing a file only when told to (macOS and Windows always ask)
    saveDocument: (defaultName) =>
      save({
        defaultPath: defaultName,
        filters: TEXT_FILTERS,
        properties: ['showOverwriteConfirmation', 'createDirectory'],
      }),
    pickCorpus: (folders) =>
      open({
        title: 'Choose your writing',
        properties: folders ? ['openDirectory', 'multiSelections'] : ['openFile', 'multiSelections'],
        filters: folders ? undefined : TEXT_FILTERS,
      }),
    exportModel: (defaultName) =>
      save({ defaultPath: defaultName, filters: MODEL_FILTERS, properties: ['showOverwriteConfirmation'] }),
    importModel: async () => (await open({ properties: ['openFile'], filters: MODEL_FILTERS }))?.[0] ?? null,
    exportReport: (defaultName) =>
      save({
        title: 'Export authorship report',
        defaultPath: defaultName,
        filters: [{ name: 'Plain text', extensions: ['txt'] }],
        properties: ['showOverwriteConfirmation', 'createDirectory'],
      }),
  };
}
