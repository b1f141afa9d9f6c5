/**
 * The packed app, as electron-builder lays it out (`--linux dir`, no
 * installer): what is in the asar and what is unpacked beside it, the
 * default model and the icon as resources, no build tools, and Electron's
 * fuses flipped as electron-builder.yml says.
 *
 * electron-builder needs an unpacked Electron (`electronDist`). Where
 * Electron's binary is installed (node_modules/electron/dist) the test packs
 * that; elsewhere it packs a stand-in binary that carries only Electron's
 * fuse wire (the sentinel @electron/fuses looks for, with Electron's default
 * fuse states), which is all electron-builder reads from the binary. Either
 * way, nothing is downloaded.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, ROOT } from './built-copy';
import { nativeSkipReason } from '../native/native-helpers';

const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as {
  listPackage(path: string, options: object): string[];
  extractAll(archive: string, dest: string): void;
};
const { SENTINEL } = require('@electron/fuses/dist/constants.js') as { SENTINEL: string };

/** Electron's fuses in wire order (@electron/fuses FuseV1Options), with Electron's own defaults. */
const FUSES = [
  ['runAsNode', '1'],
  ['enableCookieEncryption', '0'],
  ['enableNodeOptionsEnvironmentVariable', '1'],
  ['enableNodeCliInspectArguments', '1'],
  ['enableEmbeddedAsarIntegrityValidation', '0'],
  ['onlyLoadAppFromAsar', '0'],
  ['loadBrowserProcessSpecificV8Snapshot', '0'],
  ['grantFileProtocolExtraPrivileges', '1'],
] as const;

function standInElectron(dir: string, version: string): string {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const wire = FUSES.map(([, state]) => state).join('');
  const binary = `#!/bin/sh\n# stand-in Electron for packaging tests\nexit 0\n${SENTINEL}\u0001\u0008${wire}\n`;
  writeFileSync(join(dir, 'electron'), binary, 'latin1');
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'version'), version);
  writeFileSync(join(dir, 'LICENSE'), 'MIT');
  return dir;
}

function fuseWire(binary: string): string {
  const bytes = readFileSync(binary);
  const at = bytes.indexOf(SENTINEL) + SENTINEL.length;
  return bytes.subarray(at + 2, at + 2 + bytes[at + 1]).toString('latin1');
}

