import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TestModule } from 'vitest/node';
import {
  BROWSER_INSTALL_COMMAND,
  browserCandidates,
  findBrowser,
  type BrowserSearchContext,
} from '../e2e/find-browser';
import SummaryReporter from './summary-reporter';

/** A computer with exactly these files (and folders, from their paths). */
function computer(
  platform: NodeJS.Platform,
  files: string[],
  env: Record<string, string> = {},
  playwright: string | null = null,
): BrowserSearchContext {
  const sep = platform === 'win32' ? '\\' : '/';
  return {
    env,
    platform,
    home: platform === 'win32' ? 'C:\\Users\\ada' : platform === 'darwin' ? '/Users/ada' : '/home/ada',
    exists: (path) => files.includes(path),
    list: (dir) => [
      ...new Set(files.filter((f) => f.startsWith(dir + sep)).map((f) => f.slice(dir.length + 1).split(sep)[0])),
    ],
    playwrightChromium: () => playwright,
  };
}

describe('finding a browser for the browser tests', () => {
  it('uses CHROMIUM_PATH when set, and says so when it points nowhere', () => {
    const ctx = computer('linux', ['/opt/my/chrome', '/usr/bin/chromium'], { CHROMIUM_PATH: '/opt/my/chrome' });
    expect(findBrowser(ctx)).toMatchObject({ path: '/opt/my/chrome', source: 'CHROMIUM_PATH' });
    const wrong = computer('linux', ['/usr/bin/chromium'], { CHROMIUM_PATH: '/nope/chrome' });
    expect(findBrowser(wrong)).toMatchObject({
      path: null,
      reason: expect.stringMatching(/CHROMIUM_PATH points at \/nope\/chrome/),
    });
  });

  it('finds the Chromium that `npx playwright-core install chromium` puts in place, then any other Playwright revision', () => {
    const pinned = '/home/ada/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome';
    const other = '/home/ada/.cache/ms-playwright/chromium-1140/chrome-linux/chrome';
    expect(findBrowser(computer('linux', [pinned, other, '/usr/bin/chromium'], {}, pinned)).path).toBe(pinned);
    // installed by another Playwright version (`npx playwright install chromium`)
    expect(findBrowser(computer('linux', [other], {}, pinned)).path).toBe(other);
    const custom = computer('linux', ['/cache/pw/chromium-1300/chrome-linux64/chrome'], {
      PLAYWRIGHT_BROWSERS_PATH: '/cache/pw',
    });
    expect(findBrowser(custom).path).toBe('/cache/pw/chromium-1300/chrome-linux64/chrome');
    const mac =
      '/Users/ada/Library/Caches/ms-playwright/chromium-1200/chrome-mac-arm64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing';
    expect(findBrowser(computer('darwin', [mac])).path).toBe(mac);
    const win = 'C:\\Users\\ada\\AppData\\Local\\ms-playwright\\chromium-1200\\chrome-win64\\chrome.exe';
    expect(findBrowser(computer('win32', [win], { LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' })).path).toBe(win);
  });

  it('finds Chromium, Chrome or Edge where Linux, macOS and Windows install them', () => {
    for (const path of [
      '/usr/bin/chromium',
      '/usr/bin/chromium-browser',
      '/snap/bin/chromium',
      '/usr/bin/google-chrome-stable',
      '/opt/microsoft/msedge/msedge',
    ]) {
      expect(findBrowser(computer('linux', [path])).path, path).toBe(path);
    }
    expect(
      findBrowser(computer('linux', ['/home/ada/bin/chromium'], { PATH: '/usr/local/bin:/home/ada/bin' })).path,
    ).toBe('/home/ada/bin/chromium');
    for (const path of [
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
      '/Users/ada/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
    ]) {
      expect(findBrowser(computer('darwin', [path])).path, path).toBe(path);
    }
    const env = {
      PROGRAMFILES: 'C:\\Program Files',
      'PROGRAMFILES(X86)': 'C:\\Program Files (x86)',
      LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local',
    };
    for (const path of [
      'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
      'C:\\Users\\ada\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe',
      'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
    ]) {
      expect(findBrowser(computer('win32', [path], env)).path, path).toBe(path);
    }
    // Debian's chromium comes before Chrome when both are there
    expect(findBrowser(computer('linux', ['/usr/bin/google-chrome', '/usr/bin/chromium'])).path).toBe(
      '/usr/bin/chromium',
    );
  });

  it('says why when there is none', () => {
    const none = findBrowser(computer('linux', [], { PATH: '/usr/bin' }));
    expect(none).toMatchObject({ path: null, reason: expect.stringMatching(/no Chromium, Chrome or Edge was found/) });
    expect(browserCandidates(computer('darwin', [])).length).toBeGreaterThan(3);
  });
});

describe('the closing lines of npm test', () => {
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  afterEach(() => write.mockClear());

  function fakeModule(file: string, states: string[]): TestModule {
    const tests = states.map((state) => ({ result: () => ({ state }) }));
    return {
      moduleId: `/somewhere/penwright/${file}`,
      state: () => 'passed',
      children: { allTests: () => tests[Symbol.iterator]() },
    } as unknown as TestModule;
  }
  const modules = [
    fakeModule('test/model/cli.test.ts', ['passed', 'passed', 'failed']),
    fakeModule('e2e/app.e2e.test.ts', ['skipped', 'skipped', 'skipped']),
    fakeModule('e2e/electron.e2e.test.ts', ['skipped']),
  ];

  it('without a browser: one line before the summary, which stays last, with the count, the reason and the fix', () => {
    const reporter = new SummaryReporter({
      findBrowser: () => ({ path: null, source: null, reason: 'no Chromium, Chrome or Edge was found' }),
    });
    reporter.onTestRunEnd(modules);
    const lines = String(write.mock.calls.at(-1)![0]).trim().split('\n');
    expect(lines).toEqual([
      `SKIPPED 3 browser tests: no Chromium, Chrome or Edge was found; to run them: ${BROWSER_INSTALL_COMMAND} (or set CHROMIUM_PATH to a Chromium, Chrome or Edge)`,
      '2 passed, 1 failed, 4 skipped',
    ]);
  });

  it('with a browser, only the summary line', () => {
    const reporter = new SummaryReporter({
      findBrowser: () => ({ path: '/usr/bin/chromium', source: 'installed', reason: null }),
    });
    reporter.onTestRunEnd(modules);
    expect(String(write.mock.calls.at(-1)![0]).trim()).toBe('2 passed, 1 failed, 4 skipped');
  });
});
