/**
 * The app's back half, without Electron: every service wired together and
 * the handler table (channel -> function) that ipcMain calls, and that tests
 * call directly over temporary folders. Electron supplies only the dialogs,
 * the event sink and the window's close confirmation.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { backendReport, initBackend, type BackendOptions } from '../../model/backend';
import { readCorpus } from '../../model/corpus';
import {
  requestSchemas,
  settingsSchema,
  type Channel,
  type Events,
  type EventName,
  type IpcResult,
  type ParsedRequestOf,
  type Responses,
  type Settings,
} from '../../shared/ipc-contract';
import { AppError, toIpcError } from './app-error';
import { appStateSchema, withRecent } from './app-state';
import { DocumentService } from './documents';
import { JsonStore } from './json-store';
import { ARCHIVE_EXTENSION } from './model-archive';
import { ModelLibrary } from './model-library';
import { RecoveryService } from './recovery';
import { SuggestionService } from './suggestions';
import { TrainingService } from './training-jobs';

/** The native dialogs: Electron's in the app, scripted ones in tests. Null means cancelled. */
export interface Dialogs {
  openDocument(): Promise<string | null>;
  saveDocument(defaultName: string): Promise<string | null>;
  pickCorpus(folders: boolean): Promise<string[] | null>;
  exportModel(defaultName: string): Promise<string | null>;
  importModel(): Promise<string | null>;
}

export interface AppServicesOptions {
  userDataDir: string;
  defaultModelDir: string;
  dialogs: Dialogs;
  emit: <E extends EventName>(event: E, payload: Events[E]) => void;
  version: string;
  backend?: BackendOptions;
  trainingWorkerUrl?: URL;
  /** The window asked to close and the renderer answered. */
  onConfirmClose?: (discardChanges: boolean) => void;
  /** Tests only. */
  trainingCrashAfterReports?: number;
  progressIntervalMs?: number;
}

export type HandlerTable = { [C in Channel]: (request: ParsedRequestOf<C>) => Promise<Responses[C]> };

export interface AppServices {
  handlers: HandlerTable;
  /** Validates a payload and runs its handler; never throws. */
  dispatch(channel: string, payload: unknown): Promise<IpcResult<unknown>>;
  settings: JsonStore<typeof settingsSchema>;
  appState: JsonStore<typeof appStateSchema>;
  documents: DocumentService;
  training: TrainingService;
  suggestions: SuggestionService;
  library: ModelLibrary;
  /** Imports a model archive by path (a double-clicked `.penwright` file), as Import does. */
  importModelFile(path: string): Promise<NonNullable<Responses['models:import']>>;
  /** Checkpoints a running training job and frees the model. */
  shutdown(): Promise<void>;
}