describe('the packed app (electron-builder --dir)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'penwright-packed-'));
  const out = join(tmp, 'dist');
  let unpacked: string;
  let files: string[];

  beforeAll(() => {
    requireBuild();
    const electronVersion = JSON.parse(readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8')).version;
    const realDist = join(ROOT, 'node_modules', 'electron', 'dist');
    const dist = existsSync(join(realDist, 'electron'))
      ? realDist
      : standInElectron(join(tmp, 'electron'), electronVersion);
    if (dist !== realDist) console.info('packing with a stand-in Electron binary (Electron is not installed here)');
    const r = spawnSync(
      process.execPath,
      [
        require.resolve('electron-builder/cli.js'),
        '--linux',
        'dir',
        `-c.electronDist=${dist}`,
        `-c.electronVersion=${electronVersion}`,
        `-c.directories.output=${out}`,
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 180_000, env: { ...process.env, CI: 'true' } },
    );
    if (r.status !== 0) throw new Error(`electron-builder failed:\n${r.stdout}\n${r.stderr}`);
    unpacked = join(out, 'linux-unpacked');
    files = asar.listPackage(join(unpacked, 'resources', 'app.asar'), { isPack: false });
  }, 200_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('packs the built app, its runtime dependencies and nothing of the build tools', () => {
    for (const entry of [
      '/out/main/index.js',
      '/out/main/cli.js',
      '/out/preload/index.cjs',
      '/out/renderer/index.html',
    ]) {
      expect(files, entry).toContain(entry);
    }
    expect(files).toContain('/node_modules/@tensorflow/tfjs-core/package.json');
    for (const tool of ['tsx', 'esbuild', 'vite', 'typescript', 'electron-vite', 'vitest', 'svelte']) {
      expect(
        files.filter((f) => f.startsWith(`/node_modules/${tool}/`)),
        tool,
      ).toEqual([]);
    }
    expect(files.filter((f) => f.startsWith('/src/') || f.endsWith('.map'))).toEqual([]);
  });

  it('unpacks the wasm binaries and carries the default model and the icon as resources', () => {
    const resources = join(unpacked, 'resources');
    const wasm = join(resources, 'app.asar.unpacked', 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
    expect(existsSync(join(wasm, 'tfjs-backend-wasm-simd.wasm'))).toBe(true);
    // every file of the committed model folder (a format-2 model without its words.txt would not load)
    const modelFiles = readdirSync(join(ROOT, 'resources', 'models', 'default'));
    expect(modelFiles).toEqual(expect.arrayContaining(['model.json', 'weights.bin', 'penwright.json', 'words.txt']));
    for (const file of modelFiles) {
      expect(existsSync(join(resources, 'models', 'default', file)), file).toBe(true);
    }
    expect(existsSync(join(resources, 'icon.png'))).toBe(true);
    expect(existsSync(join(unpacked, 'penwright'))).toBe(true);
  });

  it.skipIf(nativeSkipReason !== null)(
    'ships the native kernel: its loader packed, its binaries unpacked, not its sources',
    () => {
      const pkg = '/node_modules/penwright-native';
      expect(files).toContain(`${pkg}/index.cjs`);
      expect(files).toContain(`${pkg}/package.json`);
      const release = join(
        unpacked,
        'resources',
        'app.asar.unpacked',
        'node_modules',
        'penwright-native',
        'build',
        'Release',
      );
      const built = readdirSync(join(ROOT, 'native', 'build', 'Release')).filter((f) => f.endsWith('.node'));
      expect(built).toContain('kernel_baseline.node');
      for (const file of built) expect(existsSync(join(release, file)), file).toBe(true);
      // the compiler's inputs and leftovers are not part of the app
      const shipped = files.filter((f) => f.startsWith(`${pkg}/`));
      expect(
        shipped.filter((f) => /\/(src|Eigen|obj\.target|\.deps)\/|\.(cc|h|o|mk|gyp|map)$|Makefile/.test(f)),
      ).toEqual([]);
      // Eigen is compiled in: its licences travel with it; the build's own record and node-addon-api's headers do not
      for (const notice of ['COPYING.MPL2', 'NOTICES.md', 'APACHE-2.0']) {
        expect(shipped).toContain(`${pkg}/vendor/eigen/${notice}`);
      }
      expect(shipped).not.toContain(`${pkg}/build/outcome.json`);
      expect(files.filter((f) => f.startsWith('/node_modules/node-addon-api/'))).toEqual([]);
    },
  );

  it.skipIf(nativeSkipReason !== null)(
    'the packed files alone train on the kernel (the asar unpacked as Electron reads it, run by the built CLI)',
    () => {
      // Electron reads app.asar and redirects .node files to app.asar.unpacked;
      // plain Node gets the same view from the archive extracted with the unpacked files laid over it
      const view = join(tmp, 'app-view');
      asar.extractAll(join(unpacked, 'resources', 'app.asar'), view);
      cpSync(join(unpacked, 'resources', 'app.asar.unpacked'), view, { recursive: true });
      const corpus = join(tmp, 'writing.txt');
      writeFileSync(corpus, 'It was the best of times, it was the worst of times. '.repeat(200));
      const run = spawnSync(
        process.execPath,
        [
          join(view, 'out', 'main', 'cli.js'),
          'train',
          corpus,
          '--out',
          join(tmp, 'packed-model'),
          '--size',
          'S',
          '--steps',
          '2',
          '--threads',
          '2',
          '--training-backend',
          'native',
        ],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/on 2 thread\(s\), native \(/);
    },
  );

  it('flips Electron’s fuses as electron-builder.yml says', () => {
    const wire = fuseWire(join(unpacked, 'penwright'));
    const expected: Record<string, string> = {
      runAsNode: '0',
      enableCookieEncryption: '1',
      enableNodeOptionsEnvironmentVariable: '0',
      enableNodeCliInspectArguments: '0',
      enableEmbeddedAsarIntegrityValidation: '1',
      onlyLoadAppFromAsar: '1',
      loadBrowserProcessSpecificV8Snapshot: '0',
      grantFileProtocolExtraPrivileges: '0',
    };
    expect(Object.fromEntries(FUSES.map(([name], i) => [name, wire[i]]))).toEqual(expected);
  });
});
