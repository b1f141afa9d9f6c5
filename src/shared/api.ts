/**
 * The API the renderer sees as `window.penwright`: one named method per
 * operation, each resolving to an IpcResult so callers tell errors apart, and
 * event subscriptions that return their unsubscribe function. Built from a
 * transport, so the preload (ipcRenderer) and the browser test harness
 * (bridged to the handler table) expose exactly the same object.
 *
 * Imports only types: the sandboxed preload bundles this file alone.
 */
import type { Channel, EventName, Events, IpcResult, RequestOf, Responses } from './ipc-contract';

export interface Transport {
  invoke(channel: Channel, payload: unknown): Promise<IpcResult<unknown>>;
  /** Calls `listener` with each event's payload; returns the unsubscribe function. */
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}

type Invoke<C extends Channel> = (payload: RequestOf<C>) => Promise<IpcResult<Responses[C]>>;
type Listen<E extends EventName> = (listener: (payload: Events[E]) => void) => () => void;

export function createApi(transport: Transport) {
  const call =
    <C extends Channel>(channel: C): Invoke<C> =>
    (payload) =>
      transport.invoke(channel, payload ?? {}) as Promise<IpcResult<Responses[C]>>;
  const call0 =
    <C extends Channel>(channel: C) =>
    () =>
      transport.invoke(channel, {}) as Promise<IpcResult<Responses[C]>>;
  const on =
    <E extends EventName>(event: E): Listen<E> =>
    (listener) =>
      transport.subscribe(event, (payload) => listener(payload as Events[E]));

  return {
    appInfo: call0('app:info'),
    confirmClose: call('app:confirmClose'),

    newDocument: call0('documents:new'),
    openDocument: call0('documents:open'),
    openRecentDocument: call('documents:openRecent'),
    recentDocuments: call0('documents:recent'),
    saveDocument: call('documents:save'),
    saveDocumentAs: call('documents:saveAs'),
    autosaveDocument: call('documents:autosave'),
    closeDocument: call('documents:close'),

    listRecovered: call0('recovery:list'),
    restoreRecovered: call('recovery:restore'),
    discardRecovered: call('recovery:discard'),

    listModels: call0('models:list'),
    selectModel: call('models:select'),
    renameModel: call('models:rename'),
    deleteModel: call('models:delete'),
    exportModel: call('models:export'),
    importModel: call0('models:import'),

    pickCorpus: call('corpus:pick'),
    summarizeCorpus: call('corpus:summarize'),
    startTraining: call('training:start'),
    cancelTraining: call('training:cancel'),
    resumeTraining: call('training:resume'),
    listTrainingJobs: call0('training:list'),

    requestSuggestions: call('suggestions:request'),

    scoreParagraphs: call('surprise:score'),
    expectedWords: call('surprise:expected'),

    getSettings: call0('settings:get'),
    updateSettings: call('settings:update'),

    loadAuthorship: call('authorship:load'),
    authorshipSaved: call('authorship:saved'),
    exportAuthorship: call('authorship:export'),

    folderOpened: call('folders:opened'),
    setFolderSuggest: call('folders:suggest'),

    keepAdaptation: call('adaptation:keep'),

    onTrainingProgress: on('training:progress'),
    onTrainingFinished: on('training:finished'),
    onTrainingFailed: on('training:failed'),
    onModelsChanged: on('models:changed'),
    onSettingsChanged: on('settings:changed'),
    onMenuCommand: on('menu:command'),
    onCloseRequested: on('app:closeRequested'),
    onAdaptationChanged: on('adaptation:changed'),
  };
}

export type PenwrightApi = ReturnType<typeof createApi>;

/**
 * Beside the API, one call only the preload can make honestly: a file dropped
 * on the window, turned into its path there (webUtils.getPathForFile) and
 * recorded by main as handed over by the writer. Web content cannot make a
 * File for a path the user did not give it, so it cannot make main read
 * arbitrary files this way.
 */
export interface DropBridge {
  addDroppedFile(file: File): Promise<IpcResult<Responses['corpus:dropped']>>;
}

/** What the renderer finds as `window.penwright`. */
export type WindowApi = PenwrightApi & DropBridge;
