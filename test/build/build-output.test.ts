/**
 * What ships is what `electron-vite build` writes, not the sources under tsx.
 * Electron's binary cannot run on our machines, so the build output is tested
 * in plain Node: every file parses, the preload runs with only what a
 * sandboxed preload gets, and the workers train. (The built main process
 * itself runs under an Electron stand-in: main-process.test.ts.) Each check
 * is also run against a copy of the build with a defect planted on purpose.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../src/shared/ipc-contract';
import { aliceText, useTestBackend } from '../helpers';
import { makeDefaultModel, startApp, startTrainingOn } from '../main/app-harness';
import { builtCopy, jsFiles, requireBuild, ROOT, sharedChunk, syntaxErrors } from './built-copy';
import type { TrainingBackendMode } from '../../src/model/training/training-backend';
import { nativeSkipReason } from '../native/native-helpers';

// electron-vite 6 prepends this to every ES chunk that calls require(
const DUPLICATE_REQUIRE = 'const require = 1;\nconst require = 2;\n';

describe('the build output parses', () => {
  beforeAll(() => requireBuild());

  it('every file under out/main and out/preload passes node --check', () => {
    const files = [...jsFiles(join(ROOT, 'out', 'main')), ...jsFiles(join(ROOT, 'out', 'preload'))];
    expect(files.length).toBeGreaterThanOrEqual(5);
    expect(syntaxErrors(files)).toEqual([]);
  });

  it('catches a chunk that declares require twice (the defect that stopped every launch)', () => {
    const copy = builtCopy();
    try {
      copy.plant(sharedChunk(copy.root), /^/, DUPLICATE_REQUIRE);
      const bad = syntaxErrors(jsFiles(join(copy.root, 'out', 'main')));
      expect(bad).toHaveLength(1);
      expect(bad[0].error).toMatch(/Identifier 'require' has already been declared/);
    } finally {
      copy.cleanup();
    }
  });
});

/** Runs the built preload as Electron's sandbox does: CommonJS, and `require` knows only 'electron'. */
function runPreload(root: string) {
  const exposed = new Map<string, Record<string, unknown>>();
  const invoked: string[] = [];
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.set(key, api) },
    ipcRenderer: {
      invoke: async (channel: string) => (invoked.push(channel), { ok: true, value: null }),
      on: () => undefined,
      removeListener: () => undefined,
    },
    webUtils: { getPathForFile: () => '/dropped.txt' },
  };
  const sandboxRequire = (name: string) => {
    if (name === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require '${name}'`);
  };
  const code = readFileSync(join(root, 'out', 'preload', 'index.cjs'), 'utf8');
  const module = { exports: {} };
  runInNewContext(`(function (require, module, exports) {${code}\n})`, { console })(
    sandboxRequire,
    module,
    module.exports,
  );
  return { exposed, invoked };
}

describe('the built preload', () => {
  it('runs with only `electron` to require and exposes one method per channel', async () => {
    requireBuild();
    const { exposed, invoked } = runPreload(ROOT);
    const api = exposed.get('penwright')!;
    expect(api).toBeDefined();
    const methods = Object.keys(api).filter((k) => !k.startsWith('on'));
    // every channel has a method, but corpus:dropped, which only addDroppedFile (the preload's drop helper) calls
    expect(methods.length).toBe(CHANNELS.length);
    expect(methods).toContain('addDroppedFile');
    await (api.listModels as () => Promise<unknown>)();
    expect(invoked).toEqual(['models:list']);
  });

  it('fails when the preload needs a module the sandbox does not give', () => {
    const copy = builtCopy();
    try {
      copy.plant('preload/index.cjs', /^/, "require('node:fs');\n");
      expect(() => runPreload(copy.root)).toThrow(/cannot require 'node:fs'/);
    } finally {
      copy.cleanup();
    }
  });
});

describe('the built workers train in plain Node', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'penwright-built-workers-'));
  const defaultModel = join(tmp, 'default-model');
  const corpus = join(tmp, 'writing.txt');
  beforeAll(async () => {
    requireBuild();
    await useTestBackend();
    await makeDefaultModel(defaultModel);
    writeFileSync(corpus, aliceText(20_000));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  /** A training job the way the app runs one: the training service, 2 threads, the given built worker. */
  async function trainWith(root: string, name: string, trainingBackend: TrainingBackendMode = 'tfjs') {
    const app = await startApp(join(tmp, name), defaultModel, {
      trainingWorkerUrl: pathToFileURL(join(root, 'out', 'main', 'training-worker.js')),
      trainingBackend,
    });
    try {
      await app.ok('settings:update', { trainingThreads: 2 });
      const job = await startTrainingOn(app, [corpus], { name: 'Built workers', budget: { steps: 3 } });
      const outcome = await Promise.race([
        app.waitFor('training:finished', 90_000, (p) => p.jobId === job.jobId).then((p) => ({ finished: p })),
        app.waitFor('training:failed', 90_000, (p) => p.jobId === job.jobId).then((p) => ({ failed: p })),
      ]);
      return outcome;
    } finally {
      await app.services.shutdown();
    }
  }

  it('the adaptation worker learns an open document as it is written (issue 13 item 4)', async () => {
    const app = await startApp(join(tmp, 'adapt'), defaultModel, {
      adaptationWorkerUrl: pathToFileURL(join(ROOT, 'out', 'main', 'adaptation-worker.js')),
      adaptAfterPauseMs: 20,
    });
    try {
      await app.ok('settings:update', { adaptToDocument: true });
      const doc = await app.ok<{ docId: string }>('documents:new');
      const text = aliceText(1200);
      await app.ok('suggestions:request', { docId: doc.docId, textBefore: text.slice(0, 1000), maxChars: 4 });
      const suggestions = app.services.suggestions;
      for (let i = 0; i < 200 && !suggestions.adaptationOf(doc.docId)?.ready; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(suggestions.adaptationOf(doc.docId), 'adapted and primed in the background').toEqual({
        swaps: 0,
        ready: true,
      });
      await app.ok('suggestions:request', { docId: doc.docId, textBefore: text.slice(0, 1003), maxChars: 4 });
      expect(suggestions.adaptationOf(doc.docId)?.swaps).toBe(1);
    } finally {
      await app.services.shutdown();
    }
  });

  it('the training worker and its gradient workers (2 threads) train a tiny model', async () => {
    const outcome = await trainWith(ROOT, 'good');
    expect(outcome).toHaveProperty('finished');
    const finished = (outcome as { finished: { stoppedBy: string; model: { name: string } } }).finished;
    expect(finished.stoppedBy).toBe('budget');
    expect(finished.model.name).toBe('Built workers');
  });

  it.skipIf(nativeSkipReason !== null)('the built workers load the native kernel and train on it', async () => {
    const outcome = await trainWith(ROOT, 'native', 'native');
    expect(outcome).toHaveProperty('finished');
    const { model } = (outcome as { finished: { model: { modelId: string } } }).finished;
    const saved = join(tmp, 'native', 'user-data', 'models', model.modelId, 'penwright.json');
    const meta = JSON.parse(readFileSync(saved, 'utf8')) as { training: { backend: string } };
    expect(meta.training.backend).toMatch(/^native \(/);
  });

  it('fails the job when the built gradient worker is broken', async () => {
    const copy = builtCopy();
    try {
      copy.plant('main/gradient-worker.js', /^/, "throw new Error('planted defect');\n");
      const outcome = await trainWith(copy.root, 'planted-gradient');
      expect(outcome).toHaveProperty('failed');
      expect(JSON.stringify(outcome)).toMatch(/planted defect/);
    } finally {
      copy.cleanup();
    }
  });

  it('fails the job when a chunk the workers share does not parse', async () => {
    const copy = builtCopy();
    try {
      copy.plant(sharedChunk(copy.root), /^/, DUPLICATE_REQUIRE);
      const outcome = await trainWith(copy.root, 'planted-chunk');
      expect(outcome).toHaveProperty('failed');
      // the writer reads a sentence; the parse error itself goes to the log
      expect(JSON.stringify(outcome)).toMatch(/training thread failed|exit code/);
    } finally {
      copy.cleanup();
    }
  });
});

describe('the built command line', () => {
  const cli = join(ROOT, 'out', 'main', 'cli.js');
  const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });

  it('suggests from the bundled model without tsx', () => {
    requireBuild();
    const r = run(['suggest', '--json', '--seed', '3', 'It was a dark and stormy night']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const suggestions = JSON.parse(r.stdout) as { temperature: number; text: string }[];
    expect(suggestions.map((s) => s.temperature)).toEqual([0.2, 0.5, 0.8, 1.2]);
    expect(suggestions.every((s) => s.text.length > 0)).toBe(true);
    // nothing in the build reaches for the dev-only TypeScript runner
    expect(
      jsFiles(join(ROOT, 'out', 'main')).filter((f) => /from ["']tsx|import\(["']tsx/.test(readFileSync(f, 'utf8'))),
    ).toEqual([]);
  });

  it('trains on two threads with the built gradient worker', () => {
    const dir = mkdtempSync(join(tmpdir(), 'penwright-built-cli-'));
    try {
      writeFileSync(join(dir, 'writing.txt'), aliceText(20_000));
      const r = run([
        'train',
        join(dir, 'writing.txt'),
        '--out',
        join(dir, 'model'),
        '--size',
        'S',
        '--steps',
        '2',
        '--threads',
        '2',
      ]);
      expect(r.stderr).not.toMatch(/Error/);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/on 2 thread/);
      if (nativeSkipReason === null) {
        const native = run([
          'train',
          join(dir, 'writing.txt'),
          '--out',
          join(dir, 'native-model'),
          '--size',
          'S',
          '--steps',
          '2',
          '--threads',
          '2',
          '--training-backend',
          'native',
        ]);
        expect(native.status, native.stderr).toBe(0);
        expect(native.stdout).toMatch(/on 2 thread\(s\), native \((x86-64|AVX2|AVX-512)\)/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
