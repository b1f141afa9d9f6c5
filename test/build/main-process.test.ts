/**
 * The BUILT main process (out/main/index.js) run in a child process under a
 * strict Electron stand-in (electron-stand-in.mjs): it starts, registers every
 * IPC channel, builds a secure window, serves its page over app://, quits in
 * Electron's order, and says when it cannot start.
 *
 * Where the stand-in simplifies Electron: no renderer runs (the test plays it
 * through ipcMain's handlers, as our preload would call them), windows close
 * synchronously (Electron runs beforeunload first), and there is one display.
 * The flows in the real app run in e2e/electron.e2e.test.ts where Electron's
 * binary exists.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ModelLibrary } from '../../src/main/services/models/model-library';
import { STATE_JSON } from '../../src/model/storage/persistence';
import { CHANNELS, type IpcResult, type TrainingJob } from '../../src/shared/ipc-contract';
import { aliceText } from '../helpers';
import { builtCopy, requireBuild, ROOT, type BuiltCopy } from './built-copy';
import { StandInApp, type StandInScenario } from './stand-in-app';

const tmp = mkdtempSync(join(tmpdir(), 'penwright-main-process-'));
let launched: StandInApp[] = [];
let copies: BuiltCopy[] = [];
let profiles = 0;

function launch(scenario: Partial<StandInScenario> = {}, args: string[] = [], root = ROOT): StandInApp {
  const userData = scenario.userData ?? join(tmp, `profile-${++profiles}`);
  const app = new StandInApp(root, { userData, ...scenario }, args);
  launched.push(app);
  return app;
}

function planted(file: string, find: string | RegExp, replacement: string): string {
  const copy = builtCopy();
  copies.push(copy);
  copy.plant(file, find, replacement);
  return copy.root;
}

interface WindowState {
  visible: boolean;
  maximized: boolean;
  shownBy: string | null;
  shownBeforePaint: boolean;
  focused: boolean;
  url: string;
  options: { show: boolean; webPreferences: Record<string, unknown>; backgroundColor: string };
}
interface State {
  windows: WindowState[];
  ipcChannels: string[];
  privilegedSchemes: { scheme: string; privileges: Record<string, boolean> }[];
  protocolHandlers: string[];
  themeSource: string;
  applicationMenu: { label: string; submenu?: { label: string }[] }[] | null;
  session: Record<string, unknown>;
  windowOpen: { action: string } | null;
  navigationBlocked: boolean | null;
}

/** Quits the way the writer does (menu or Cmd+Q) and answers the unsaved-changes question with `close`. */
async function quitAnswering(app: StandInApp, close: boolean): Promise<void> {
  const questions = () => app.events.filter((e) => e.type === 'sent' && e.channel === 'app:closeRequested').length;
  const before = questions();
  await app.command('quit');
  await app.waitFor(() => questions() > before, 'the close question');
  // the page answers through ipcMain; when it closes, the process may end before the reply
  void app.invoke('app:confirmClose', { discardChanges: close }).catch(() => undefined);
}

/** The checks the planted-defect tests turn against a broken build. */
function expectEveryChannel(state: State): void {
  expect([...state.ipcChannels].sort()).toEqual([...CHANNELS].sort());
}

function expectSecureWindow(state: State): void {
  expect(state.windows).toHaveLength(1);
  const [win] = state.windows;
  expect(win.options.webPreferences).toMatchObject({
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    disableBlinkFeatures: 'Auxclick',
  });
  expect(win.options.webPreferences.preload).toMatch(/out[/\\]preload[/\\]index\.cjs$/);
}

