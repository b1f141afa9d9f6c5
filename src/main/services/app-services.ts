/**
 * The app's back half, without Electron: every service wired together and
 * the handler table (channel -> function) that ipcMain calls, and that tests
 * call directly over temporary folders. Electron supplies only the dialogs,
 * the event sink and the window's close confirmation. Over 300 lines on
 * purpose: the wiring is in one place, because seeing every service and its
 * handlers together is why this file exists.
 */
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { backendReport, initBackend, type BackendOptions } from '../../model/network/backend';
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
import { VARIETY_TEMPERATURE } from '../../shared/vocabulary';
import { keyConflict } from '../../shared/keybindings';
import { AppError, toIpcError } from './app-error';
import { sweepTempFilesOf } from './leftovers';
import { appStateSchema, withRecent } from './settings/app-state';
import { createTrainingHandlers } from './training/training-handlers';
import { createAuthorshipHandlers } from './authorship/authorship-handlers';
import { AuthorshipStore } from './authorship/authorship-store';
import { createDocumentHandlers } from './documents/document-handlers';
import { createFolderHandlers } from './settings/folder-preferences';
import type { DocumentService } from './documents/documents';
import { JsonStore } from './settings/json-store';
import { createModelHandlers } from './models/model-handlers';
import { ModelLibrary } from './models/model-library';
import { AdaptationThread } from './adaptation/adaptation-thread';
import { createAdaptationHandlers } from './adaptation/adaptation-handlers';
import type { Adaptation } from '../../model/suggesting/adaptation-runner';
import { SuggestionService } from './suggestions';
import { SurpriseService } from './surprise';
import { TrainingService } from './training/training-jobs';
import { lastTrainingBackend } from './training/last-training-backend';
import type { TrainingBackendMode } from '../../model/training/training-backend';

/** The native dialogs: Electron's in the app, scripted ones in tests. Null means cancelled. */
export interface Dialogs {
  openDocument(): Promise<string | null>;
  saveDocument(defaultName: string): Promise<string | null>;
  pickCorpus(folders: boolean): Promise<string[] | null>;
  exportModel(defaultName: string): Promise<string | null>;
  importModel(): Promise<string | null>;
  /** Where to write an authorship report. */
  exportReport(defaultName: string): Promise<string | null>;
}

export interface AppServicesOptions {
  userDataDir: string;
  defaultModelDir: string;
  dialogs: Dialogs;
  emit: <E extends EventName>(event: E, payload: Events[E]) => void;
  version: string;
  backend?: BackendOptions;
  trainingWorkerUrl?: URL;
  /** Default `auto` (measured at the first training); tests may force one. */
  trainingBackend?: TrainingBackendMode;
  /** The window asked to close and the renderer answered. */
  onConfirmClose?: (discardChanges: boolean) => void;
  /** Tests only: the model files' thread (archive-worker.ts) and its time limit, the corpus summary's thread. */
  archiveWorkerUrl?: URL;
  archiveTimeoutMs?: number;
  corpusSummaryWorkerUrl?: URL;
  /** Tests only: the adaptation thread (adaptation-worker.ts) or a runner in its place, and the pause before it learns. */
  adaptationWorkerUrl?: URL;
  adaptation?: Adaptation;
  adaptAfterPauseMs?: number;
  /** Tests only. */
  trainingCrashAfterReports?: number;
  trainingCancelGraceMs?: number;
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
  surprise: SurpriseService;
  library: ModelLibrary;
  /** Imports a model archive by path (a double-clicked `.penwright` file), as Import does. */
  importModelFile(path: string): Promise<NonNullable<Responses['models:import']>>;
  /** Checkpoints a running training job and frees the model. */
  shutdown(): Promise<void>;
  /** The startup sweep of what a killed run left (leftovers.ts), in the background; its paths, for tests. */
  leftoversSwept: Promise<string[]>;
}

