/**
 * Finds a Chromium-family browser for the browser tests and bench:ui, on any
 * desktop: `CHROMIUM_PATH` when set, then a browser Playwright installed
 * (`npx playwright-core install chromium`, or `npx playwright install
 * chromium` of any Playwright version), then the usual Chromium, Chrome and
 * Edge locations on Linux, macOS and Windows.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';

/** What a newcomer runs to get a browser the tests can use. */
export const BROWSER_INSTALL_COMMAND = 'npx playwright-core install chromium';

/** Test files that need the browser (the summary line counts their skipped tests). */
export const BROWSER_TEST_FILES = ['e2e/app.e2e.test.ts'];

export interface BrowserSearchContext {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  home: string;
  exists(path: string): boolean;
  /** Names in a folder; [] when it cannot be read. */
  list(dir: string): string[];
  /** Where the installed playwright-core expects its own Chromium (whether or not it is there). */
  playwrightChromium(): string | null;
}

export type BrowserSearch =
  { path: string; source: string; reason: null } | { path: null; source: null; reason: string };

function defaultContext(): BrowserSearchContext {
  return {
    env: process.env,
    platform: process.platform,
    home: homedir(),
    exists: existsSync,
    list: (dir) => {
      try {
        return readdirSync(dir);
      } catch {
        return [];
      }
    },
    playwrightChromium: () => {
      try {
        const { chromium } = createRequire(import.meta.url)('playwright-core') as {
          chromium: { executablePath(): string };
        };
        return chromium.executablePath() || null;
      } catch {
        return null;
      }
    },
  };
}

/** The executable inside one of Playwright's `chromium-<revision>` folders, by layout (new ones first). */
const PLAYWRIGHT_LAYOUTS: Partial<Record<NodeJS.Platform, string[][]>> = {
  linux: [
    ['chrome-linux64', 'chrome'],
    ['chrome-linux', 'chrome'],
  ],
  darwin: [
    ['chrome-mac-arm64', 'Google Chrome for Testing.app', 'Contents', 'MacOS', 'Google Chrome for Testing'],
    ['chrome-mac-x64', 'Google Chrome for Testing.app', 'Contents', 'MacOS', 'Google Chrome for Testing'],
    ['chrome-mac', 'Chromium.app', 'Contents', 'MacOS', 'Chromium'],
  ],
  win32: [
    ['chrome-win64', 'chrome.exe'],
    ['chrome-win', 'chrome.exe'],
  ],
};

/** Playwright's browser folder: PLAYWRIGHT_BROWSERS_PATH or the per-user cache. */
function playwrightFolder(ctx: BrowserSearchContext): string | null {
  const path = ctx.platform === 'win32' ? win32 : posix;
  const fromEnv = ctx.env.PLAYWRIGHT_BROWSERS_PATH;
  if (fromEnv && fromEnv !== '0') return fromEnv;
  if (ctx.platform === 'darwin') return path.join(ctx.home, 'Library', 'Caches', 'ms-playwright');
  if (ctx.platform === 'win32') {
    return ctx.env.LOCALAPPDATA ? path.join(ctx.env.LOCALAPPDATA, 'ms-playwright') : null;
  }
  return path.join(ctx.env.XDG_CACHE_HOME || path.join(ctx.home, '.cache'), 'ms-playwright');
}

function systemCandidates(ctx: BrowserSearchContext): string[] {
  if (ctx.platform === 'darwin') {
    const apps = [
      ['Google Chrome.app', 'Google Chrome'],
      ['Chromium.app', 'Chromium'],
      ['Microsoft Edge.app', 'Microsoft Edge'],
    ];
    return ['/Applications', posix.join(ctx.home, 'Applications')].flatMap((root) =>
      apps.map(([app, exe]) => posix.join(root, app, 'Contents', 'MacOS', exe)),
    );
  }
  if (ctx.platform === 'win32') {
    const roots = [ctx.env.PROGRAMFILES, ctx.env['PROGRAMFILES(X86)'], ctx.env.LOCALAPPDATA].filter(
      (r): r is string => !!r,
    );
    const exes = [
      ['Google', 'Chrome', 'Application', 'chrome.exe'],
      ['Microsoft', 'Edge', 'Application', 'msedge.exe'],
      ['Chromium', 'Application', 'chrome.exe'],
    ];
    return exes.flatMap((exe) => roots.map((root) => win32.join(root, ...exe)));
  }
  // Linux and the other Unixes: the Debian/Ubuntu/Fedora/Arch packages, snap, then whatever PATH has
  const names = [
    'chromium',
    'chromium-browser',
    'google-chrome',
    'google-chrome-stable',
    'microsoft-edge',
    'microsoft-edge-stable',
  ];
  const fixed = [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/snap/bin/chromium',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/opt/google/chrome/chrome',
    '/usr/bin/microsoft-edge',
    '/opt/microsoft/msedge/msedge',
  ];
  const onPath = (ctx.env.PATH ?? '')
    .split(':')
    .filter(Boolean)
    .flatMap((dir) => names.map((name) => posix.join(dir, name)));
  return [...fixed, ...onPath];
}

/** Every place looked at, in order, with where each comes from. */
export function browserCandidates(ctx: BrowserSearchContext = defaultContext()): { path: string; source: string }[] {
  const path = ctx.platform === 'win32' ? win32 : posix;
  const out: { path: string; source: string }[] = [];
  const pinned = ctx.playwrightChromium();
  if (pinned) out.push({ path: pinned, source: 'Playwright' });
  // any other revision in Playwright's folder (another Playwright version installed it), newest first
  const folder = playwrightFolder(ctx);
  if (folder) {
    const revisions = ctx
      .list(folder)
      .filter((name) => /^chromium-\d+$/.test(name))
      .sort((a, b) => Number(b.slice(9)) - Number(a.slice(9)));
    for (const revision of revisions) {
      for (const layout of PLAYWRIGHT_LAYOUTS[ctx.platform] ?? PLAYWRIGHT_LAYOUTS.linux!) {
        out.push({ path: path.join(folder, revision, ...layout), source: 'Playwright' });
      }
    }
  }
  for (const candidate of systemCandidates(ctx)) out.push({ path: candidate, source: 'installed' });
  return out;
}

/** The browser to use, or why there is none. */
export function findBrowser(ctx: BrowserSearchContext = defaultContext()): BrowserSearch {
  const explicit = ctx.env.CHROMIUM_PATH;
  if (explicit) {
    return ctx.exists(explicit)
      ? { path: explicit, source: 'CHROMIUM_PATH', reason: null }
      : { path: null, source: null, reason: `CHROMIUM_PATH points at ${explicit}, which does not exist` };
  }
  for (const candidate of browserCandidates(ctx)) {
    if (ctx.exists(candidate.path)) return { ...candidate, reason: null };
  }
  return {
    path: null,
    source: null,
    reason: 'no Chromium, Chrome or Edge was found (CHROMIUM_PATH, Playwright’s browsers, the usual install locations)',
  };
}

/** The line `npm test` prints before its summary when browser tests were skipped for want of a browser. */
export function skippedBrowserLine(skipped: number, reason: string): string {
  return `SKIPPED ${skipped} browser test${skipped === 1 ? '' : 's'}: ${reason}; to run them: ${BROWSER_INSTALL_COMMAND} (or set CHROMIUM_PATH to a Chromium, Chrome or Edge)`;
}