beforeAll(() => requireBuild());
afterEach(() => {
  // every launch, whatever it tested, used only what Electron has
  const strays = launched.flatMap((app) => app.unimplemented());
  for (const app of launched) app.kill();
  launched = [];
  for (const copy of copies) copy.cleanup();
  copies = [];
  expect(strays).toEqual([]);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the built main process under an Electron stand-in', () => {
  it('starts, registers every IPC channel, builds a secure window and quits cleanly in Electron’s order', async () => {
    const app = launch();
    await app.loaded();
    const state = await app.command<State>('state');
    expectEveryChannel(state);
    expectSecureWindow(state);
    const [win] = state.windows;
    // hidden until painted, then shown: no empty frame
    expect(win.options.show).toBe(false);
    expect(win).toMatchObject({
      visible: true,
      shownBy: 'show',
      shownBeforePaint: false,
      url: 'app://penwright/index.html',
    });
    // every web contents is locked down ('web-contents-created')
    expect(state.windowOpen).toEqual({ action: 'deny' });
    expect(state.navigationBlocked).toBe(true);
    expect(state.applicationMenu?.map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Model', '&Help']);
    expect(app.unimplemented()).toEqual([]);

    // our page may call; another sender, or another page in our window, may not
    const info = await app.invoke<IpcResult<{ backend: { label: string } }>>('app:info');
    expect(info.ok && info.value.backend.label).toMatch(/^(wasm|tfjs-node|cpu)$/);
    const foreign = await app.invoke<IpcResult<unknown>>('app:info', {}, { foreignSender: true });
    expect(foreign).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const otherPage = await app.invoke<IpcResult<unknown>>('app:info', {}, { url: 'https://evil.example/' });
    expect(otherPage).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    await quitAnswering(app, true);
    expect(await app.exited).toBe(0);
    // before-quit, then the cancellable close (the page is asked), then the
    // page's answer closes the window, and the app quits after will-quit,
    // where the services shut down before the real quit
    expect(app.sequence(['app-event', 'window-event', 'quit-cancelled', 'exit'])).toEqual([
      'ready',
      'before-quit',
      'close',
      'quit-cancelled',
      'close',
      'closed',
      'window-all-closed',
      'before-quit',
      'will-quit',
      'quit-cancelled',
      'before-quit',
      'will-quit',
      'quit',
      'exit',
    ]);
    expect(app.unimplemented()).toEqual([]);
  });

  it('serves the page over app:// with the CSP, refuses the network, paths outside the bundle and every permission', async () => {
    const app = launch();
    await app.loaded();
    const state = await app.command<State>('state');
    expect(state.privilegedSchemes).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ]);
    expect(state.protocolHandlers).toEqual(['app']);
    const page = app.events.find((e) => e.type === 'page-loaded')!;
    expect(page.csp).toMatch(/default-src 'none'; script-src 'self'/);
    expect(page.assets).toBeGreaterThanOrEqual(2);
    const index = await app.command<{ status: number; contentType: string }>('fetchApp', {
      url: 'app://penwright/index.html',
    });
    expect(index).toMatchObject({ status: 200, contentType: expect.stringMatching(/^text\/html/) });
    for (const url of [
      'app://penwright/../../package.json',
      'app://penwright/%2e%2e/%2e%2e/package.json',
      'app://penwright/assets%2f..%2f..%2f..%2fpackage.json',
      'app://penwright/missing.js',
      'app://elsewhere/index.html',
    ]) {
      expect((await app.command<{ status: number }>('fetchApp', { url })).status, url).toBe(404);
    }
    for (const url of ['https://example.com/', 'file:///etc/passwd', 'ws://localhost:5173/']) {
      expect(await app.command('request', { url }), url).toEqual({ cancel: true });
    }
    expect(await app.command('request', { url: 'app://penwright/assets/x.js' })).toEqual({ cancel: false });
    expect(await app.command('permissions')).toEqual({ request: false, check: false, device: false });
    expect(state.session).toMatchObject({ spellChecker: process.platform === 'darwin', headersReceived: true });
  });

  it('ignores ELECTRON_RENDERER_URL in a packaged app', async () => {
    // a packaged app's resources folder: the default model, and the wasm binaries unpacked from the asar
    const resources = join(tmp, 'packaged-resources');
    mkdirSync(join(resources, 'app.asar.unpacked'), { recursive: true });
    symlinkSync(join(ROOT, 'resources', 'models'), join(resources, 'models'));
    symlinkSync(join(ROOT, 'node_modules'), join(resources, 'app.asar.unpacked', 'node_modules'));
    const app = new StandInApp(
      ROOT,
      { userData: join(tmp, 'packaged'), packaged: true, resourcesPath: resources },
      [],
      {
        ELECTRON_RENDERER_URL: 'https://evil.example/',
      },
    );
    launched.push(app);
    await app.loaded();
    const state = await app.command<State>('state');
    expect(state.windows[0].url).toBe('app://penwright/index.html');
  });

  it('catches a window built without the sandbox (planted defect)', async () => {
    const app = launch({}, [], planted('main/index.js', /sandbox: true/, 'sandbox: false'));
    await app.loaded();
    const state = await app.command<State>('state');
    expect(() => expectSecureWindow(state)).toThrow();
    expect(state.windows[0].options.webPreferences.sandbox).toBe(false);
  });

  it('catches a build that registers no IPC (planted defect)', async () => {
    const app = launch(
      {},
      [],
      planted('main/index.js', /registerIpc\(ipcMain, services, \(\)/, '((..._) => {})(ipcMain, services, ()'),
    );
    await app.loaded();
    const state = await app.command<State>('state');
    expect(() => expectEveryChannel(state)).toThrow();
  });
});

