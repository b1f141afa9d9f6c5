/**
 * Electron entry point: lifecycle, single instance, the window, menus and
 * IPC. Thin on purpose: everything else is in ./services, plain Node modules
 * the tests drive directly, and the decisions that need no Electron live in
 * small modules beside this one (close-guard, context-menu, model-files).
 *
 * Quitting follows Electron's order: 'before-quit', then each window's
 * cancellable 'close' (where the writer is asked about unsaved changes), then
 * 'will-quit', where the services shut down (a running training job is
 * checkpointed). Cancelling the question cancels the quit and leaves training
 * running.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, type WebContents } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MenuCommand, Settings } from '../shared/ipc-contract';
import { CLOSE_ANSWER_TIMEOUT_MS, CloseGuard } from './close-guard';
import { contextMenuTemplate } from './context-menu';
import { electronDialogs } from './dialogs';
import { registerIpc } from './ipc';
import { buildMenuTemplate } from './menu';
import { ModelFileQueue, modelFilesInArgv } from './model-files';
import { RENDERER_URL } from './security';
import { createAppServices, type AppServices } from './services/app-services';
import { toIpcError } from './services/app-error';
import { userDataOverride } from './user-data';
import { createMainWindow, lockDownWebContents, registerAppScheme, secureSession } from './window';

const here = fileURLToPath(new URL('.', import.meta.url));
/** Chromium's net error for a load replaced by another. */
const ERR_ABORTED = -3;
// A packaged app loads only its own bundle, whatever the environment says.
const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL || undefined;

function resourcePath(...parts: string[]): string {
  // packaged: extraResources sit in process.resourcesPath; from a checkout: the repository
  return app.isPackaged ? join(process.resourcesPath, ...parts) : join(here, '..', '..', 'resources', ...parts);
}

/** The wasm binaries are unpacked from the asar archive in a packaged app. */
function wasmDir(): string | undefined {
  if (!app.isPackaged) return undefined;
  return join(process.resourcesPath, 'app.asar.unpacked', 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
}

let win: BrowserWindow | null = null;
let guard: CloseGuard | null = null;
let services: AppServices | null = null;
/** The services' shutdown, once started: every later quit waits for the same one. */
let stopping: Promise<void> | null = null;
let stopped = false;
const modelFiles = new ModelFileQueue();

function refreshMenu(): void {
  if (!services) return;
  const send = (command: MenuCommand, path?: string) => win?.webContents.send('menu:command', { command, path });
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      buildMenuTemplate({
        platform: process.platform,
        appName: app.getName(),
        recentFiles: services.appState.current.recentFiles,
        send,
        clearRecent: () => {
          void services!.appState.update({ recentFiles: [] }).then(refreshMenu);
        },
      }),
    ),
  );
}

/** Title bar, scroll bars and native dialogs follow the app's theme setting. */
function applyTheme(settings: Settings): void {
  nativeTheme.themeSource = settings.theme;
}

/** A message box on the window when it is still there (a closed window cannot parent one). */
function showMessageBox(options: Electron.MessageBoxOptions): Promise<Electron.MessageBoxReturnValue> {
  return win && !win.isDestroyed() ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options);
}

/** A model archive handed over by the system: imported with Import's checks, then offered. */
async function openModelFile(path: string): Promise<void> {
  if (!services) return;
  try {
    const summary = await services.importModelFile(path);
    const options = {
      type: 'info' as const,
      message: `“${summary.name}” was added to your models.`,
      detail: 'Use it for suggestions now, or switch to it later from the Model menu.',
      buttons: ['Use It Now', 'Later'],
      defaultId: 0,
      cancelId: 1,
    };
    const { response } = await showMessageBox(options);
    if (response !== 0) return;
    const selected = await services.dispatch('models:select', { modelId: summary.modelId });
    if (!selected.ok) throw new Error(selected.error.message);
  } catch (e) {
    const { message } = toIpcError(e, (what, error) => console.error(`[penwright] ${what}:`, error));
    await showMessageBox({ type: 'error', message: 'This model could not be opened.', detail: message });
  }
}

function watchRenderer(contents: WebContents, closeGuard: CloseGuard): void {
  contents.on('did-finish-load', () => closeGuard.loaded());
  contents.on('did-fail-load', (_event, code, _description, _url, isMainFrame) => {
    // -3 (ERR_ABORTED) is a load replaced by another (a reload, the dev server's re-optimisation)
    if (isMainFrame && code !== ERR_ABORTED) closeGuard.gone();
  });
  contents.on('render-process-gone', (_event, details) => {
    console.error(`[penwright] the window's renderer stopped (${details.reason})`);
    closeGuard.gone();
  });
  contents.on('unresponsive', () => closeGuard.unresponsive());
  contents.on('responsive', () => closeGuard.responsive());
  contents.on('context-menu', (_event, params) => {
    const template = contextMenuTemplate(params, {
      replaceMisspelling: (word) => contents.replaceMisspelling(word),
      addToDictionary: (word) => contents.session.addWordToSpellCheckerDictionary(word),
    });
    Menu.buildFromTemplate(template).popup({ window: win ?? undefined, frame: params.frame ?? undefined });
  });
}

