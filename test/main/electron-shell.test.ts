import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildMenuTemplate } from '../../src/main/menu';
import {
  CONTENT_SECURITY_POLICY,
  contentSecurityPolicy,
  isLocalUrl,
  isOwnRendererUrl,
  spellcheckAllowed,
} from '../../src/main/security';
import type { MenuCommand } from '../../src/shared/ipc-contract';
import { appProtocolResponse, resolveAppUrl } from '../../src/main/app-protocol';
import { CloseGuard } from '../../src/main/close-guard';
import { contextMenuTemplate, type ContextMenuInfo } from '../../src/main/context-menu';
import { ModelFileQueue, modelFilesInArgv } from '../../src/main/model-files';
import { killMidSave, tempDir } from '../helpers';

const ROOT = join(import.meta.dirname, '..', '..');

describe('native menus', () => {
  const sent: MenuCommand[] = [];
  const template = (platform: NodeJS.Platform) =>
    buildMenuTemplate({
      platform,
      appName: 'Penwright',
      recentFiles: ['/a.md'],
      send: (c) => sent.push(c),
      clearRecent: () => {},
    });
  const find = (
    items: Electron.MenuItemConstructorOptions[],
    label: string,
  ): Electron.MenuItemConstructorOptions | undefined => {
    for (const item of items) {
      if (item.label === label) return item;
      const sub = Array.isArray(item.submenu) ? find(item.submenu, label) : undefined;
      if (sub) return sub;
    }
    return undefined;
  };

  it('has File, Edit, View, Model and Help with the usual shortcuts', () => {
    const t = template('linux');
    expect(t.map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Model', '&Help']);
    expect(find(t, 'New')?.accelerator).toBe('CmdOrCtrl+N');
    expect(find(t, 'Open…')?.accelerator).toBe('CmdOrCtrl+O');
    expect(find(t, 'Save')?.accelerator).toBe('CmdOrCtrl+S');
    expect(find(t, 'Save As…')?.accelerator).toBe('CmdOrCtrl+Shift+S');
    for (const label of ['Train a Model…', 'Switch Model…', 'Import Model…', 'Export Model…', 'Open Recent']) {
      expect(find(t, label), label).toBeDefined();
    }
    (find(t, 'Save') as { click: () => void }).click();
    expect(sent).toContain('file.save');
    (find(t, '/a.md') as { click: () => void }).click();
    expect(sent).toContain('file.openRecent');
  });

  it('puts the app menu first on macOS', () => {
    expect(template('darwin')[0].label).toBe('Penwright');
  });

  it('shows recent files with an & as they are (not as a keyboard mnemonic)', () => {
    const t = buildMenuTemplate({
      platform: 'linux',
      appName: 'Penwright',
      recentFiles: ['/home/w/Tom & Jerry.md'],
      send: () => {},
      clearRecent: () => {},
    });
    expect(find(t, '/home/w/Tom && Jerry.md')).toBeDefined();
  });
});

describe('context menu', () => {
  const flags = { canCut: true, canCopy: true, canPaste: false, canSelectAll: true } as Electron.EditFlags;
  const actions = { replaced: [] as string[], added: [] as string[] };
  const build = (info: Partial<ContextMenuInfo>) =>
    contextMenuTemplate(
      { misspelledWord: '', dictionarySuggestions: [], isEditable: true, selectionText: '', editFlags: flags, ...info },
      { replaceMisspelling: (w) => actions.replaced.push(w), addToDictionary: (w) => actions.added.push(w) },
    );
  const labels = (items: Electron.MenuItemConstructorOptions[]) => items.map((i) => i.label ?? i.role ?? i.type);

  it('offers cut, copy, paste and select all in the text, enabled as the page says', () => {
    const items = build({});
    expect(labels(items)).toEqual(['cut', 'copy', 'paste', 'separator', 'selectAll']);
    expect(items.find((i) => i.role === 'paste')?.enabled).toBe(false);
  });

  it('puts the spell checker’s suggestions first, and Add to Dictionary', () => {
    const items = build({ misspelledWord: 'teh', dictionarySuggestions: ['the', 'ten', 'tea', 'tech', 'eh', 'th'] });
    expect(labels(items).slice(0, 7)).toEqual(['the', 'ten', 'tea', 'tech', 'eh', 'Add to Dictionary', 'separator']);
    (items[0].click as () => void)();
    (items[5].click as () => void)();
    expect(actions).toEqual({ replaced: ['the'], added: ['teh'] });
    expect(labels(build({ misspelledWord: 'qzx' }))[0]).toBe('No Spelling Suggestions');
  });

  it('outside the text only copies a selection', () => {
    expect(labels(build({ isEditable: false, selectionText: 'words' }))).toEqual(['copy', 'separator', 'selectAll']);
  });
});

describe('closing the window', () => {
  const guard = () => {
    const log: string[] = [];
    const answers = { alive: true, native: true };
    const g = new CloseGuard({
      askRenderer: () => log.push('renderer'),
      isAlive: async () => (log.push('ping'), answers.alive),
      askNative: async () => (log.push('native'), answers.native),
      close: () => log.push('close'),
      destroy: () => log.push('destroy'),
    });
    return { g, log, answers };
  };
  const tick = () => new Promise((r) => setTimeout(r, 0));

  it('asks the page, and closes on its answer; a live page may take its time', async () => {
    const { g, log } = guard();
    g.loaded();
    expect(g.onClose()).toBe(false);
    await tick();
    g.answered(false);
    expect(log).toEqual(['renderer', 'ping']);
    expect(g.onClose()).toBe(false);
    g.answered(true);
    await tick();
    expect(log).toEqual(['renderer', 'ping', 'renderer', 'ping', 'close']);
    expect(g.onClose()).toBe(true);
  });

  it('closes at once when the page crashed or never loaded, and asks again after a reload', () => {
    expect(guard().g.onClose()).toBe(true);
    const { g } = guard();
    g.loaded();
    g.gone();
    expect(g.onClose()).toBe(true);
    g.loaded();
    expect(g.onClose()).toBe(false);
  });

  it('asks natively when the page hangs or stops answering; "Close Anyway" closes without the page', async () => {
    const { g, log, answers } = guard();
    g.loaded();
    g.unresponsive();
    answers.native = false;
    expect(g.onClose()).toBe(false);
    await tick();
    expect(log).toEqual(['native']);
    g.responsive();
    // asked, but the page's event loop does not answer the ping
    answers.alive = false;
    answers.native = true;
    expect(g.onClose()).toBe(false);
    await tick();
    await tick();
    expect(log).toEqual(['native', 'renderer', 'ping', 'native', 'destroy']);
  });
});

describe('model files handed over by the system', () => {
  it('finds .penwright archives in a command line, relative to its folder', () => {
    expect(
      modelFilesInArgv(
        ['/opt/Penwright/penwright', '--no-sandbox', 'Mine.PENWRIGHT', '/tmp/b.penwright', 'x.md'],
        '/home/w',
      ),
    ).toEqual([join('/home/w', 'Mine.PENWRIGHT'), '/tmp/b.penwright']);
    // unpackaged: electron . file.penwright
    expect(modelFilesInArgv(['electron', '.', 'a.penwright'], '/w')).toEqual([join('/w', 'a.penwright')]);
    // GNOME passes the desktop entry's %U as percent-encoded file:// URIs; other schemes name nothing here
    expect(
      modelFilesInArgv(['penwright', 'file:///home/w/My%20Model.penwright', 'sftp://host/x.penwright'], '/w'),
    ).toEqual(['/home/w/My Model.penwright']);
  });

  it('holds files until the app can import them, then imports them one at a time, in order', async () => {
    const queue = new ModelFileQueue();
    const log: string[] = [];
    queue.add(['/a.penwright']);
    queue.add(['/b.penwright']);
    expect(log).toEqual([]);
    queue.start(async (path) => {
      log.push(`start ${path}`);
      await new Promise((r) => setTimeout(r, 5));
      if (path === '/a.penwright') throw new Error('damaged');
      log.push(`end ${path}`);
    });
    await queue.idle();
    expect(log).toEqual(['start /a.penwright', 'start /b.penwright', 'end /b.penwright']);
  });
});

describe('the app:// protocol', () => {
  const root = join(ROOT, 'src', 'renderer');
  it('maps app://penwright paths into the renderer folder, and nothing outside it', () => {
    expect(resolveAppUrl('app://penwright/index.html', root)).toBe(join(root, 'index.html'));
    expect(resolveAppUrl('app://penwright/', root)).toBe(join(root, 'index.html'));
    expect(resolveAppUrl('app://penwright/assets/a%20b.js', root)).toBe(join(root, 'assets', 'a b.js'));
    // dot segments are resolved by the URL parser and stay inside the folder
    expect(resolveAppUrl('app://penwright/../../package.json', root)).toBe(join(root, 'package.json'));
    expect(resolveAppUrl('app://penwright/%2e%2e/%2e%2e/x.js', root)).toBe(join(root, 'x.js'));
    // encoded separators, NUL, broken escapes, other hosts and schemes name nothing
    for (const url of [
      'app://penwright/assets/..%2f..%2f..%2fpackage.json',
      'app://penwright/assets/..%5c..%5cpackage.json',
      'app://penwright/a%00.js',
      'app://penwright/%E0%A4%A.js',
      'app://other/index.html',
      'file:///etc/passwd',
    ]) {
      expect(resolveAppUrl(url, root), url).toBeNull();
    }
  });

  it('answers with the file, its type and the CSP; a 404 otherwise', async () => {
    const ok = await appProtocolResponse('app://penwright/index.html', root, 'default-src none');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/html/);
    expect(ok.headers.get('content-security-policy')).toBe('default-src none');
    expect((await appProtocolResponse('app://penwright/nope.js', root, '')).status).toBe(404);
    expect((await appProtocolResponse('app://penwright/components', root, '')).status).toBe(404);
  });
});

