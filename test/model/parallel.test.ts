import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeModel, loadModel, loadTrainingState } from '../../src/model/storage/persistence';
import { aliceText, maxAbsDiff, tempDir, TINY_TWO_LAYER, trainTiny, useTestBackend } from '../helpers';

function curve(result: Awaited<ReturnType<typeof trainTiny>>): number[] {
  return result.model.meta.training.history.map((h) => h.valLoss!);
}

describe('data-parallel training over worker threads', () => {
  const tmp = tempDir();
  beforeAll(useTestBackend);
  afterAll(() => tmp.cleanup());
  const documents = [aliceText(12_000)];
  // dropout on: masks are drawn per sequence, so the split does not change them
  const common = { documents, network: TINY_TWO_LAYER, batchSize: 8, maxSteps: 12, evalEverySteps: 4 };

  it('gives the same loss curve and weights with one thread and with two', async () => {
    const one = await trainTiny({ ...common, threads: 1, outDir: `${tmp.path}/one` });
    const two = await trainTiny({ ...common, threads: 2, outDir: `${tmp.path}/two` });
    expect(two.threads).toBe(2);
    const a = curve(one);
    const b = curve(two);
    expect(b.length).toBe(3);
    b.forEach((loss, i) => expect(Math.abs(loss - a[i])).toBeLessThan(1e-4));
    const sa = (await loadTrainingState(`${tmp.path}/one`, one.model.meta))!;
    const sb = (await loadTrainingState(`${tmp.path}/two`, two.model.meta))!;
    for (const [name, t] of sa.params) expect(maxAbsDiff(t, sb.params.get(name)!), name).toBeLessThan(1e-4);
    for (const s of [sa, sb]) tf.dispose([...s.params.values(), ...s.adam.values()]);
    disposeModel(one.model);
    disposeModel(two.model);
  });

  it('is reproducible: same seed, batch and threads give the same weights', async () => {
    const runs = [];
    for (const i of [1, 2]) {
      const r = await trainTiny({ ...common, threads: 2, maxSteps: 6, outDir: `${tmp.path}/repeat${i}` });
      runs.push((await loadTrainingState(`${tmp.path}/repeat${i}`, r.model.meta))!);
      disposeModel(r.model);
    }
    for (const [name, t] of runs[0].params) expect(maxAbsDiff(t, runs[1].params.get(name)!), name).toBe(0);
    for (const s of runs) tf.dispose([...s.params.values(), ...s.adam.values()]);
  });

  it('resumes and cancels with helpers as with one thread', async () => {
    const dir = `${tmp.path}/resume`;
    const first = await trainTiny({ ...common, threads: 2, maxSteps: 4, outDir: dir });
    disposeModel(first.model);
    const controller = new AbortController();
    const second = await trainTiny({
      ...common,
      threads: 2,
      maxSteps: 1000,
      outDir: dir,
      resume: true,
      signal: controller.signal,
      onProgress: (p) => p.step === 7 && controller.abort(),
    });
    expect(second.stoppedBy).toBe('cancelled');
    expect(second.steps).toBeGreaterThanOrEqual(7);
    expect(second.steps).toBeLessThan(10);
    disposeModel(second.model);
  });

  it('ends the job with a clear error when a helper dies, leaving the last checkpoint intact', async () => {
    const dir = `${tmp.path}/crash`;
    const before = await trainTiny({ ...common, threads: 2, maxSteps: 3, outDir: dir });
    disposeModel(before.model);
    const tensors = tf.memory().numTensors;
    await expect(
      trainTiny({ ...common, threads: 2, maxSteps: 10, outDir: dir, resume: true, crashWorkerOnStep: 2 }),
    ).rejects.toMatchObject({ code: 'WORKER_FAILED', message: expect.stringMatching(/training thread stopped/) });
    expect(tf.memory().numTensors).toBe(tensors);
    const saved = await loadModel(dir);
    expect(saved.meta.training.steps).toBe(3);
    disposeModel(saved);
  });
});
