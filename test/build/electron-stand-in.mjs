/**
 * A strict stand-in for the `electron` module, so the BUILT main process
 * (out/main/index.js) runs in plain Node where Electron's binary cannot.
 * Loaded through electron-hooks.mjs (a module.register resolve hook).
 *
 * Strict: every object is a Proxy that throws, and reports, any API it does
 * not implement, so a call the app makes that this file never heard of fails
 * the test instead of passing silently.
 *
 * What it keeps of Electron (from its documentation):
 * - 'ready' fires after the main script has run; protocol.registerSchemesAsPrivileged
 *   only works before it, protocol.handle only after it.
 * - app.quit(): 'before-quit' (cancellable), then each window's 'close'
 *   (cancellable; a cancelled close cancels the quit), 'closed', then
 *   'will-quit' (cancellable), then 'quit' and the process ends.
 *   'window-all-closed' fires when the last window closes outside a quit.
 * - app.exit(code) ends at once without the quit events.
 * - maximize() shows a hidden window.
 * - the page at app:// is fetched through the app's own protocol handler,
 *   with its scripts and styles, and 'did-finish-load' / 'ready-to-show'
 *   follow only when they load.
 * Where it simplifies (the tests say so too): windows close synchronously
 * (Electron runs the page's beforeunload first); no renderer process runs,
 * the test plays the renderer through ipcMain's handlers; one display.
 *
 * The test drives it over the child-process IPC channel: commands in,
 * events and replies out (see test/build/stand-in-app.ts).
 */
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const scenario = JSON.parse(process.env.PENWRIGHT_ELECTRON_STAND_IN ?? '{}');
const messageBoxAnswers = [...(scenario.messageBoxAnswers ?? [])];
const openDialogAnswers = [...(scenario.openDialogAnswers ?? [])];

// ---------- talking to the test ----------

let sending = Promise.resolve();
function report(type, detail = {}) {
  if (!process.send) return;
  const message = JSON.parse(
    JSON.stringify({ ...detail, type }, (_k, v) => (typeof v === 'function' ? '[function]' : v)),
  );
  sending = sending.then(() => new Promise((resolve) => process.send(message, () => resolve())));
}

// Electron keeps running until it quits, whatever its event loop holds.
const keepAlive = setInterval(() => {}, 1 << 30);
let ended = false;
function end(code) {
  if (ended) return;
  ended = true;
  report('exit', { code });
  clearInterval(keepAlive);
  void sending.then(() => process.exit(code));
}
process.on('uncaughtException', (e) => {
  report('uncaught', { message: String(e?.stack ?? e) });
  end(70);
});
process.on('unhandledRejection', (e) => {
  report('uncaught', { message: `unhandled rejection: ${String(e?.stack ?? e)}` });
  end(70);
});

// ---------- strictness ----------