export async function createAppServices(options: AppServicesOptions): Promise<AppServices> {
  const { userDataDir, dialogs, emit } = options;
  await initBackend(options.backend);
  const settings = new JsonStore(join(userDataDir, 'settings.json'), settingsSchema, 'settings');
  const appState = new JsonStore(join(userDataDir, 'state.json'), appStateSchema, 'window state');
  await settings.load();
  await appState.load();

  const rememberRecent = async (path: string | null) => {
    if (path) await appState.update({ recentFiles: withRecent(appState.current.recentFiles, path) });
  };
  const recovery = new RecoveryService(join(userDataDir, 'recovery'));
  const documents = new DocumentService(async (info) => {
    await recovery.discard(info.docId); // saved: nothing left to recover
    await rememberRecent(info.path);
  });
  const library = new ModelLibrary({
    modelsDir: join(userDataDir, 'models'),
    defaultModelDir: options.defaultModelDir,
    activeModelId: () => settings.current.activeModelId,
    setActiveModelId: async (id) => {
      await settings.update({ activeModelId: id });
    },
    // called only after `training` below exists
    inUse: (): string[] => training.modelsInUse(),
  });
  // A remembered model that has since disappeared falls back to the default.
  await library.summary(settings.current.activeModelId).catch(() => settings.update({ activeModelId: 'default' }));
  const training = new TrainingService({
    jobsDir: join(userDataDir, 'training'),
    library,
    emit,
    threads: () => settings.current.trainingThreads,
    backend: options.backend,
    workerUrl: options.trainingWorkerUrl,
    crashAfterReports: options.trainingCrashAfterReports,
    progressIntervalMs: options.progressIntervalMs,
    onSpeedMeasured: async (preset, charsPerSecond) => {
      await appState.update({ trainingSpeed: { ...appState.current.trainingSpeed, [preset]: charsPerSecond } });
    },
  });
  await training.init();
  const suggestions = new SuggestionService({
    modelDir: (id) => library.dirOf(id),
    settings: () => settings.current,
  });
  const saveTarget = { chooseSavePath: (name: string) => dialogs.saveDocument(name) };
  const modelsChanged = async () => emit('models:changed', { models: await library.list() });
  /** Import's checks and events, for a dialog's choice or a file the system handed over. */
  const importModelFile = async (path: string) => {
    const summary = await library.importFrom(path);
    await modelsChanged();
    return summary;
  };

  const handlers: HandlerTable = {
    'app:info': async () => {
      const report = backendReport()!;
      return {
        version: options.version,
        backend: report,
        platform: process.platform,
        cores: availableParallelism(),
        trainingSpeed: appState.current.trainingSpeed,
      };
    },
    'app:confirmClose': async ({ discardChanges }) => {
      options.onConfirmClose?.(discardChanges);
      return null;
    },
    'documents:new': async () => documents.create(),
    'documents:open': async () => {
      const path = await dialogs.openDocument();
      if (!path) return null;
      const doc = await documents.open(path);
      await rememberRecent(path);
      return doc;
    },
    'documents:openRecent': async ({ path }) => {
      // only paths the user opened before: the renderer cannot name arbitrary files
      if (!appState.current.recentFiles.includes(path)) {
        throw new AppError('FORBIDDEN', 'That file is not in the list of recent documents.');
      }
      const doc = await documents.open(path).catch(async (e: unknown) => {
        await appState.update({ recentFiles: appState.current.recentFiles.filter((p) => p !== path) });
        throw e;
      });
      await rememberRecent(path);
      return doc;
    },
    'documents:recent': async () => appState.current.recentFiles,
    'documents:save': async ({ docId, text, overwrite }) => documents.save(docId, text, saveTarget, overwrite),
    'documents:saveAs': async ({ docId, text }) => documents.saveAs(docId, text, saveTarget),
    'documents:autosave': async ({ docId, text }) => ({ savedAt: await recovery.save(documents.info(docId), text) }),
    'documents:close': async ({ docId }) => {
      documents.close(docId);
      suggestions.closeDocument(docId);
      await recovery.discard(docId);
      return null;
    },
    'recovery:list': async () => {
      const open = new Set(documents.openDocuments().map((d) => d.docId));
      return (await recovery.list()).filter((r) => !open.has(r.recoveryId));
    },
    'recovery:restore': async ({ recoveryId }) => {
      const record = await recovery.read(recoveryId);
      const doc = documents.create(record.text, {
        path: record.path,
        title: record.title,
        encoding: record.encoding,
        lineEnding: record.lineEnding,
      });
      // move the record to the new document, so a second crash recovers it once
      await recovery.save(doc, record.text);
      await recovery.discard(recoveryId);
      return doc;
    },
    'recovery:discard': async ({ recoveryId }) => {
      await recovery.discard(recoveryId);
      return null;
    },
    'models:list': async () => library.list(),
    'models:select': async ({ modelId }) => {
      const summary = await library.select(modelId);
      suggestions.release();
      await modelsChanged();
      emit('settings:changed', { settings: settings.current });
      return summary;
    },
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
    'corpus:pick': async ({ folders }) => {
      const paths = await dialogs.pickCorpus(folders);
      return paths && paths.length ? { paths } : null;
    },
    'corpus:summarize': async ({ paths }) => (await readCorpus(paths)).summary,
    'training:start': async (request) => training.start(request),
    'training:cancel': async ({ jobId }) => {
      await training.cancel(jobId);
      return null;
    },
    'training:resume': async ({ jobId, budget }) => training.resume(jobId, budget),
    'training:list': async () => training.list(),
    'suggestions:request': async (request) => suggestions.request(request),
    'settings:get': async () => ({ settings: settings.current, notice: settings.notice }),
    'settings:update': async (patch) => {
      const before = settings.current.activeModelId;
      if (patch.activeModelId && patch.activeModelId !== before) await library.select(patch.activeModelId);
      const next = await settings.update(patch as Partial<Settings>);
      if (next.activeModelId !== before) suggestions.release();
      emit('settings:changed', { settings: next });
      return next;
    },
  };

  const log = (message: string, error: unknown) => console.error(`[penwright] ${message}:`, error);
  const dispatch = async (channel: string, payload: unknown): Promise<IpcResult<unknown>> => {
    if (!Object.hasOwn(requestSchemas, channel)) {
      return {
        ok: false,
        error: { code: 'BAD_REQUEST', message: `Unknown request "${String(channel).slice(0, 60)}".` },
      };
    }
    const schema = requestSchemas[channel as Channel];
    const parsed = schema.safeParse(payload ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` (${issue.path.join('.')})` : '';
      return {
        ok: false,
        error: { code: 'BAD_REQUEST', message: `Invalid request for ${channel}${where}: ${issue?.message}` },
      };
    }
    try {
      const handler = handlers[channel as Channel] as (request: unknown) => Promise<unknown>;
      return { ok: true, value: await handler(parsed.data) };
    } catch (e) {
      return { ok: false, error: toIpcError(e, log) };
    }
  };

  return {
    handlers,
    dispatch,
    settings,
    appState,
    documents,
    training,
    suggestions,
    library,
    importModelFile,
    shutdown: async () => {
      await training.shutdown();
      suggestions.release();
    },
  };
}
