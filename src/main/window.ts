/**
 * The main window: secure web preferences, no navigation and no new windows,
 * the CSP also sent as a header, and its size and position remembered.
 */
import { BrowserWindow, screen, session } from 'electron';
import type { AppState } from './services/app-state';
import { CONTENT_SECURITY_POLICY, SECURE_WEB_PREFERENCES, isLocalUrl, spellcheckAllowed } from './security';

export interface WindowOptions {
  preload: string;
  state: AppState['window'];
  saveState: (state: AppState['window']) => void;
}

function visible(state: AppState['window']): boolean {
  if (state.x === undefined || state.y === undefined) return false;
  return screen.getAllDisplays().some((d) => {
    const b = d.workArea;
    return (
      state.x! < b.x + b.width - 50 &&
      state.x! + state.width > b.x + 50 &&
      state.y! >= b.y - 10 &&
      state.y! < b.y + b.height - 50
    );
  });
}

export function installContentSecurityPolicy(devServerUrl?: string): void {
  // nothing from the network, whatever asks for it
  session.defaultSession.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isLocalUrl(details.url, devServerUrl) });
  });
  session.defaultSession.setSpellCheckerEnabled(spellcheckAllowed(process.platform));
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  // nothing leaves the machine: deny every permission request (camera, notifications, ...)
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
}

export function createMainWindow(options: WindowOptions): BrowserWindow {
  const { state } = options;
  const win = new BrowserWindow({
    width: state.width,
    height: state.height,
    ...(visible(state) ? { x: state.x, y: state.y } : {}),
    minWidth: 480,
    minHeight: 360,
    show: false,
    title: 'Penwright',
    backgroundColor: '#1e1e1e',
    webPreferences: {
      ...SECURE_WEB_PREFERENCES,
      spellcheck: spellcheckAllowed(process.platform),
      preload: options.preload,
    },
  });
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.on('will-redirect', (event) => event.preventDefault());
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());

  let timer: NodeJS.Timeout | undefined;
  const remember = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (win.isDestroyed() || win.isMinimized()) return;
      const maximized = win.isMaximized();
      const b = maximized ? { ...state, ...win.getNormalBounds() } : win.getBounds();
      options.saveState({ x: b.x, y: b.y, width: b.width, height: b.height, maximized });
    }, 500);
  };
  win.on('resize', remember);
  win.on('move', remember);
  win.on('maximize', remember);
  win.on('unmaximize', remember);
  return win;
}
