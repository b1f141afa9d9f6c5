/**
 * Issue 11, training text: walking folders a writer (or a compromised
 * renderer) points at: links that loop, cancelling while the walk runs, and
 * workers that do not stop.
 */
import { existsSync, mkdirSync, promises as fsp, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readCorpus } from '../../src/model/text/corpus';
import { isPenwrightError } from '../../src/model/errors';
import type { TrainingJob } from '../../src/shared/ipc-contract';
import type { CorpusSummary } from '../../src/shared/reports';
import { aliceText, tempDir } from '../helpers';
import { chooseTrainingText, startApp, startTrainingOn, useTestApp } from './app-harness';
import { describePause, longestPause, MAX_PAUSE_MS } from './event-loop';

/** The promise, or a rejection after `ms`: a hang fails the test instead of stalling the run. */
function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise,
    new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms)),
    ),
  ]).finally(() => clearTimeout(timer));
}

const posix = process.platform !== 'win32';

describe('reading training text from folders', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it.skipIf(!posix)('counts each file once, whatever links lead to it (7)', async () => {
    const folder = join(tmp.path, 'looped');
    mkdirSync(folder);
    writeFileSync(join(folder, 'chapter.txt'), 'It was a dark and stormy night.');
    symlinkSync('.', join(folder, 'again')); // a link to its own folder
    symlinkSync('chapter.txt', join(folder, 'same.txt')); // a second name for the file
    const corpus = await within(5000, readCorpus([folder]), 'one self-link');
    expect(corpus.summary.files.map((f) => f.path)).toEqual([join(folder, 'chapter.txt')]);
    expect(corpus.summary.skipped).toEqual([
      { path: join(folder, 'same.txt'), reason: 'the same file as chapter.txt' },
    ]);
  });

  it.skipIf(!posix)('finishes when two links loop (a walk that grew exponentially) (7)', async () => {
    const folder = join(tmp.path, 'two-loops');
    mkdirSync(folder);
    writeFileSync(join(folder, 'a.txt'), 'Some text.');
    symlinkSync('.', join(folder, 'one'));
    symlinkSync('.', join(folder, 'two'));
    const corpus = await within(5000, readCorpus([folder]), 'two self-links');
    expect(corpus.summary.files).toHaveLength(1);
  });

  it('stops walking at the file cap instead of listing everything first (7)', async () => {
    const folder = join(tmp.path, 'many');
    mkdirSync(folder);
    for (let i = 0; i < 30; i++) writeFileSync(join(folder, `${String(i).padStart(2, '0')}.txt`), `Text ${i}.`);
    const corpus = await readCorpus([folder], { maxFiles: 10 });
    expect(corpus.summary.files).toHaveLength(10);
    expect(corpus.summary.skipped).toEqual([
      { path: join(folder, '10.txt'), reason: 'more than 10 files; the rest were not read' },
    ]);
  });

  it('summarizing keeps no text, and reading stops at a total size (suspicion: corpus:summarize held every file)', async () => {
    const folder = join(tmp.path, 'five');
    mkdirSync(folder);
    for (let i = 0; i < 5; i++) writeFileSync(join(folder, `${i}.txt`), `${i}`.repeat(400));
    const summary = await readCorpus([folder], { keepText: false, maxTotalBytes: 1000 });
    expect(summary.documents).toEqual([]);
    expect(summary.summary.files.map((f) => f.path)).toEqual([join(folder, '0.txt'), join(folder, '1.txt')]);
    expect(summary.summary.characters).toBe(800);
    expect(summary.summary.skipped).toEqual([
      { path: join(folder, '2.txt'), reason: 'more than 1000 bytes of text in all; the rest were not read' },
    ]);
    // training reads the same files, and keeps their text
    const training = await readCorpus([folder], { maxTotalBytes: 1000 });
    expect(training.documents.map((d) => d.text.length)).toEqual([400, 400]);
  });

  it('stops when its signal is aborted, during the walk as well as the reading (8)', async () => {
    const folder = join(tmp.path, 'cancelled');
    mkdirSync(join(folder, 'deep', 'deeper'), { recursive: true });
    writeFileSync(join(folder, 'deep', 'deeper', 'a.txt'), 'Words.');
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'finished',
        (e: unknown) => (isPenwrightError(e) ? e.code : String(e)),
      );
    expect(await code(readCorpus([folder], { signal: AbortSignal.abort() }))).toBe('CANCELLED');
    const controller = new AbortController();
    const reading = readCorpus([folder], { signal: controller.signal });
    controller.abort(); // the walk has begun: it is between two awaits
    expect(await code(reading)).toBe('CANCELLED');
  });
});