describe('startup failures are visible', () => {
  it('shows an error box and exits when the page cannot load', async () => {
    const root = planted('renderer/index.html', /<script/, '<script src="./assets/missing.js"></script><script');
    const app = launch({}, [], root);
    expect(await app.exited).toBe(1);
    const box = app.events.find((e) => e.type === 'error-box');
    expect(box).toMatchObject({ title: 'Penwright could not start' });
    expect(String(box!.content)).toMatch(/missing\.js/);
  });

  it('shows an error box and exits when the installation lacks its page', async () => {
    const copy = builtCopy();
    copies.push(copy);
    rmSync(join(copy.root, 'out', 'renderer'), { recursive: true });
    const app = launch({}, [], copy.root);
    expect(await app.exited).toBe(1);
    expect(app.events.find((e) => e.type === 'error-box')?.content).toMatch(/index\.html/);
  });

  it('catches a start whose failure is swallowed (planted defect: no error box, the process stays)', async () => {
    const copy = builtCopy();
    copies.push(copy);
    rmSync(join(copy.root, 'out', 'renderer'), { recursive: true });
    copy.plant('main/index.js', /\.catch\(\(e\) => failedToStart\(e\)\)/, '.catch(() => {})');
    const app = launch({}, [], copy.root);
    const outcome = await Promise.race([app.exited, new Promise((r) => setTimeout(() => r('still running'), 4000))]);
    expect(outcome).toBe('still running');
    expect(app.events.some((e) => e.type === 'error-box')).toBe(false);
  });

  it('a second launch hands over to the first and quits', async () => {
    const app = launch({ lockHeld: true });
    expect(await app.exited).toBe(0);
    expect(app.events.some((e) => e.type === 'window-created')).toBe(false);
  });
});