describe('window security', () => {
  it('writes isolation, the sandbox and node off literally where the window is built (scanners read them there)', () => {
    const source = readFileSync(join(ROOT, 'src', 'main', 'window.ts'), 'utf8');
    for (const line of [
      'contextIsolation: true,',
      'sandbox: true,',
      'nodeIntegration: false,',
      'webviewTag: false,',
      "disableBlinkFeatures: 'Auxclick',",
    ]) {
      expect(source, line).toContain(line);
    }
    // the built app's window options are checked under the Electron stand-in (test/build)
  });

  it('has a strict CSP, the same in index.html', () => {
    expect(CONTENT_SECURITY_POLICY).toMatch(/default-src 'none'/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:/);
    const html = readFileSync(join(ROOT, 'src', 'renderer', 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBeDefined();
    expect(meta).toMatch(/default-src 'none'; script-src 'self';/);
  });

  it('loads nothing from the network: local URLs only, and no spell-check dictionary downloads', () => {
    expect(isLocalUrl('app://penwright/index.html')).toBe(true);
    expect(isLocalUrl('app://penwright/assets/index-abc.js')).toBe(true);
    expect(isLocalUrl('app://penwright.evil/x')).toBe(false);
    // the renderer is served from app://; file reads are refused
    expect(isLocalUrl('file:///etc/passwd')).toBe(false);
    expect(isLocalUrl('data:image/svg+xml,<svg/>')).toBe(true);
    expect(isLocalUrl('https://redirector.gvt1.com/edgedl/chrome/dict/en-us-10-1.bdic')).toBe(false);
    expect(isLocalUrl('http://localhost:5173/src/main.ts')).toBe(false);
    expect(isLocalUrl('http://localhost:5173/src/main.ts', 'http://localhost:5173')).toBe(true);
    expect(isLocalUrl('wss://evil.example/')).toBe(false);
    // electron-vite dev's hot reload socket, same host and port, only with the dev server
    expect(isLocalUrl('ws://localhost:5173/?token=x', 'http://localhost:5173')).toBe(true);
    expect(isLocalUrl('ws://localhost:5173/?token=x')).toBe(false);
    expect(isLocalUrl('ws://localhost:5174/', 'http://localhost:5173')).toBe(false);
    expect(isLocalUrl('http://localhost:51730/', 'http://localhost:5173')).toBe(false);
    expect(contentSecurityPolicy()).toBe(CONTENT_SECURITY_POLICY);
    expect(contentSecurityPolicy('http://localhost:5173')).toMatch(
      /connect-src 'self' http:\/\/localhost:5173 ws:\/\/localhost:5173;/,
    );
    // Hunspell (Windows, Linux) downloads its dictionaries; macOS checks spelling itself
    expect(spellcheckAllowed('linux')).toBe(false);
    expect(spellcheckAllowed('win32')).toBe(false);
    expect(spellcheckAllowed('darwin')).toBe(true);
  });

  it('trusts only its own renderer', () => {
    expect(isOwnRendererUrl('app://penwright/index.html')).toBe(true);
    expect(isOwnRendererUrl('app://penwright/index.html#x')).toBe(true);
    expect(isOwnRendererUrl('app://penwright/other.html')).toBe(false);
    expect(isOwnRendererUrl('file:///opt/Penwright/resources/app.asar/out/renderer/index.html')).toBe(false);
    expect(isOwnRendererUrl('https://evil.example/renderer/index.html')).toBe(false);
    expect(isOwnRendererUrl('file:///tmp/renderer/index.html.evil')).toBe(false);
    expect(isOwnRendererUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(isOwnRendererUrl(undefined)).toBe(false);
  });
});

describe('packaging configuration', () => {
  const config = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8'));

  it('builds Penwright for Linux, macOS and Windows with the default model and unpacked binaries', () => {
    expect(config.productName).toBe('Penwright');
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.mac.target).toContain('dmg');
    expect(config.win.target).toContain('nsis');
    const model = config.extraResources.find((r: { from: string }) => r.from === 'resources/models/default');
    expect(model.to).toBe('models/default');
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining([
        'node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm',
        'node_modules/@tensorflow/tfjs-node/**',
      ]),
    );
    expect(existsSync(join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'))).toBe(
      true,
    );
  });

  it('has an application icon for every installer, and Linux a window icon', () => {
    expect(config.icon).toBe('resources/icon.png');
    const png = readFileSync(join(ROOT, config.icon));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // width and height from the IHDR chunk: electron-builder needs 512 px or more for .icns
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512);
    expect(png.readUInt32BE(20)).toBe(png.readUInt32BE(16));
    expect(config.extraResources).toContainEqual({ from: 'resources/icon.png', to: 'icon.png' });
  });

  it('associates .penwright files, with a MIME type so Linux registers it too', () => {
    expect(config.fileAssociations).toEqual([
      expect.objectContaining({ ext: 'penwright', mimeType: 'application/x-penwright-model' }),
    ]);
    // the association's MIME type reaches the .desktop file by itself; listing it again would repeat it
    expect(config.linux.mimeTypes).toBeUndefined();
  });

  it('gives the deb what it requires: a homepage and a maintainer with an email', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.author.email).toMatch(/@/);
    expect(config.linux.maintainer).toMatch(/<[^>]+@[^>]+>$/);
  });

  it('ships no build tools: tsx and esbuild are development dependencies only', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    for (const tool of ['tsx', 'esbuild', 'vite', 'electron-vite', 'typescript']) {
      expect(pkg.dependencies[tool], tool).toBeUndefined();
    }
    expect(pkg.devDependencies.tsx).toBeDefined();
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'package.json']));
  });

  it('sets Electron’s fuses at packaging, and unpacks native addons', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(config.asarUnpack).toContain('**/*.node');
  });

  it('fetches Electron’s binary before starting it (npm 11 runs no install script of electron)', () => {
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    for (const name of ['start', 'dev']) {
      expect(scripts[name], name).toMatch(/^node bin\/ensure-electron\.js && electron-vite /);
    }
  });

  it('passes electron-builder’s own schema validation', async () => {
    const require = createRequire(import.meta.url);
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
    const { DebugLogger } = require('builder-util');
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(
      validateConfiguration({ ...config, linux: { target: 42, nonsense: true } }, new DebugLogger(false)),
    ).rejects.toThrow();
  });
});

