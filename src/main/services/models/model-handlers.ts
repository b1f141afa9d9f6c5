/**
 * The handlers for the model library (list, switch, rename, delete, import,
 * export), and the one way to switch the active model: `selectModel`, which
 * the Models panel and a settings change both go through, so either way the
 * suggestions are released and the renderer hears the same two events.
 */
import type { Events, EventName, Settings } from '../../../shared/ipc-contract';
import type { HandlerTable } from '../app-services';
import { ARCHIVE_EXTENSION } from './model-archive';
import type { ModelLibrary } from './model-library';

export type ModelChannel =
  'models:list' | 'models:select' | 'models:rename' | 'models:delete' | 'models:export' | 'models:import';

export interface ModelHandlerOptions {
  library: ModelLibrary;
  dialogs: { exportModel(defaultName: string): Promise<string | null>; importModel(): Promise<string | null> };
  emit: <E extends EventName>(event: E, payload: Events[E]) => void;
  settings: () => Settings;
  /** The loaded model is no longer the active one: free it and its sessions. */
  releaseSuggestions: () => void;
}

export function createModelHandlers(options: ModelHandlerOptions) {
  const { library, dialogs, emit } = options;
  const modelsChanged = async () => emit('models:changed', { models: await library.list() });

  /** Makes a model the active one (remembered in settings), and says so. */
  const selectModel = async (modelId: string) => {
    const summary = await library.select(modelId);
    options.releaseSuggestions();
    await modelsChanged();
    emit('settings:changed', { settings: options.settings() });
    return summary;
  };

  /** Import's checks and events, for a dialog's choice or a file the system handed over. */
  const importModelFile = async (path: string) => {
    const summary = await library.importFrom(path);
    await modelsChanged();
    return summary;
  };

  const handlers: Pick<HandlerTable, ModelChannel> = {
    'models:list': async () => library.list(),
    'models:select': async ({ modelId }) => selectModel(modelId),
    'models:rename': async ({ modelId, name }) => {
      const summary = await library.rename(modelId, name);
      await modelsChanged();
      return summary;
    },
    'models:delete': async ({ modelId }) => {
      await library.remove(modelId);
      await modelsChanged();
      return null;
    },
    'models:export': async ({ modelId }) => {
      const summary = await library.summary(modelId);
      const path = await dialogs.exportModel(`${summary.name}${ARCHIVE_EXTENSION}`);
      if (!path) return null;
      await library.exportTo(modelId, path);
      return { path };
    },
    'models:import': async () => {
      const path = await dialogs.importModel();
      return path ? importModelFile(path) : null;
    },
  };
  return { handlers, selectModel, importModelFile };
}