describe('quitting and closing', () => {
  const corpus = join(tmp, 'writing.txt');
  beforeAll(() => writeFileSync(corpus, aliceText(20_000)));

  async function startTraining(app: StandInApp): Promise<TrainingJob> {
    const picked = await app.invoke<IpcResult<unknown>>('corpus:pick', { folders: false });
    expect(picked.ok).toBe(true);
    const started = await app.invoke<IpcResult<TrainingJob>>('training:start', {
      name: 'Long run',
      paths: [corpus],
      preset: 'S',
      baseModelId: null,
      budget: { minutes: 30 },
    });
    if (!started.ok) throw new Error(JSON.stringify(started));
    await app.waitFor((e) => e.type === 'sent' && e.channel === 'training:progress', 'training progress', 60_000);
    return started.value;
  }

  /** Starts the app again on `userData`: the job is listed as interrupted and resumable. */
  async function expectResumableAtNextStart(userData: string, jobId: string): Promise<StandInApp> {
    const again = launch({ userData });
    await again.loaded();
    const after = await again.invoke<IpcResult<TrainingJob[]>>('training:list');
    expect(after.ok && after.value.find((j) => j.jobId === jobId)).toMatchObject({
      state: 'interrupted',
      error: null,
    });
    return again;
  }

  it('cancelling the unsaved-changes question keeps the app and its training running; quitting checkpoints it', async () => {
    const userData = join(tmp, 'training-profile');
    const app = launch({ userData, openDialogAnswers: [[corpus]] });
    await app.loaded();
    const job = await startTraining(app);

    await quitAnswering(app, false);
    await app.waitFor((e) => e.type === 'quit-cancelled' && e.by === 'close', 'the quit cancelled');
    const jobs = await app.invoke<IpcResult<TrainingJob[]>>('training:list');
    expect(jobs.ok && jobs.value.find((j) => j.jobId === job.jobId)?.state).toBe('running');
    expect(app.sequence(['app-event']).filter((n) => n === 'will-quit')).toEqual([]);

    await quitAnswering(app, true);
    expect(await app.exited).toBe(0);
    // the job was checkpointed in will-quit: the next start offers to resume it
    const again = await expectResumableAtNextStart(userData, job.jobId);
    await quitAnswering(again, true);
    expect(await again.exited).toBe(0);
  });

  it('Windows ending the session (no quit events) checkpoints the training job', async () => {
    const userData = join(tmp, 'session-end-profile');
    const app = launch({ userData, openDialogAnswers: [[corpus]] });
    await app.loaded();
    const job = await startTraining(app);
    // query-session-end: the app asks Windows to wait while it writes the checkpoint
    expect(await app.command('windowEvent', { name: 'query-session-end', args: [{ reasons: ['shutdown'] }] })).toBe(
      true,
    );
    await app.command('windowEvent', { name: 'session-end', args: [{ reasons: ['shutdown'] }] });
    const state = join(userData, 'training', job.jobId, 'model', STATE_JSON);
    for (let i = 0; i < 300 && !existsSync(state); i++) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(state)).toBe(true);
    // then Windows ends the process
    app.kill();
    await app.exited;
    await expectResumableAtNextStart(userData, job.jobId);
  });

  it('a window whose page crashed closes without asking', async () => {
    const app = launch();
    await app.loaded();
    await app.command('webContentsEvent', { name: 'render-process-gone', args: [{ reason: 'crashed', exitCode: 1 }] });
    await app.command('close');
    expect(await app.exited).toBe(0);
    expect(app.events.some((e) => e.type === 'sent' && e.channel === 'app:closeRequested')).toBe(false);
  });

  it('a hung page: closing asks natively, and "Close Anyway" closes without the page', async () => {
    const app = launch({ messageBoxAnswers: [0] });
    await app.loaded();
    await app.command('webContentsEvent', { name: 'unresponsive' });
    await app.command('close');
    expect(await app.exited).toBe(0);
    const box = app.events.find((e) => e.type === 'message-box');
    expect(box).toMatchObject({ buttons: ['Close Anyway', 'Wait'] });
    // destroyed: one 'close' (cancelled while asking), then 'closed' with no second 'close' the page could block
    expect(app.sequence(['window-event'])).toEqual(['close', 'closed']);
  });

  it('a page that stops answering while asked: the writer is asked natively after the ping times out', async () => {
    const app = launch({ messageBoxAnswers: [0] });
    await app.loaded();
    await app.command('hang');
    await app.command('close');
    // the page was asked first, and pinged
    await app.waitFor((e) => e.type === 'sent' && e.channel === 'app:closeRequested', 'the close question');
    await app.waitFor((e) => e.type === 'execute-javascript', 'a ping');
    await app.waitFor((e) => e.type === 'message-box', 'the native question', 15_000);
    expect(await app.exited).toBe(0);
  });

  it('a live page thinking over its question is not taken for a hung one', async () => {
    const app = launch();
    await app.loaded();
    await app.command('close');
    await app.waitFor((e) => e.type === 'execute-javascript', 'a ping');
    await new Promise((r) => setTimeout(r, 300));
    expect(app.events.some((e) => e.type === 'message-box')).toBe(false);
    expect((await app.command<State>('state')).windows).toHaveLength(1);
  });

  it('a reload that replaces the page (ERR_ABORTED) does not count as a dead page', async () => {
    const app = launch();
    await app.loaded();
    await app.command('webContentsEvent', {
      name: 'did-fail-load',
      args: [-3, 'ERR_ABORTED', 'app://penwright/index.html', true],
    });
    await app.command('close');
    await app.waitFor((e) => e.type === 'sent' && e.channel === 'app:closeRequested', 'the close question');
    expect((await app.command<State>('state')).windows).toHaveLength(1);
  });

  it('a hung page: "Wait" keeps the window', async () => {
    const app = launch({ messageBoxAnswers: [1] });
    await app.loaded();
    await app.command('webContentsEvent', { name: 'unresponsive' });
    await app.command('close');
    await app.waitFor((e) => e.type === 'message-box', 'the native question');
    const state = await app.command<State>('state');
    expect(state.windows).toHaveLength(1);
  });
});

