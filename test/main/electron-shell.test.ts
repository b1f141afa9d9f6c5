import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildMenuTemplate } from '../../src/main/menu';
import {
  CONTENT_SECURITY_POLICY,
  SECURE_WEB_PREFERENCES,
  isLocalUrl,
  isOwnRendererUrl,
  spellcheckAllowed,
} from '../../src/main/security';
import type { MenuCommand } from '../../src/shared/ipc-contract';
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
});

describe('window security', () => {
  it('keeps isolation and the sandbox on, node off', () => {
    expect(SECURE_WEB_PREFERENCES).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
    });
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
    expect(isLocalUrl('file:///opt/Penwright/resources/app.asar/out/renderer/index.html')).toBe(true);
    expect(isLocalUrl('data:image/svg+xml,<svg/>')).toBe(true);
    expect(isLocalUrl('https://redirector.gvt1.com/edgedl/chrome/dict/en-us-10-1.bdic')).toBe(false);
    expect(isLocalUrl('http://localhost:5173/src/main.ts')).toBe(false);
    expect(isLocalUrl('http://localhost:5173/src/main.ts', 'http://localhost:5173')).toBe(true);
    expect(isLocalUrl('wss://evil.example/')).toBe(false);
    // Hunspell (Windows, Linux) downloads its dictionaries; macOS checks spelling itself
    expect(spellcheckAllowed('linux')).toBe(false);
    expect(spellcheckAllowed('win32')).toBe(false);
    expect(spellcheckAllowed('darwin')).toBe(true);
    expect(SECURE_WEB_PREFERENCES.spellcheck).toBe(false);
  });

  it('trusts only its own renderer', () => {
    expect(isOwnRendererUrl('file:///opt/Penwright/resources/app.asar/out/renderer/index.html')).toBe(true);
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
    const ours = 'file:///opt/Penwright/resources/app.asar/out/renderer/index.html';
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