async function start(): Promise<void> {
  const rendererDir = join(here, '..', 'renderer');
  secureSession(rendererDir, devServerUrl);
  services = await createAppServices({
    userDataDir: app.getPath('userData'),
    defaultModelDir: resourcePath('models', 'default'),
    dialogs: electronDialogs(() => win),
    emit: (event, payload) => {
      if (win && !win.isDestroyed()) win.webContents.send(event, payload);
      if (event === 'models:changed') refreshMenu();
      if (event === 'settings:changed') applyTheme((payload as { settings: Settings }).settings);
    },
    version: app.getVersion(),
    backend: { wasmDir: wasmDir() },
    // emitted beside this entry by electron-vite (see electron.vite.config.ts)
    trainingWorkerUrl: new URL('./training-worker.js', import.meta.url),
    onConfirmClose: (close) => guard?.answered(close),
  });
  applyTheme(services.settings.current);
  registerIpc(ipcMain, services, () => win?.webContents ?? null, devServerUrl);
  const window = createMainWindow({
    preload: join(here, '..', 'preload', 'index.cjs'),
    state: services.appState.current.window,
    saveState: (state) => void services?.appState.update({ window: state }),
    icon: process.platform === 'linux' ? resourcePath('icon.png') : undefined,
  });
  win = window;
  const closeGuard = new CloseGuard({
    askRenderer: () => window.webContents.send('app:closeRequested', {}),
    // the page's event loop answers at once, even while the writer thinks over its question
    isAlive: () =>
      Promise.race([
        window.webContents.executeJavaScript('0').then(
          () => true,
          () => false,
        ),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), CLOSE_ANSWER_TIMEOUT_MS)),
      ]),
    askNative: async () => {
      const { response } = await dialog.showMessageBox(window, {
        type: 'warning',
        message: 'Penwright’s window is not responding.',
        detail: 'Close it anyway? Your text is autosaved every few seconds; the last few seconds may be lost.',
        buttons: ['Close Anyway', 'Wait'],
        defaultId: 1,
        cancelId: 1,
      });
      return response === 0;
    },
    close: () => window.close(),
    destroy: () => window.destroy(),
  });
  guard = closeGuard;
  watchRenderer(window.webContents, closeGuard);
  // closing with unsaved changes: the renderer asks the writer, then answers
  window.on('close', (event) => {
    if (!closeGuard.onClose()) event.preventDefault();
  });
  // Windows ends a logoff or shutdown without the quit events: checkpoint all the same.
  // Cancelling query-session-end asks Windows to wait while the checkpoint is written.
  window.on('query-session-end', (event) => {
    if (!stopped) event.preventDefault();
    void stopServices();
  });
  window.on('session-end', () => void stopServices());
  window.on('closed', () => {
    win = null;
    guard = null;
  });
  // the recent-files submenu follows what was opened and saved
  window.on('focus', refreshMenu);
  refreshMenu();
  // files handed over by the system are offered once the window shows
  window.once('ready-to-show', () => modelFiles.start(openModelFile));
  await window.loadURL(devServerUrl ?? RENDERER_URL).catch((e: unknown) => {
    // a load replaced by another (a reload during `npm run dev`) is not a failure to start
    if (!String(e).includes('ERR_ABORTED')) throw e;
  });
}

/** A start that fails must say so and end: a hidden process would hold the single-instance lock. */
function failedToStart(e: unknown): void {
  console.error('[penwright] could not start:', e);
  const detail = e instanceof Error ? e.message : String(e);
  dialog.showErrorBox('Penwright could not start', `${detail}\n\nIf this keeps happening, please report it.`);
  app.exit(1);
}

/** Once: checkpoint a running training job and free the model. Later calls wait for the same shutdown. */
function stopServices(): Promise<void> {
  if (!services) return Promise.resolve();
  stopping ??= services
    .shutdown()
    .catch((e: unknown) => console.error('[penwright] shutdown:', e))
    .finally(() => (stopped = true));
  return stopping;
}

const userDataDir = userDataOverride(app.commandLine.getSwitchValue('user-data-dir'), process.cwd());
if (userDataDir) app.setPath('userData', userDataDir);

registerAppScheme();
// macOS hands double-clicked files over as events, possibly before 'ready'
app.on('open-file', (event, path) => {
  event.preventDefault();
  modelFiles.add([path]);
});

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  modelFiles.add(modelFilesInArgv(process.argv, process.cwd()));
  app.on('second-instance', (_event, argv, workingDirectory) => {
    modelFiles.add(modelFilesInArgv(argv, workingDirectory));
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('web-contents-created', (_event, contents) => lockDownWebContents(contents));
  app
    .whenReady()
    .then(start)
    .catch((e: unknown) => failedToStart(e));
  app.on('window-all-closed', () => app.quit());
  // after every window agreed to close: checkpoint training, then really quit
  // (a second quit while the checkpoint is written waits for it too)
  app.on('will-quit', (event) => {
    if (!services || stopped) return;
    event.preventDefault();
    void stopServices().then(() => app.quit());
  });
}