/** Event names each Electron class documents (from electron.d.ts), to refuse a listener for a misspelt one. */
const EVENT_NAMES = (() => {
  const dts = readFileSync(join(process.cwd(), 'node_modules', 'electron', 'electron.d.ts'), 'utf8');
  const block = (header) => {
    const start = dts.indexOf(`\n  ${header}`);
    if (start < 0) throw new Error(`electron stand-in: no ${header} in electron.d.ts`);
    const end = dts.indexOf('\n  }\n', start);
    return dts.slice(start, end);
  };
  const names = (header) => new Set([...block(header).matchAll(/\bon\(event: '([^']+)'/g)].map((m) => m[1]));
  const baseWindow = names('class BaseWindow extends');
  return {
    app: names('interface App extends'),
    BrowserWindow: new Set([...baseWindow, ...names('class BrowserWindow extends')]),
    webContents: names('class WebContents extends'),
    session: names('class Session extends'),
  };
})();

const LISTENER_METHODS = ['on', 'once', 'off', 'addListener', 'removeListener'];
/** The proxy each raw stand-in object is seen through by the app. */
const proxyOf = new WeakMap();

/**
 * The app sees `target` only through this: a property that is not in `api`
 * (Electron's documented API that this stand-in implements) throws and is
 * reported, bookkeeping fields included; methods run on the raw object; a
 * listener for an event the class does not document throws.
 */
function strict(name, target, api, events) {
  const allowed = new Set([...api, ...(events ? LISTENER_METHODS : [])]);
  const proxy = new Proxy(target, {
    get(t, prop) {
      // probes made by await, JSON and the module system, not API calls
      if (typeof prop === 'symbol' || prop === 'then' || prop === 'toJSON' || prop === '__esModule') return undefined;
      if (!allowed.has(prop)) {
        const api = `${name}.${String(prop)}`;
        report('unimplemented', { api });
        throw new Error(`electron stand-in: ${api} is not implemented`);
      }
      const value = Reflect.get(t, prop, t);
      if (typeof value !== 'function') return value;
      if (events && LISTENER_METHODS.includes(prop) && prop !== 'off' && prop !== 'removeListener') {
        return (event, listener) => {
          if (!events.has(event)) {
            report('unknown-event', { api: `${name}.${prop}('${event}')` });
            throw new Error(`electron stand-in: ${name} has no '${event}' event`);
          }
          t[prop](event, listener);
          return proxy;
        };
      }
      return value.bind(t);
    },
    set(t, prop, value) {
      if (!allowed.has(prop)) throw new Error(`electron stand-in: ${name}.${String(prop)} cannot be set`);
      return Reflect.set(t, prop, value, t);
    },
  });
  proxyOf.set(target, proxy);
  return proxy;
}

/** An object literal whose every property is API. */
function plain(name, target) {
  return strict(name, target, Object.keys(target));
}

class StandInEvent {
  defaultPrevented = false;
  preventDefault() {
    this.defaultPrevented = true;
  }
}

function emitCancellable(emitter, name, ...args) {
  const event = new StandInEvent();
  emitter.emit(name, event, ...args);
  return event.defaultPrevented;
}

// ---------- app ----------

let isReady = false;
let resolveReady;
const readyPromise = new Promise((resolve) => (resolveReady = resolve));
const windows = new Set();
const paths = {
  userData: scenario.userData ?? join(tmpdir(), 'penwright-stand-in-user-data'),
  temp: tmpdir(),
  home: tmpdir(),
  documents: tmpdir(),
  desktop: tmpdir(),
};
// Electron's own addition to process
process.resourcesPath = scenario.resourcesPath ?? join(process.cwd(), 'resources');
const packageJson = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8'));

class AppStandIn extends EventEmitter {
  isPackaged = Boolean(scenario.packaged);
  commandLine = plain('app.commandLine', {
    getSwitchValue(name) {
      const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
      return arg ? arg.slice(name.length + 3) : '';
    },
    hasSwitch(name) {
      return process.argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    },
  });
  quitting = false;

  whenReady() {
    return readyPromise;
  }
  isReady() {
    return isReady;
  }
  getPath(name) {
    if (!(name in paths)) throw new Error(`electron stand-in: app.getPath('${name}') is not implemented`);
    return paths[name];
  }
  setPath(name, value) {
    report('app-set-path', { name, value });
    paths[name] = value;
  }
  getName() {
    return packageJson.productName ?? packageJson.name;
  }
  getVersion() {
    return packageJson.version;
  }
  requestSingleInstanceLock() {
    return !scenario.lockHeld;
  }
  quit() {
    if (this.quitting) return;
    report('app-event', { name: 'before-quit' });
    if (emitCancellable(this, 'before-quit')) return report('quit-cancelled', { by: 'before-quit' });
    this.quitting = true;
    for (const win of [...windows]) {
      win.close();
      if (!win.isDestroyed()) {
        this.quitting = false;
        return report('quit-cancelled', { by: 'close' });
      }
    }
    report('app-event', { name: 'will-quit' });
    if (emitCancellable(this, 'will-quit')) {
      this.quitting = false;
      return report('quit-cancelled', { by: 'will-quit' });
    }
    report('app-event', { name: 'quit' });
    emitCancellable(this, 'quit', 0);
    end(0);
  }
  exit(code = 0) {
    report('app-exit', { code });
    end(code);
  }
}
const appRaw = new AppStandIn();
export const app = strict(
  'app',
  appRaw,
  [
    'isPackaged',
    'commandLine',
    'whenReady',
    'isReady',
    'getPath',
    'setPath',
    'getName',
    'getVersion',
    'requestSingleInstanceLock',
    'quit',
    'exit',
  ],
  EVENT_NAMES.app,
);

// ---------- protocol and session ----------

const privilegedSchemes = [];
const protocolHandlers = new Map();
export const protocol = plain('protocol', {
  registerSchemesAsPrivileged(schemes) {
    if (isReady) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
    privilegedSchemes.push(...schemes);
  },
  handle(scheme, handler) {
    if (!isReady) throw new Error('protocol.handle cannot be used before the app is ready');
    protocolHandlers.set(scheme, handler);
  },
});

const sessionState = {
  beforeRequest: null,
  headersReceived: null,
  spellChecker: null,
  permissionRequest: null,
  permissionCheck: null,
  devicePermission: null,
  dictionary: [],
};
class SessionStandIn extends EventEmitter {
  protocol = protocol;
  webRequest = plain('session.webRequest', {
    onBeforeRequest(listener) {
      sessionState.beforeRequest = listener;
    },
    onHeadersReceived(listener) {
      sessionState.headersReceived = listener;
    },
  });
  setSpellCheckerEnabled(enabled) {
    sessionState.spellChecker = enabled;
  }
  setPermissionRequestHandler(handler) {
    sessionState.permissionRequest = handler;
  }
  setPermissionCheckHandler(handler) {
    sessionState.permissionCheck = handler;
  }
  setDevicePermissionHandler(handler) {
    sessionState.devicePermission = handler;
  }
  addWordToSpellCheckerDictionary(word) {
    sessionState.dictionary.push(word);
    return true;
  }
}
const defaultSession = strict(
  'session',
  new SessionStandIn(),
  [
    'protocol',
    'webRequest',
    'setSpellCheckerEnabled',
    'setPermissionRequestHandler',
    'setPermissionCheckHandler',
    'setDevicePermissionHandler',
    'addWordToSpellCheckerDictionary',
  ],
  EVENT_NAMES.session,
);
export const session = plain('session (module)', { defaultSession });

// ---------- ipcMain ----------

const ipcHandlers = new Map();
export const ipcMain = plain('ipcMain', {
  handle(channel, handler) {
    if (ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    ipcHandlers.set(channel, handler);
  },
  removeHandler(channel) {
    ipcHandlers.delete(channel);
  },
});

// ---------- menus and dialogs ----------

let applicationMenu = null;
const labelsOf = (items) =>
  items.map((item) => ({
    label: item.label ?? item.role ?? item.type,
    enabled: item.enabled,
    submenu: Array.isArray(item.submenu) ? labelsOf(item.submenu) : undefined,
  }));
export const Menu = plain('Menu', {
  buildFromTemplate(template) {
    return plain('menu', {
      items: template,
      popup(options = {}) {
        report('context-menu', {
          items: labelsOf(template),
          hasWindow: Boolean(options.window),
          hasFrame: Boolean(options.frame),
        });
      },
    });
  },
  setApplicationMenu(menu) {
    applicationMenu = menu;
  },
  getApplicationMenu() {
    return applicationMenu;
  },
});

function dialogArgs(a, b) {
  return b === undefined ? { parent: null, options: a } : { parent: a, options: b };
}
export const dialog = plain('dialog', {
  showErrorBox(title, content) {
    report('error-box', { title, content });
  },
  async showMessageBox(a, b) {
    const { parent, options } = dialogArgs(a, b);
    if (parent?.isDestroyed()) throw new TypeError('Object has been destroyed');
    const response = messageBoxAnswers.length ? messageBoxAnswers.shift() : (options.cancelId ?? 0);
    report('message-box', { ...options, kind: options.type, hasParent: Boolean(parent), response });
    return { response, checkboxChecked: false };
  },
  async showOpenDialog(a, b) {
    const { options } = dialogArgs(a, b);
    const filePaths = openDialogAnswers.shift() ?? null;
    report('open-dialog', { options, filePaths });
    return filePaths ? { canceled: false, filePaths } : { canceled: true, filePaths: [] };
  },
  async showSaveDialog(a, b) {
    const { options } = dialogArgs(a, b);
    report('save-dialog', { options });
    return { canceled: true, filePath: '' };
  },
});

// ---------- nativeTheme and screen ----------

const theme = { source: 'system' };
export const nativeTheme = plain('nativeTheme', {
  get themeSource() {
    return theme.source;
  },
  set themeSource(value) {
    if (!['system', 'light', 'dark'].includes(value)) throw new TypeError(`bad themeSource ${value}`);
    theme.source = value;
    report('theme-source', { value });
  },
  get shouldUseDarkColors() {
    return theme.source === 'dark';
  },
});

const display = {
  id: 1,
  workArea: { x: 0, y: 0, width: 1920, height: 1040 },
  bounds: { x: 0, y: 0, width: 1920, height: 1080 },
};
export const screen = plain('screen', {
  getAllDisplays: () => [display],
  getPrimaryDisplay: () => display,
});

// ---------- windows ----------

let nextId = 1;
class WebContentsStandIn extends EventEmitter {
  constructor(owner) {
    super();
    this.id = nextId++;
    this.owner = owner;
    this.url = '';
    this.windowOpenHandler = null;
    this.session = defaultSession;
    /** A hung page's event loop answers nothing. */
    this.hung = false;
  }
  send(channel, payload) {
    report('sent', { channel, payload });
  }
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler;
  }
  getURL() {
    return this.url;
  }
  isDestroyed() {
    return this.owner.destroyed;
  }
  replaceMisspelling(word) {
    report('replace-misspelling', { word });
  }
  executeJavaScript(code) {
    report('execute-javascript', { code });
    return this.hung ? new Promise(() => {}) : Promise.resolve(0);
  }
}
const WEB_CONTENTS_API = [
  'id',
  'send',
  'setWindowOpenHandler',
  'getURL',
  'isDestroyed',
  'replaceMisspelling',
  'session',
  'executeJavaScript',
];

/** Fetches a page and what it links to through the app's own protocol handler. */
async function fetchPage(url) {
  const scheme = new URL(url).protocol.slice(0, -1);
  const handler = protocolHandlers.get(scheme);
  if (!handler) throw new Error(`ERR_UNKNOWN_URL_SCHEME (-302) loading '${url}'`);
  const response = await handler(new Request(url));
  if (response.status !== 200) throw new Error(`ERR_FILE_NOT_FOUND (-6) loading '${url}' (status ${response.status})`);
  const html = await response.text();
  const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)]
    .map((m) => new URL(m[1], url).href)
    .filter((asset) => asset.startsWith(`${scheme}:`));
  for (const asset of assets) {
    const r = await handler(new Request(asset));
    if (r.status !== 200) throw new Error(`ERR_FILE_NOT_FOUND (-6) loading '${asset}' (status ${r.status})`);
  }
  return { csp: response.headers.get('content-security-policy'), assets: assets.length };
}

