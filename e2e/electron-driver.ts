/**
 * The real app: the built main process, preload and renderer in the Electron
 * binary, driven by Playwright's Electron support. Only the native file
 * dialogs are replaced, inside the main process, by a queue the test fills;
 * settings, models and recovery files go to a temporary folder through
 * `--user-data-dir`.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { _electron, type ElectronApplication } from 'playwright-core';
import { ARTIFACTS, watchPage, type AppDriver } from './driver';

const ROOT = join(import.meta.dirname, '..');

/**
 * The Electron binary, found without `require('electron')`, which would try
 * to download it. `ELECTRON_PATH` points at one installed elsewhere.
 */
export function electronBinary(): string | undefined {
  if (process.env.ELECTRON_PATH) return existsSync(process.env.ELECTRON_PATH) ? process.env.ELECTRON_PATH : undefined;
  const pkg = join(ROOT, 'node_modules', 'electron');
  const pathTxt = join(pkg, 'path.txt');
  if (!existsSync(pathTxt)) return undefined;
  const binary = join(pkg, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

/** Why the app cannot be run here, or null when it can. */
export function cannotRunElectron(): string | null {
  if (!electronBinary())
    return 'the Electron binary is not installed here (its download needs internet access; set ELECTRON_PATH to use one installed elsewhere)';
  if (!existsSync(join(ROOT, 'out', 'main', 'index.js'))) return 'the app is not built (npm run build)';
  if (needsVirtualDisplay() && !hasXvfb()) return 'there is no display and Xvfb is not installed (.ci/run installs it)';
  return null;
}

function needsVirtualDisplay(): boolean {
  return process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
}

function hasXvfb(): boolean {
  return spawnSync('Xvfb', ['-help'], { stdio: 'ignore' }).error === undefined;
}

/** A private X server for a Linux machine without a display (CI). */
export async function startVirtualDisplay(): Promise<{ display: string; stop(): void } | null> {
  if (!needsVirtualDisplay()) return null;
  for (let n = 90 + (process.pid % 50); n < 200; n++) {
    if (existsSync(`/tmp/.X11-unix/X${n}`) || existsSync(`/tmp/.X${n}-lock`)) continue;
    const xvfb: ChildProcess = spawn('Xvfb', [`:${n}`, '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
      stdio: 'ignore',
    });
    const up = await new Promise<boolean>((resolve) => {
      const started = Date.now();
      const check = () => {
        if (xvfb.exitCode !== null) return resolve(false);
        if (existsSync(`/tmp/.X11-unix/X${n}`)) return resolve(true);
        if (Date.now() - started > 10_000) return resolve(false);
        setTimeout(check, 50);
      };
      check();
    });
    if (up) return { display: `:${n}`, stop: () => void xvfb.kill() };
    xvfb.kill();
  }
  throw new Error('could not start Xvfb on any display :90–:199');
}

/**
 * Runs in the app's main process (through app.evaluate, so it must not
 * reference anything outside itself): replaces the native open and save
 * dialogs with a queue of answers the test fills. Our dialogs module calls
 * `dialog.showOpenDialog/showSaveDialog` on the shared `dialog` object, so
 * replacing its methods reaches it.
 */
export function installDialogAnswers({ dialog }: { dialog: object }): void {
  const answers: (string | string[] | null)[] = [];
  (globalThis as unknown as { __penwrightDialogAnswers: typeof answers }).__penwrightDialogAnswers = answers;
  const next = () => {
    if (!answers.length) throw new Error('test did not script this dialog');
    return answers.shift()!;
  };
  const fake = dialog as Record<string, unknown>;
  fake.showOpenDialog = async () => {
    const a = next();
    return a === null ? { canceled: true, filePaths: [] } : { canceled: false, filePaths: Array.isArray(a) ? a : [a] };
  };
  fake.showSaveDialog = async () => {
    const a = next();
    return a === null ? { canceled: true, filePath: '' } : { canceled: false, filePath: Array.isArray(a) ? a[0] : a };
  };
}

/** Queues the answer to the next native dialog (main process side of answerFileDialog). */
export function pushDialogAnswer(_electron: unknown, answer: string | string[] | null): void {
  (globalThis as unknown as { __penwrightDialogAnswers: unknown[] }).__penwrightDialogAnswers.push(answer);
}

export interface ElectronDriverOptions {
  userDataDir: string;
  /** An X display for the app (from startVirtualDisplay), else the environment's. */
  display?: string;
}

export async function launchElectronApp(options: ElectronDriverOptions): Promise<AppDriver> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  if (options.display) env.DISPLAY = options.display;
  delete env.ELECTRON_RUN_AS_NODE; // set by some tools; it would start Node, not the app
  const app: ElectronApplication = await _electron.launch({
    executablePath: electronBinary(),
    args: [
      ROOT,
      `--user-data-dir=${options.userDataDir}`,
      // Chromium refuses to start as root with its OS sandbox (CI containers);
      // the renderer keeps contextIsolation and Electron's sandboxed preload
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    ],
    env,
    timeout: 60_000,
  });
  const errors: string[] = [];
  // errors logged by the main process count too
  app.on('console', (m) => m.type() === 'error' && errors.push(`main process: ${m.text()}`));
  let exited = false;
  const exit = new Promise<void>((resolve) => app.process().once('exit', () => resolve()));
  void exit.then(() => (exited = true));

  await app.evaluate(installDialogAnswers);

  const page = await app.firstWindow();
  watchPage(page, errors);
  await page.waitForLoadState('domcontentloaded');

  const driver: AppDriver = {
    kind: 'electron',
    page,
    userDataDir: options.userDataDir,
    answerFileDialog: async (answer) => {
      await app.evaluate(pushDialogAnswer, answer);
    },
    takeErrors: () => errors.splice(0),
    screenshot: async (name) => {
      await page.screenshot({ path: join(ARTIFACTS, `electron-${name}.png`) });
    },
    requestClose: async () => {
      await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.close());
    },
    waitUntilClosed: async () => {
      await Promise.race([
        exit,
        new Promise((_, reject) => setTimeout(() => reject(new Error('the app did not close')), 30_000)),
      ]);
    },
    crashAndRestart: async () => {
      app.process().kill('SIGKILL');
      await exit;
      return launchElectronApp(options);
    },
    close: async () => {
      if (exited) return;
      // app.exit skips the close-with-unsaved-changes question, which would wait for a writer
      await app.evaluate(({ app: electronApp }) => electronApp.exit(0)).catch(() => {});
      await Promise.race([exit, new Promise((r) => setTimeout(r, 10_000))]);
      if (!exited) app.process().kill('SIGKILL');
    },
  };
  return driver;
}