describe('crash safety of document saves', () => {
  it('leaves the previous version whole when the saving process is killed', async () => {
    const tmp = tempDir();
    const target = join(tmp.path, 'novel.md');
    const v1 = 'Version one. '.repeat(50_000);
    writeFileSync(target, v1);
    const script = join(import.meta.dirname, 'fixtures', 'save-document-forever.ts');
    const saves = await killMidSave(script, [target], 2500);
    expect(saves).toBeGreaterThan(2);
    const text = readFileSync(target, 'utf8');
    // exactly one whole version: the original or one of the child's, never a mix
    expect(text === v1 || (/^(Version (\d+)\. )+$/.test(text) && new Set(text.match(/Version \d+/g)).size === 1)).toBe(
      true,
    );
    tmp.cleanup();
  });
});

describe('IPC wiring', () => {
  it('answers only our own window showing our own renderer', async () => {
    const { registerIpc } = await import('../../src/main/ipc');
    const handlers = new Map<string, (event: unknown, payload: unknown) => Promise<unknown>>();
    const fakeIpcMain = {
      handle: (channel: string, fn: (event: unknown, payload: unknown) => Promise<unknown>) =>
        handlers.set(channel, fn),
    };
    const own = { id: 1 };
    const calls: string[] = [];
    registerIpc(
      fakeIpcMain as never,
      { dispatch: async (channel: string) => (calls.push(channel), { ok: true, value: 'answered' }) },
      () => own as never,
    );
    const ours = 'app://penwright/index.html';
    const handler = handlers.get('models:list')!;
    expect(await handler({ sender: own, senderFrame: { url: ours } }, {})).toEqual({ ok: true, value: 'answered' });
    expect(await handler({ sender: { id: 2 }, senderFrame: { url: ours } }, {})).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await handler({ sender: own, senderFrame: { url: 'https://evil.example/' } }, {})).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(calls).toEqual(['models:list']);
    expect(handlers.size).toBeGreaterThan(25);
  });
});

describe('user data folder', () => {
  it('follows --user-data-dir, relative to where the app was started', async () => {
    const { userDataOverride } = await import('../../src/main/user-data');
    expect(userDataOverride('', '/home/w')).toBeUndefined();
    expect(userDataOverride('  ', '/home/w')).toBeUndefined();
    expect(userDataOverride('/tmp/profile', '/home/w')).toBe('/tmp/profile');
    expect(userDataOverride('portable/data', '/media/usb')).toBe(join('/media/usb', 'portable', 'data'));
  });
});