describe('cancelling a training job that is still reading its text', () => {
  const { app, tmp, defaultModel } = useTestApp();
  beforeAll(async () => {
    await app.ok('settings:update', { trainingThreads: 1 });
  });

  it.skipIf(!posix)('answers at once, and the job ends cancelled (8)', async () => {
    const folder = join(tmp.path, 'endless');
    mkdirSync(folder);
    writeFileSync(join(folder, 'mine.txt'), aliceText(5000));
    // today's walk of this folder never ends: cancel must reach it
    symlinkSync('.', join(folder, 'one'));
    symlinkSync('.', join(folder, 'two'));
    const job = await startTrainingOn(app, [folder], { name: 'Endless', budget: { steps: 2 }, folders: true });
    const t0 = performance.now();
    await within(8000, app.ok('training:cancel', { jobId: job.jobId }), 'training:cancel');
    console.log(`cancel answered in ${(performance.now() - t0).toFixed(0)} ms`);
    const listed = (await app.ok<TrainingJob[]>('training:list')).find((j) => j.jobId === job.jobId)!;
    expect(listed.state).not.toBe('running');
    expect((await app.ok<TrainingJob[]>('training:list')).some((j) => j.state === 'running')).toBe(false);
  });

  it('ends a worker that does not stop when asked, after a grace period (8)', async () => {
    const root = join(tmp.path, 'stuck');
    const stuck = await startApp(root, defaultModel, {
      trainingWorkerUrl: new URL('./fixtures/stuck-training-worker.ts', import.meta.url),
      trainingCancelGraceMs: 1000,
    });
    const corpus = join(tmp.path, 'stuck.txt');
    writeFileSync(corpus, aliceText(2000));
    const job = await startTrainingOn(stuck, [corpus], { name: 'Stuck', budget: { steps: 2 } });
    const t0 = performance.now();
    await within(6000, stuck.ok('training:cancel', { jobId: job.jobId }), 'training:cancel');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(900);
    const listed = (await stuck.ok<TrainingJob[]>('training:list')).find((j) => j.jobId === job.jobId)!;
    expect(listed.state).toBe('cancelled');
    expect(stuck.events.some((e) => e.event === 'training:failed')).toBe(false);
    await within(3000, stuck.services.shutdown(), 'shutdown');
  });
});