const WINDOW_API = [
  'id',
  'webContents',
  'loadURL',
  'loadFile',
  'show',
  'hide',
  'isVisible',
  'maximize',
  'unmaximize',
  'isMaximized',
  'minimize',
  'isMinimized',
  'restore',
  'focus',
  'isFocused',
  'getBounds',
  'getNormalBounds',
  'isDestroyed',
  'close',
  'destroy',
];

class BrowserWindowStandIn extends EventEmitter {
  static getAllWindows() {
    return [...windows].map((w) => proxyOf.get(w));
  }
  constructor(options = {}) {
    super();
    this.id = nextId++;
    this.options = options;
    this.visible = options.show !== false;
    this.focused = this.visible;
    this.maximized = false;
    this.minimized = false;
    this.destroyed = false;
    this.shownBy = this.visible ? 'constructor' : null;
    // shown before its page painted: the writer sees an empty frame
    this.painted = false;
    this.shownBeforePaint = this.visible;
    this.bounds = {
      x: options.x ?? 100,
      y: options.y ?? 100,
      width: options.width ?? 800,
      height: options.height ?? 600,
    };
    this.contents = new WebContentsStandIn(this);
    this.webContents = strict('webContents', this.contents, WEB_CONTENTS_API, EVENT_NAMES.webContents);
    windows.add(this);
    report('window-created', { options });
    appRaw.emit('web-contents-created', new StandInEvent(), this.webContents);
    return strict('BrowserWindow', this, WINDOW_API, EVENT_NAMES.BrowserWindow);
  }
  async loadURL(url) {
    this.contents.url = url;
    report('load-url', { url });
    try {
      const page = await fetchPage(url);
      report('page-loaded', { url, ...page });
    } catch (e) {
      emitCancellable(this.contents, 'did-fail-load', -6, String(e.message), url, true);
      throw e;
    }
    setTimeout(() => {
      if (this.destroyed) return;
      this.contents.emit('did-finish-load', new StandInEvent());
      this.painted = true;
      this.emit('ready-to-show', new StandInEvent());
      report('page-ready', { url });
    }, 0);
  }
  async loadFile(path) {
    if (!existsSync(path)) throw new Error(`ERR_FILE_NOT_FOUND (-6) loading '${pathToFileURL(path).href}'`);
    return this.loadURL(pathToFileURL(path).href);
  }
  show() {
    // Electron: shows and gives focus to the window
    if (!this.visible) this.shownBy ??= 'show';
    if (!this.painted) this.shownBeforePaint = true;
    this.visible = true;
    this.focused = true;
  }
  hide() {
    this.visible = false;
    this.focused = false;
  }
  isVisible() {
    return this.visible;
  }
  maximize() {
    // Electron: maximize() also shows (but does not focus) a hidden window
    if (!this.visible) this.shownBy ??= 'maximize';
    if (!this.painted) this.shownBeforePaint = true;
    this.visible = true;
    this.maximized = true;
    this.emit('maximize', new StandInEvent());
  }
  unmaximize() {
    this.maximized = false;
  }
  isMaximized() {
    return this.maximized;
  }
  minimize() {
    this.minimized = true;
  }
  isMinimized() {
    return this.minimized;
  }
  restore() {
    this.minimized = false;
  }
  focus() {
    this.focused = true;
    this.emit('focus', new StandInEvent());
  }
  isFocused() {
    return this.focused;
  }
  getBounds() {
    return { ...this.bounds };
  }
  getNormalBounds() {
    return { ...this.bounds };
  }
  isDestroyed() {
    return this.destroyed;
  }
  close() {
    if (this.destroyed) return;
    report('window-event', { name: 'close' });
    if (emitCancellable(this, 'close')) return report('close-cancelled');
    this.destroy();
  }
  /** Electron: closes without 'close' (and without the page's unload handlers), then 'closed'. */
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    windows.delete(this);
    report('window-event', { name: 'closed' });
    this.emit('closed', new StandInEvent());
    if (windows.size === 0 && !appRaw.quitting) {
      report('app-event', { name: 'window-all-closed' });
      appRaw.emit('window-all-closed', new StandInEvent());
    }
  }
}
export const BrowserWindow = BrowserWindowStandIn;