export async function createAppServices(options: AppServicesOptions): Promise<AppServices> {
  const { userDataDir, dialogs, emit } = options;
  await initBackend(options.backend);
  const settings = new JsonStore(join(userDataDir, 'settings.json'), settingsSchema, 'settings');
  const appState = new JsonStore(join(userDataDir, 'state.json'), appStateSchema, 'window state');
  await settings.load();
  await appState.load();

  const writersText = createDocumentHandlers({
    recoveryDir: join(userDataDir, 'recovery'),
    dialogs,
    recent: {
      list: () => appState.current.recentFiles,
      remember: async (path) => {
        await appState.update((state) => ({ recentFiles: withRecent(state.recentFiles, path) }));
      },
      forget: async (path) => {
        await appState.update((state) => ({ recentFiles: state.recentFiles.filter((p) => p !== path) }));
      },
    },
    // called only after `suggestions` below exists
    onClose: (docId) => {
      suggestions.closeDocument(docId);
      surprise.closeDocument(docId);
    },
    onOpen: (doc) => void suggestions.documentOpened(doc.docId, doc.text),
  });
  const { documents } = writersText;
  const library = new ModelLibrary({
    modelsDir: join(userDataDir, 'models'),
    defaultModelDir: options.defaultModelDir,
    activeModelId: () => settings.current.activeModelId,
    setActiveModelId: async (id) => {
      await settings.update({ activeModelId: id });
    },
    // called only after `training` below exists
    inUse: (): string[] => training.modelsInUse(),
    archiveThread: { workerUrl: options.archiveWorkerUrl, timeoutMs: options.archiveTimeoutMs },
  });
  // In the background: a recent file's folder may be on a disk that is slow to answer, and nothing here waits for it.
  const leftoversSwept = Promise.all([library.sweepLeftovers(), sweepTempFilesOf(appState.current.recentFiles)]).then(
    (found) => found.flat(),
    (e: unknown) => {
      console.error('[penwright] sweeping what an earlier run left:', e);
      return [];
    },
  );
  // A remembered model that has since disappeared falls back to the default.
  await library.summary(settings.current.activeModelId).catch(() => settings.update({ activeModelId: 'default' }));
  const trainingBackendCache = join(userDataDir, 'training-backend.json');
  const training = new TrainingService({
    jobsDir: join(userDataDir, 'training'),
    library,
    emit,
    threads: () => settings.current.trainingThreads,
    backend: options.backend,
    trainingBackendCache,
    trainingBackend: options.trainingBackend,
    workerUrl: options.trainingWorkerUrl,
    crashAfterReports: options.trainingCrashAfterReports,
    cancelGraceMs: options.trainingCancelGraceMs,
    progressIntervalMs: options.progressIntervalMs,
    // the editor shows ghost text only when a temperature is below the one where variety begins
    ghostSettings: () =>
      settings.current.temperatures.some((t) => t < VARIETY_TEMPERATURE)
        ? {
            minConfidence: settings.current.suggestionConfidence,
            maxChars: settings.current.suggestionChars,
            stop: settings.current.stopRule,
          }
        : null,
    onSpeedMeasured: async (preset, charsPerSecond) => {
      await appState.update((state) => ({ trainingSpeed: { ...state.trainingSpeed, [preset]: charsPerSecond } }));
    },
  });
  await training.init();
  // "learn this document as I write": its own thread, started on first use
  const adaptation = options.adaptation ?? new AdaptationThread(options.adaptationWorkerUrl);
  const suggestions = new SuggestionService({
    modelDir: (id) => library.dirOf(id),
    settings: () => settings.current,
    isOpen: (docId) => documents.isOpen(docId),
    adaptation,
    adaptAfterPauseMs: options.adaptAfterPauseMs,
    onAdaptationError: (e) => console.error('[penwright] learning the document failed:', e),
    onAdaptationChanged: (docId, adaptations) => emit('adaptation:changed', { docId, adaptations }),
  });
  const surprise = new SurpriseService({
    modelDir: (id) => library.dirOf(id),
    activeModelId: () => settings.current.activeModelId,
    // the weights' file changes when a model is trained further or replaced: a cheap stat, no description read
    modelVersion: async (id) => {
      const weights = await stat(join(library.dirOf(id), 'weights.bin'));
      return `${weights.mtimeMs}:${weights.size}`;
    },
    isOpen: (docId) => documents.isOpen(docId),
    suggestionsIdle: () => suggestions.whenIdle(),
  });
  const models = createModelHandlers({
    library,
    dialogs,
    emit,
    settings: () => settings.current,
    releaseSuggestions: () => suggestions.release(),
  });

  const authorship = new AuthorshipStore(join(userDataDir, 'authorship'), () => settings.current.authorshipRecord);
  const folders = createFolderHandlers({ documents, settings, selectModel: models.selectModel, emit });

  const handlers: HandlerTable = {
    'app:info': async () => {
      const report = backendReport()!;
      return {
        version: options.version,
        backend: report,
        platform: process.platform,
        cores: availableParallelism(),
        trainingSpeed: appState.current.trainingSpeed,
        // read, not measured: the measurement happens in the first training job
        trainingBackend: await lastTrainingBackend(trainingBackendCache),
      };
    },
    'app:confirmClose': async ({ discardChanges }) => {
      options.onConfirmClose?.(discardChanges);
      return null;
    },
    ...writersText.handlers,
    ...models.handlers,
    'models:select': async ({ modelId, forDocId }) => {
      const summary = await models.selectModel(modelId);
      if (forDocId) await folders.rememberModel(forDocId, modelId);
      return summary;
    },
    ...createTrainingHandlers({ training, dialogs, summarizer: { workerUrl: options.corpusSummaryWorkerUrl } }),
    'suggestions:request': async (request) => suggestions.request(request),
    'surprise:score': async (request) => surprise.score(request),
    'surprise:expected': async (request) => surprise.expected(request),
    'settings:get': async () => ({ settings: settings.current, notice: settings.notice }),
    'settings:update': async ({ activeModelId, ...rest }) => {
      // switching the model here is the same switch as the Models panel's
      if (activeModelId && activeModelId !== settings.current.activeModelId) await models.selectModel(activeModelId);
      if (Object.keys(rest).length === 0) return settings.current;
      // the schema checked each key; whether two commands share one depends on this platform's defaults
      const clash = rest.keybindings && keyConflict(rest.keybindings, process.platform === 'darwin');
      if (clash) throw new AppError('BAD_REQUEST', clash);
      const next = await settings.update(rest as Partial<Settings>);
      // off: what documents learned goes now (nothing left to keep), not at their next requests
      if (rest.adaptToDocument === false) suggestions.dropAdaptations();
      // off deletes what was recorded: after the setting says off, so a save's record write still on its way
      // finds it off; a delete that fails turns it back on (the writer must not be told off while a record stays)
      if (rest.authorshipRecord === false && settings.current.authorshipRecord === false) {
        await authorship.deleteAll().catch(async (e: unknown) => {
          await settings.update({ authorshipRecord: true });
          log('could not delete the authorship record', e);
          throw new AppError(
            'FILE_ERROR',
            'The record of suggested text could not be deleted, so it stays on. Try again.',
          );
        });
      }
      emit('settings:changed', { settings: next });
      return next;
    },
    ...createAuthorshipHandlers({
      store: authorship,
      documents,
      enabled: () => settings.current.authorshipRecord,
      dialogs,
    }),
    ...folders.handlers,
    ...createAdaptationHandlers({ suggestions, documents, library, emit }),
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
    surprise,
    library,
    importModelFile: models.importModelFile,
    leftoversSwept,
    shutdown: async () => {
      await training.shutdown();
      suggestions.release();
      surprise.release();
      await adaptation.dispose();
    },
  };
}