describe('training text comes only from the writer (11)', () => {
  const { app, tmp } = useTestApp();

  const start = (paths: string[]) =>
    app.call<TrainingJob>('training:start', { name: 'x', paths, preset: 'S', baseModelId: null, budget: { steps: 1 } });

  it('refuses to list or train on paths the writer never chose', async () => {
    const secret = join(tmp.path, 'secret.txt');
    writeFileSync(secret, 'Not for the renderer to read.');
    for (const paths of [['/etc'], [secret], [join(tmp.path)], [`${tmp.path}/chosen/../secret.txt`]]) {
      expect(await app.call('corpus:summarize', { paths }), paths[0]).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
      expect(await start(paths), paths[0]).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect((await app.ok<TrainingJob[]>('training:list')).some((j) => j.state === 'running')).toBe(false);
  });

  it('reads what the writer chose in the dialog, and nothing beside it', async () => {
    const chosen = join(tmp.path, 'chosen');
    mkdirSync(chosen, { recursive: true });
    writeFileSync(join(chosen, 'mine.txt'), 'My own words.');
    app.dialogs.answers.push([chosen]);
    expect(await app.ok('corpus:pick', { folders: true })).toEqual({ paths: [chosen] });
    const summary = await app.ok<{ files: unknown[] }>('corpus:summarize', { paths: [chosen] });
    expect(summary.files).toHaveLength(1);
    // a folder chosen is not its parent, nor a sibling reached through it
    expect((await app.call('corpus:summarize', { paths: [tmp.path] })).ok).toBe(false);
    expect((await app.call('corpus:summarize', { paths: [join(chosen, '..', 'secret.txt')] })).ok).toBe(false);
  });

  it('reads what was dropped on the window (paths the preload took from the dropped files)', async () => {
    const dropped = join(tmp.path, 'dropped.md');
    writeFileSync(dropped, 'Dropped words.');
    const answer = await app.ok<{ paths: string[] }>('corpus:dropped', {
      paths: [dropped, join(tmp.path, 'not-there.md')],
    });
    expect(answer.paths).toEqual([dropped]);
    expect((await app.ok<{ files: unknown[] }>('corpus:summarize', { paths: [dropped] })).files).toHaveLength(1);
  });
});

describe('summarizing a large corpus (review)', () => {
  const { app, tmp } = useTestApp();

  it('reads and counts it in a thread: main’s event loop stays free', { timeout: 120_000 }, async () => {
    const folder = join(tmp.path, 'large');
    mkdirSync(folder);
    const file = aliceText(40_000).repeat(250); // 10 M characters a file
    for (let i = 0; i < 3; i++) writeFileSync(join(folder, `part-${i}.txt`), file);
    writeFileSync(join(folder, 'notes.pdf'), '%PDF-1.7');
    await chooseTrainingText(app, [folder], true);
    // deterministic: main opens none of the files (the thread reads them; its fs is its own)
    const opened: string[] = [];
    const open = fsp.open;
    const spy = vi.spyOn(fsp, 'open').mockImplementation(async (...args: Parameters<typeof open>) => {
      opened.push(String(args[0]));
      return open(...args);
    });
    try {
      await app.ok<CorpusSummary>('corpus:summarize', { paths: [folder] });
    } finally {
      spy.mockRestore();
    }
    expect(opened.filter((p) => p.startsWith(folder))).toEqual([]);
    const pause = await longestPause(() => app.ok<CorpusSummary>('corpus:summarize', { paths: [folder] }));
    console.log(`summarizing ${((3 * file.length) / 1e6).toFixed(0)} M characters: ${describePause(pause)}`);
    expect(pause.result.files.map((f) => f.characters)).toEqual([file.length, file.length, file.length]);
    expect(pause.result.skipped).toEqual([{ path: join(folder, 'notes.pdf'), reason: 'not a .txt or .md file' }]);
    expect(pause.maxMs).toBeLessThan(MAX_PAUSE_MS);
    // an error crosses from the thread with its sentence
    const gone = join(tmp.path, 'gone.txt');
    await chooseTrainingText(app, [gone]);
    expect(await app.call('corpus:summarize', { paths: [gone] })).toEqual({
      ok: false,
      error: { code: 'FILE_ERROR', message: `${gone} does not exist.` },
    });
  });

  const built = join(import.meta.dirname, '..', '..', 'out', 'main');
  it.skipIf(!existsSync(join(built, 'corpus-summary-worker.js')))(
    'the built app runs the corpus summary thread from beside index.js, in plain Node',
    async () => {
      const file = join(tmp.path, 'for-the-built-worker.txt');
      writeFileSync(file, 'Some words.');
      const worker = new Worker(join(built, 'corpus-summary-worker.js'), { workerData: { paths: [file] } });
      const answer = await new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      expect(answer).toMatchObject({ ok: true, value: { files: [{ path: file, characters: 11 }] } });
    },
  );
});
