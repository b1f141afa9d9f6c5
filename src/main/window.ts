/**
 * The main window and its web session: secure web preferences (written out
 * here, literally, where reviewers and scanners look for them), no navigation
 * and no new windows, nothing from the network, every permission refused, the
 * renderer served from app://penwright with the CSP, and the window's size
 * and position remembered.
 */
import { BrowserWindow, nativeTheme, protocol, screen, session, type WebContents } from 'electron';
import { appProtocolResponse } from './app-protocol';
import type { AppState } from './services/settings/app-state';
import { APP_SCHEME, contentSecurityPolicy, isLocalUrl, spellcheckAllowed } from './security';

export interface WindowOptions {
  preload: string;
  state: AppState['window'];
  saveState: (state: AppState['window']) => void;
  /** The window icon on Linux (Windows and macOS take the executable's). */
  icon?: string;
}

/** The renderer's page colour in each theme (App.svelte's --bg), so no white flash precedes it. */
const PAGE_BACKGROUND = { light: '#fbfaf7', dark: '#1d1c1a' };

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

/** Before 'ready': app:// must be a standard, secure scheme for the page to use it like https. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** After 'ready': the session's rules, and app:// answering from the built renderer folder. */
export function secureSession(rendererDir: string, devServerUrl?: string): void {
  const ses = session.defaultSession;
  const csp = contentSecurityPolicy(devServerUrl);
  ses.protocol.handle(APP_SCHEME, (request) => appProtocolResponse(request.url, rendererDir, csp));
  // nothing from the network, whatever asks for it
  ses.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isLocalUrl(details.url, devServerUrl) });
  });
  ses.setSpellCheckerEnabled(spellcheckAllowed(process.platform));
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  // nothing leaves the machine and nothing is attached: every permission and device is refused
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.on('select-hid-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
  ses.on('select-serial-port', (event, _ports, _wc, callback) => {
    event.preventDefault();
    callback('');
  });
  ses.on('select-usb-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
}

/**
 * Every web contents the app creates (app 'web-contents-created'): no new
 * windows, no navigation or redirect away from our page, no webviews, no
 * Bluetooth device chosen for a page.
 */
export function lockDownWebContents(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.on('select-bluetooth-device', (event, _devices, callback) => {
    event.preventDefault();
    callback('');
  });
}

export function createMainWindow(options: WindowOptions): BrowserWindow {
  const { state } = options;
  const win = new BrowserWindow({
    width: state.width,
    height: state.height,
    ...(visible(state) ? { x: state.x, y: state.y } : {}),
    minWidth: 480,
    minHeight: 360,
    // shown at 'ready-to-show', maximised or not, so the writer never sees an empty frame
    show: false,
    title: 'Penwright',
    icon: options.icon,
    backgroundColor: nativeTheme.shouldUseDarkColors ? PAGE_BACKGROUND.dark : PAGE_BACKGROUND.light,
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      // a middle click would open links in new windows
      disableBlinkFeatures: 'Auxclick',
      spellcheck: spellcheckAllowed(process.platform),
      preload: options.preload,
    },
  });
  // maximize() also shows a hidden window (but does not focus it): only once the page is painted
  win.once('ready-to-show', () => {
    if (state.maximized) win.maximize();
    win.show();
  });

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
  win.on('closed', () => clearTimeout(timer));
  return win;
}