describe('desktop conventions', () => {
  it('the theme setting drives the native theme', async () => {
    const app = launch();
    await app.loaded();
    expect((await app.command<State>('state')).themeSource).toBe('system');
    const r = await app.invoke<IpcResult<unknown>>('settings:update', { theme: 'dark' });
    expect(r.ok).toBe(true);
    expect((await app.command<State>('state')).themeSource).toBe('dark');
  });

  it('a maximised window is shown by maximize() only once painted', async () => {
    const userData = join(tmp, 'maximised');
    mkdirSync(userData);
    writeFileSync(
      join(userData, 'state.json'),
      JSON.stringify({ window: { width: 900, height: 700, maximized: true } }),
    );
    const app = launch({ userData });
    await app.loaded();
    const [win] = (await app.command<State>('state')).windows;
    expect(win).toMatchObject({
      visible: true,
      focused: true,
      maximized: true,
      shownBy: 'maximize',
      shownBeforePaint: false,
    });
    expect(win.options.show).toBe(false);
  });

  it('offers cut, copy, paste and select all, and spelling suggestions, on right click', async () => {
    const app = launch();
    await app.loaded();
    const editFlags = { canCut: true, canCopy: true, canPaste: true, canSelectAll: true };
    await app.command('webContentsEvent', {
      name: 'context-menu',
      args: [
        {
          misspelledWord: 'teh',
          dictionarySuggestions: ['the', 'tech'],
          isEditable: true,
          selectionText: '',
          editFlags,
        },
      ],
    });
    const menu = await app.waitFor((e) => e.type === 'context-menu', 'a context menu');
    expect((menu.items as { label: string }[]).map((i) => i.label)).toEqual([
      'the',
      'tech',
      'Add to Dictionary',
      'separator',
      'cut',
      'copy',
      'paste',
      'separator',
      'selectAll',
    ]);
    expect(menu.hasWindow).toBe(true);
  });
});

describe('model files open the app', () => {
  let archive: string;
  beforeAll(async () => {
    const library = new ModelLibrary({
      modelsDir: join(tmp, 'export-models'),
      defaultModelDir: join(ROOT, 'resources', 'models', 'default'),
      activeModelId: () => 'default',
      setActiveModelId: async () => undefined,
      inUse: () => [],
    });
    archive = join(tmp, 'Shared model.penwright');
    await library.exportTo('default', archive);
  });

  it('a .penwright file named at launch is imported and, when the writer agrees, used', async () => {
    const app = launch({ messageBoxAnswers: [0] }, [archive]);
    await app.loaded();
    const box = await app.waitFor((e) => e.type === 'message-box', 'the import message');
    expect(String(box.message)).toMatch(/was added to your models/);
    const changed = await app.waitFor(
      (e) => e.type === 'sent' && e.channel === 'settings:changed',
      'the switch to the new model',
    );
    expect((changed.payload as { settings: { activeModelId: string } }).settings.activeModelId).not.toBe('default');
  });

  it('a file macOS hands over before the app is ready is imported once it is', async () => {
    const app = launch({ messageBoxAnswers: [1], openFilesBeforeReady: [archive] });
    await app.loaded();
    const box = await app.waitFor((e) => e.type === 'message-box', 'the import message');
    expect(String(box.message)).toMatch(/was added to your models/);
    expect(box.hasParent).toBe(true);
  });

  it('a file handed to a second instance, or by macOS, is imported too; a damaged one says why', async () => {
    const damaged = join(tmp, 'damaged.penwright');
    writeFileSync(damaged, 'not a zip at all');
    const app = launch({ messageBoxAnswers: [1, 1] });
    await app.loaded();
    // as GNOME's file manager passes it: a file:// URI, percent-encoded ("Shared%20model.penwright")
    const uri = pathToFileURL(archive).href;
    expect(uri).toMatch(/%20/);
    await app.command('appEvent', { name: 'second-instance', args: [['/opt/Penwright/penwright', uri], tmp] });
    await app.waitFor((e) => e.type === 'message-box' && /was added/.test(String(e.message)), 'import message');
    await app.command('appEvent', { name: 'open-file', args: [damaged] });
    const error = await app.waitFor(
      (e) => e.type === 'message-box' && e.kind === 'error' && /could not be opened/.test(String(e.message)),
      'error message',
    );
    expect(String(error.detail).length).toBeGreaterThan(10);
  });
});