// ---------- the test's commands ----------

function mainWindow() {
  return [...windows][0] ?? null;
}

const commands = {
  state() {
    const win = mainWindow();
    return {
      ready: isReady,
      windows: [...windows].map((w) => ({
        visible: w.visible,
        focused: w.focused,
        maximized: w.maximized,
        shownBy: w.shownBy,
        shownBeforePaint: w.shownBeforePaint,
        url: w.contents.url,
        options: w.options,
        hasWindowOpenHandler: Boolean(w.contents.windowOpenHandler),
      })),
      ipcChannels: [...ipcHandlers.keys()],
      privilegedSchemes,
      protocolHandlers: [...protocolHandlers.keys()],
      themeSource: theme.source,
      applicationMenu: applicationMenu ? labelsOf(applicationMenu.items) : null,
      session: {
        spellChecker: sessionState.spellChecker,
        beforeRequest: Boolean(sessionState.beforeRequest),
        headersReceived: Boolean(sessionState.headersReceived),
        permissionRequest: Boolean(sessionState.permissionRequest),
        permissionCheck: Boolean(sessionState.permissionCheck),
        devicePermission: Boolean(sessionState.devicePermission),
        dictionary: sessionState.dictionary,
      },
      windowOpen: win?.contents.windowOpenHandler?.({ url: 'https://example.com/' }) ?? null,
      navigationBlocked: win ? emitCancellable(win.contents, 'will-navigate', 'https://example.com/') : null,
    };
  },
  /** The renderer's part: a call through ipcMain as the page at `url` would make it. */
  async invoke({ channel, payload, url, foreignSender }) {
    const handler = ipcHandlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    const win = mainWindow();
    const sender = foreignSender ? { id: -1 } : proxyOf.get(win?.contents);
    return handler({ sender, senderFrame: { url: url ?? win?.contents.url } }, payload);
  },
  quit() {
    appRaw.quit();
  },
  close() {
    mainWindow()?.close();
  },
  appEvent({ name, args = [] }) {
    return emitCancellable(appRaw, name, ...args);
  },
  windowEvent({ name, args = [] }) {
    const win = mainWindow();
    if (!win) throw new Error('no window');
    return emitCancellable(win, name, ...args);
  },
  webContentsEvent({ name, args = [] }) {
    const win = mainWindow();
    if (!win) throw new Error('no window');
    return emitCancellable(win.contents, name, ...args);
  },
  /** The page's event loop stops answering (it will not answer a ping). */
  hang() {
    const win = mainWindow();
    if (!win) throw new Error('no window');
    win.contents.hung = true;
  },
  /** What the session answers for a request from the page. */
  request({ url }) {
    return new Promise((resolve) => sessionState.beforeRequest({ url, resourceType: 'xhr' }, resolve));
  },
  permissions() {
    let requested;
    const contents = proxyOf.get(mainWindow()?.contents);
    sessionState.permissionRequest(contents, 'media', (granted) => (requested = granted), {});
    return {
      request: requested,
      check: sessionState.permissionCheck(contents, 'media', 'app://penwright', {}),
      device: sessionState.devicePermission({ deviceType: 'usb', origin: 'app://penwright', device: {} }),
    };
  },
  async fetchApp({ url }) {
    const response = await protocolHandlers.get('app')(new Request(url));
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      csp: response.headers.get('content-security-policy'),
    };
  },
};

process.on('message', async (message) => {
  const { id, command, ...args } = message;
  try {
    const value = await commands[command](args);
    report('reply', { id, ok: true, value });
  } catch (e) {
    report('reply', { id, ok: false, error: String(e?.message ?? e) });
  }
});

// Electron emits 'ready' once the main script has run; macOS may hand over files before it.
setTimeout(() => {
  for (const path of scenario.openFilesBeforeReady ?? []) {
    report('app-event', { name: 'open-file', path });
    emitCancellable(appRaw, 'open-file', path);
  }
  isReady = true;
  report('app-event', { name: 'ready' });
  appRaw.emit('ready', new StandInEvent(), {});
  resolveReady();
}, 0);

export default { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, protocol, screen, session };
