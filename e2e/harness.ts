/**
 * The browser harness: the built renderer in Debian's Chromium, driven by
 * playwright-core, with `window.penwright` bridged to the real handler table
 * running in this (test) process — real model, real temporary folders, no
 * mocks of the model. Only the native file dialogs are scripted.
 *
 * The bridge is built from the same createApi the preload uses: the method
 * names and channels are read off it here and replayed in the page.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createAppServices, type AppServices } from '../src/main/services/app-services';
import { createApi } from '../src/shared/api';
import { CONTENT_SECURITY_POLICY } from '../src/main/security';
import type { EventName } from '../src/shared/ipc-contract';
import { scriptedDialogs, type ScriptedDialogs } from '../test/main/scripted-dialogs';
import { ARTIFACTS, watchPage, type AppDriver } from './driver';
import { BROWSER_INSTALL_COMMAND, findBrowser } from './find-browser';

export const ROOT = join(import.meta.dirname, '..');
export const RENDERER_DIR = join(ROOT, 'out', 'renderer');
/** The browser the harness drives (see find-browser.ts), or why there is none. */
export const BROWSER = findBrowser();
export { ARTIFACTS };

/** Why the browser tests cannot run here, or null when they can. */
export function cannotRun(): string | null {
  if (BROWSER.reason !== null) return `${BROWSER.reason}; install one with ${BROWSER_INSTALL_COMMAND}`;
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) return 'the renderer is not built (npm run build)';
  return null;
}

/** { method: ['invoke', channel] | ['subscribe', event] } read off createApi. */
function apiShape(): Record<string, ['invoke' | 'subscribe', string]> {
  const shape: Record<string, ['invoke' | 'subscribe', string]> = {};
  let last: ['invoke' | 'subscribe', string] | null | undefined;
  const api = createApi({
    invoke: async (channel) => {
      last = ['invoke', channel];
      return { ok: true, value: null };
    },
    subscribe: (event) => {
      last = ['subscribe', event];
      return () => {};
    },
  });
  for (const [name, fn] of Object.entries(api)) {
    last = null;
    void (fn as (x: unknown) => unknown)(() => {});
    if (!last) throw new Error(`could not read ${name} off the API`);
    shape[name] = last;
  }
  return shape;
}

/**
 * Builds `window.penwright` in the page from the API's shape. A plain string,
 * not a function: tools that rewrite functions (tsx keeps their names with a
 * helper) would otherwise ship references the page cannot resolve.
 */
const BRIDGE_SCRIPT = `function (shape) {
  const listeners = new Map();
  window.__penwrightEmit = (event, payload) => listeners.get(event)?.forEach((l) => l(payload));
  // the preload reads a dropped file's path; here its name stands in for it
  const api = { addDroppedFile: (file) => window.__penwrightInvoke('corpus:dropped', { paths: [file.name] }) };
  for (const [name, [kind, target]] of Object.entries(shape)) {
    api[name] = kind === 'invoke'
      ? (payload) => window.__penwrightInvoke(target, payload ?? {})
      : (listener) => {
          if (!listeners.has(target)) listeners.set(target, new Set());
          listeners.get(target).add(listener);
          return () => listeners.get(target).delete(listener);
        };
  }
  window.penwright = Object.freeze(api);
}`;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

function serveRenderer(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0])).replace(/^(\.\.[/\\])+/, '');
    const file = join(RENDERER_DIR, path === '/' ? 'index.html' : path);
    if (!file.startsWith(RENDERER_DIR) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export interface Harness extends AppDriver {
  readonly kind: 'browser';
  services: AppServices;
  dialogs: ScriptedDialogs;
  /** Console errors and page errors: any makes a test fail. */
  errors: string[];
}

export interface HarnessOptions {
  userDataDir: string;
  defaultModelDir: string;
  browser?: Browser;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const server = await serveRenderer();
  const dialogs = scriptedDialogs();
  // events can arrive before the page exists: queue them until it does
  const target: { page?: Page } = {};
  const pending: [EventName, unknown][] = [];
  const send = (event: EventName, payload: unknown) => {
    if (!target.page) return void pending.push([event, payload]);
    target.page
      .evaluate(
        ([e, p]) => (window as unknown as { __penwrightEmit(e: string, p: unknown): void }).__penwrightEmit(e, p),
        [event, payload] as const,
      )
      .catch(() => {}); // the page may be closing
  };
  let closeAgreed = false;
  const services = await createAppServices({
    userDataDir: options.userDataDir,
    defaultModelDir: options.defaultModelDir,
    dialogs,
    emit: send,
    version: 'e2e',
    backend: { prefer: ['wasm'] },
    progressIntervalMs: 100,
    onConfirmClose: (discard) => (closeAgreed ||= discard),
  });
  const browser =
    options.browser ??
    (await chromium.launch({
      executablePath: BROWSER.path ?? undefined,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    }));
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  watchPage(page, errors);
  await page.exposeFunction('__penwrightInvoke', (channel: string, payload: unknown) =>
    services.dispatch(channel, payload),
  );
  await page.addInitScript({ content: `(${BRIDGE_SCRIPT})(${JSON.stringify(apiShape())});` });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  await page.goto(url);
  target.page = page;
  for (const [e, p] of pending.splice(0)) send(e, p);
  let closed = false;
  const crashed: Harness[] = [];
  const harness: Harness = {
    kind: 'browser',
    page,
    services,
    dialogs,
    errors,
    userDataDir: options.userDataDir,
    answerFileDialog: async (answer) => void dialogs.answers.push(answer),
    takeErrors: () => errors.splice(0),
    screenshot: async (name) => {
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
    },
    // the window manager's close button, as main would relay it
    requestClose: async () => send('app:closeRequested', {}),
    waitUntilClosed: async () => {
      for (const start = Date.now(); !closeAgreed; await new Promise((r) => setTimeout(r, 50))) {
        if (Date.now() - start > 10_000) throw new Error('the app did not agree to close');
      }
    },
    // The back half lives in this process, so it cannot be killed; the "crash"
    // leaves it running, unsaved and not shut down, and starts a second
    // window and back half on the same user data, as a restart would.
    crashAndRestart: async () => {
      crashed.push(harness);
      const next = await startHarness(options);
      const closeNext = next.close;
      return Object.assign(next, {
        close: async () => {
          await closeNext();
          for (const h of crashed.splice(0)) await h.close();
        },
      });
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await context.close();
      if (!options.browser) await browser.close();
      await services.shutdown();
      await new Promise((r) => server.close(r));
    },
  };
  return harness;
}
