import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Events, ModelSummary, OpenedDocument, TrainingJob } from '../../src/shared/ipc-contract';
import { aliceText } from '../helpers';
import { chooseTrainingText, startApp, useTestApp } from './app-harness';

describe('background training jobs', () => {
  const { app, tmp, defaultModel } = useTestApp();
  const corpus = join(tmp.path, 'my-writing.txt');
  beforeAll(async () => {
    writeFileSync(corpus, aliceText(30_000));
    await app.ok('settings:update', { trainingThreads: 1 });
    await chooseTrainingText(app, [corpus]);
  });

  const finishedEvent = (jobId: string) => app.waitFor('training:finished', 120_000, (p) => p.jobId === jobId);

  it('trains from scratch in a worker, reports progress and samples, and registers the model', async () => {
    const job = await app.ok<TrainingJob>('training:start', {
      name: 'Alice style',
      paths: [corpus],
      preset: 'S',
      baseModelId: null,
      budget: { steps: 4 },
    });
    expect(job.state).toBe('running');
    // the app answers while the job runs
    expect((await app.call('models:list')).ok).toBe(true);
    const done = await finishedEvent(job.jobId);
    expect(done.stoppedBy).toBe('budget');
    expect(done.model).toMatchObject({ name: 'Alice style', preset: 'S', builtIn: false });
    expect(done.comparison.newLoss).toBeGreaterThan(0);
    expect(done.comparison.baseName).toBe('Test default');
    expect(done.comparison.baseLoss).toBeGreaterThan(0);
    // what its ghost text would have saved on the held-out tenth (3,000 characters: the first 1,200 typed), beside the default's
    const k = done.comparison.keystrokes!;
    expect(k.chars).toBe(1200);
    for (const share of [k.saved, k.baseSaved!]) {
      expect(share).toBeGreaterThanOrEqual(0);
      expect(share).toBeLessThan(1);
    }
    const progress = app.events
      .filter((e) => e.event === 'training:progress')
      .map((e) => (e.payload as Events['training:progress']).job);
    expect(progress.some((j) => j.corpus?.files.length === 1)).toBe(true);
    expect(progress.some((j) => (j.progress?.step ?? 0) >= 1 && j.progress!.charsPerSecond > 0)).toBe(true);
    expect(progress.some((j) => j.progress?.phase === 'measuring')).toBe(true);
    const last = progress.at(-1)!;
    expect(last.history.length).toBeGreaterThanOrEqual(1);
    expect(last.samples.map((s) => s.temperature)).toEqual([0.3, 0.7, 1.1]);
    expect((await app.ok<ModelSummary[]>('models:list')).map((m) => m.name)).toContain('Alice style');
    // the pickers and the Models panel hear of the new model without asking
    const changed = app.events.filter((e) => e.event === 'models:changed').at(-1);
    expect((changed?.payload as { models: ModelSummary[] }).models.map((m) => m.name)).toContain('Alice style');
    // the model keeps file names, not the folders of the computer it was trained on
    const meta = JSON.parse(readFileSync(join(app.userData, 'models', done.model.modelId, 'penwright.json'), 'utf8'));
    expect(meta.corpus.files).toEqual([{ path: 'my-writing.txt', characters: 30_000 }]);
    const jobs = await app.ok<TrainingJob[]>('training:list');
    expect(jobs.find((j) => j.jobId === job.jobId)?.state).toBe('finished');
    // the next run's time estimate uses the speed measured here
    const info = await app.ok<{ trainingSpeed: { S?: number } }>('app:info');
    expect(info.trainingSpeed.S).toBeGreaterThan(1000);
  });

  it('runs one job at a time and cancels within a second, keeping what was learned', async () => {
    const job = await app.ok<TrainingJob>('training:start', {
      name: 'Long run',
      paths: [corpus],
      preset: 'S',
      baseModelId: null,
      budget: { minutes: 30 },
    });
    expect(
      await app.call('training:start', { name: 'Another', paths: [corpus], baseModelId: null, budget: { steps: 1 } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'BUSY' },
    });
    await app.waitFor(
      'training:progress',
      60_000,
      (p) => p.job.jobId === job.jobId && (p.job.progress?.step ?? 0) >= 2,
    );
    const t0 = performance.now();
    await app.ok('training:cancel', { jobId: job.jobId });
    expect(performance.now() - t0).toBeLessThan(5000);
    const done = await finishedEvent(job.jobId);
    expect(done.stoppedBy).toBe('cancelled');
    expect(done.comparison.keystrokes).toBeNull();
  });

  it('fine-tunes from a model and compares with it on the same text', async () => {
    const job = await app.ok<TrainingJob>('training:start', {
      name: 'Tuned',
      paths: [corpus],
      baseModelId: 'default',
      budget: { steps: 3 },
    });
    const done = await finishedEvent(job.jobId);
    expect(done.comparison.baseName).toBe('Test default');
    expect(done.model.baseModel?.name).toBe('Test default');
  });

  it('reports a bad corpus as a job error, not a crash', async () => {
    const binary = join(tmp.path, 'binary.txt');
    writeFileSync(binary, Buffer.from([0, 1, 2, 3, 4]));
    await chooseTrainingText(app, [binary]);
    const job = await app.ok<TrainingJob>('training:start', {
      name: 'x',
      paths: [binary],
      baseModelId: null,
      budget: { steps: 1 },
    });
    const failed = await app.waitFor('training:failed', 60_000, (p) => p.jobId === job.jobId);
    expect(failed.error.message).toMatch(/No usable text.*binary/);
  });

  it('survives a crashed worker: an error event, and the app carries on', async () => {
    const root = join(tmp.path, 'crashing');
    const crashing = await startApp(root, defaultModel, { trainingCrashAfterReports: 3 });
    await chooseTrainingText(crashing, [corpus]);
    const job = await crashing.ok<TrainingJob>('training:start', {
      name: 'doomed',
      paths: [corpus],
      preset: 'S',
      baseModelId: null,
      budget: { steps: 50 },
    });
    const failed = await crashing.waitFor('training:failed', 60_000, (p) => p.jobId === job.jobId);
    expect(failed.error.message).toMatch(/stopped unexpectedly/);
    const doc = await crashing.ok<OpenedDocument>('documents:new');
    const r = await crashing.ok<{ suggestions: unknown[] }>('suggestions:request', {
      docId: doc.docId,

      textBefore: 'Alice was',
    });
    expect(r.suggestions.length).toBe(4);
    await crashing.services.shutdown();
  });

  it('resumes a job interrupted by quitting the app', async () => {
    const root = join(tmp.path, 'quitting');
    const first = await startApp(root, defaultModel);
    await first.ok('settings:update', { trainingThreads: 1 });
    await chooseTrainingText(first, [corpus]);
    const job = await first.ok<TrainingJob>('training:start', {
      name: 'Resumable',
      paths: [corpus],
      preset: 'S',
      baseModelId: null,
      budget: { minutes: 30 },
    });
    await first.waitFor('training:progress', 60_000, (p) => (p.job.progress?.step ?? 0) >= 2);
    await first.services.shutdown(); // quitting checkpoints the job
    const second = await startApp(root, defaultModel);
    const listed = await second.ok<TrainingJob[]>('training:list');
    expect(listed.find((j) => j.jobId === job.jobId)?.state).toBe('interrupted');
    await second.ok('training:resume', { jobId: job.jobId, budget: { steps: 2 } });
    const done = await second.waitFor('training:finished', 60_000, (p) => p.jobId === job.jobId);
    expect(done.model.name).toBe('Resumable');
    expect(done.model.trainingCharacters).toBeGreaterThan(2 * 6400);
    await second.services.shutdown();
  });
});
