/**
 * The native package never fails an install and always says why it is
 * missing: its install script exits 0 without a toolchain and records the
 * reason, which the loader (and so `penwright backend`) then gives. Runs on a
 * copy of the package's sources, so the real build stays untouched; needs no
 * compiler.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers';
import { NATIVE_DIR, nativeSkipReason } from './native-helpers';

const ROOT = join(NATIVE_DIR, '..');
const load = createRequire(import.meta.url);

describe('installing penwright-native', () => {
  const tmp = tempDir('penwright-native-install-');
  afterAll(() => tmp.cleanup());

  function copyOfPackage(name: string): string {
    const dir = join(tmp.path, name);
    mkdirSync(dir);
    for (const f of ['build.mjs', 'binding.gyp', 'index.cjs', 'package.json', 'src']) {
      cpSync(join(NATIVE_DIR, f), join(dir, f), { recursive: true });
    }
    return dir;
  }

  it('succeeds without a toolchain, records why, and the loader says it', () => {
    const dir = copyOfPackage('no-python');
    // node-gyp as npm hands it over, but no python3, make or g++ on PATH
    const run = spawnSync(process.execPath, ['build.mjs'], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: '/nonexistent', npm_config_node_gyp: join(ROOT, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js') },
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/penwright-native: not built \(.*Python.*\); training will use wasm/);
    const outcome = JSON.parse(readFileSync(join(dir, 'build', 'outcome.json'), 'utf8'));
    expect(outcome).toMatchObject({ ok: false, built: [] });
    expect(outcome.reason).toMatch(/Could not find any Python installation/);
    const native = load(join(dir, 'index.cjs')) as typeof import('../../native/index');
    expect(() => native.load()).toThrow(/^the native kernel did not build: node-gyp exited with 1: Could not find/);
  });

  it('says how to build it when it was never built', () => {
    const dir = copyOfPackage('never-built');
    const native = load(join(dir, 'index.cjs')) as typeof import('../../native/index');
    expect(() => native.load()).toThrow(/not built \(run `npm rebuild penwright-native`/);
  });

  it('refuses a forced variant the processor lacks, and an unknown one', () => {
    const dir = copyOfPackage('forced');
    // a selector that reports a baseline-only processor
    mkdirSync(join(dir, 'build', 'Release'), { recursive: true });
    writeFileSync(join(dir, 'build', 'Release', 'cpu_features.node'), '');
    const probe = (variant: string) =>
      spawnSync(
        process.execPath,
        [
          '-e',
          `const Module = require('node:module');
           const real = Module._load;
           Module._load = function (request, ...rest) {
             if (request.endsWith('cpu_features.node')) return { bestVariant: () => 'baseline' };
             return real.call(this, request, ...rest);
           };
           try { require(${JSON.stringify(join(dir, 'index.cjs'))}).load(); } catch (e) { console.log(e.message); }`,
        ],
        { encoding: 'utf8', env: { ...process.env, PENWRIGHT_NATIVE_VARIANT: variant } },
      ).stdout.trim();
    expect(probe('avx512')).toBe('this processor cannot run the avx512 kernel (it supports up to baseline)');
    expect(probe('sse9')).toMatch(/PENWRIGHT_NATIVE_VARIANT=sse9 is not one of baseline, avx2, avx512/);
  });

  it.skipIf(nativeSkipReason !== null)('loads in the command line run from source (tsx), as npx penwright does', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'penwright.js'), 'backend'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).nativeKernel).toMatchObject({ available: true });
  });

  it('is switched off by PENWRIGHT_NATIVE=off, and the command line says so', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'penwright.js'), 'backend'], {
      encoding: 'utf8',
      env: { ...process.env, PENWRIGHT_NATIVE: 'off' },
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.nativeKernel).toEqual({
      available: false,
      reason: 'the native kernel is switched off (PENWRIGHT_NATIVE=off)',
    });
    expect(report.training.engine === null || report.training.engine === 'tfjs').toBe(true);
  });
});
