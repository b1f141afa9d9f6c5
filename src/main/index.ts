/**
 * Electron entry point: lifecycle, single instance, the window, menus and
 * IPC. Thin on purpose: everything else is in ./services, plain Node modules
 * the tests drive directly.
 */
import { app, BrowserWindow, ipcMain, Menu } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronDialogs } from './dialogs';
import { registerIpc } from './ipc';
import { buildMenuTemplate } from './menu';
import type { MenuCommand } from '../shared/ipc-contract';
import { createAppServices, type AppServices } from './services/app-services';
import { userDataOverride } from './user-data';
import { createMainWindow, installContentSecurityPolicy } from './window';

const here = fileURLToPath(new URL('.', import.meta.url));
const devServerUrl = process.env.ELECTRON_RENDERER_URL;

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
let services: AppServices | null = null;
let closeConfirmed = false;

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

async function start(): Promise<void> {
  installContentSecurityPolicy(devServerUrl);
  services = await createAppServices({
    userDataDir: app.getPath('userData'),
    defaultModelDir: resourcePath('models', 'default'),
    dialogs: electronDialogs(() => win),
    emit: (event, payload) => {
      if (win && !win.isDestroyed()) win.webContents.send(event, payload);
      if (event === 'models:changed') refreshMenu();
    },
    version: app.getVersion(),
    backend: { wasmDir: wasmDir() },
    // emitted beside this entry by electron-vite (see electron.vite.config.ts)
    trainingWorkerUrl: new URL('./training-worker.js', import.meta.url),
    onConfirmClose: (discard) => {
      if (!discard || !win) return;
      closeConfirmed = true;
      win.close();
    },
  });
  registerIpc(ipcMain, services, () => win?.webContents ?? null, devServerUrl);
  win = createMainWindow({
    preload: join(here, '..', 'preload', 'index.cjs'),
    state: services.appState.current.window,
    saveState: (window) => void services?.appState.update({ window }),
  });
  // closing with unsaved changes: the renderer asks the writer, then confirms
  win.on('close', (event) => {
    if (closeConfirmed) return;
    event.preventDefault();
    win?.webContents.send('app:closeRequested', {});
  });
  win.on('closed', () => (win = null));
  // the recent-files submenu follows what was opened and saved
  win.on('focus', refreshMenu);
  refreshMenu();
  if (devServerUrl) await win.loadURL(devServerUrl);
  else await win.loadFile(join(here, '..', 'renderer', 'index.html'));
}

const userDataDir = userDataOverride(app.commandLine.getSwitchValue('user-data-dir'), process.cwd());
if (userDataDir) app.setPath('userData', userDataDir);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event) => event.preventDefault());
  });
  app.whenReady().then(start, (e: unknown) => {
    console.error(e);
    app.exit(1);
  });
  app.on('window-all-closed', () => app.quit());
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting || !services) return;
    event.preventDefault();
    quitting = true;
    // checkpoint a running training job so it can be resumed next time
    void services.shutdown().finally(() => app.quit());
  });
}
