import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Adam } from '../../src/model/training/adam';
import { disposeModel, loadModel, loadTrainingState, type CharModel } from '../../src/model/storage/persistence';
import { SuggestionSession } from '../../src/model/suggesting/session';
import { train } from '../../src/model/training/train';
import { aliceText, maxAbsDiff, tempDir, TINY_NETWORK, TINY_TWO_LAYER, trainTiny, useTestBackend } from '../helpers';

describe('training', () => {
  const tmp = tempDir();
  beforeAll(useTestBackend);
  afterAll(() => tmp.cleanup());

  it('reduces validation loss on a small corpus and keeps the best weights', async () => {
    const history: number[] = [];
    const result = await trainTiny({
      documents: [aliceText()],
      maxSteps: 80,
      evalEverySteps: 20,
      onProgress: (p) => {
        if (p.phase === 'evaluating' && p.valLoss !== null) history.push(p.valLoss);
      },
    });
    const evals = result.model.meta.training.history.map((h) => h.valLoss!);
    expect(evals.length).toBe(4);
    // uniform guessing over the vocabulary costs ln(V) nats; the model must beat it clearly
    expect(evals[0]).toBeLessThan(Math.log(result.model.vocab.size));
    expect(evals.at(-1)!).toBeLessThan(evals[0] - 0.3);
    expect(result.model.meta.metrics.valLoss).toBe(Math.min(...evals));
    expect(result.model.meta.metrics.valBitsPerChar).toBeCloseTo(Math.min(...evals) / Math.LN2, 6);
    disposeModel(result.model);
  });

  it('stops early once validation stops improving, keeping the best weights', async () => {
    // an improvement threshold no run can meet: every evaluation after the first counts as no gain
    const result = await trainTiny({
      documents: [aliceText(8000)],
      maxSteps: 200,
      evalEverySteps: 5,
      patience: 3,
      minImprovement: 100,
    });
    expect(result.stoppedBy).toBe('converged');
    expect(result.steps).toBe(20); // evaluations at 5 (the first best), then 10, 15, 20 without gain
    const evals = result.model.meta.training.history.map((h) => h.valLoss!);
    expect(result.model.meta.metrics.valLoss).toBe(Math.min(...evals));
    disposeModel(result.model);
    // with a threshold it can meet, the budget runs out first
    const normal = await trainTiny({ documents: [aliceText(8000)], maxSteps: 20, evalEverySteps: 5, patience: 3 });
    expect(normal.stoppedBy).toBe('budget');
    disposeModel(normal.model);
  });

  it('trains a two-layer network with dropout', async () => {
    const result = await trainTiny({ documents: [aliceText(8000)], network: TINY_TWO_LAYER, maxSteps: 30 });
    expect(result.model.meta.metrics.valLoss).toBeLessThan(Math.log(result.model.vocab.size));
    disposeModel(result.model);
  });

  it('resumes where it stopped: same weights as one uninterrupted run', async () => {
    const documents = [aliceText(10_000)];
    const whole = await trainTiny({ documents, maxSteps: 20, outDir: `${tmp.path}/whole` });
    const wholeState = (await loadTrainingState(`${tmp.path}/whole`, whole.model.meta))!;

    const first = await trainTiny({ documents, maxSteps: 12, outDir: `${tmp.path}/split` });
    disposeModel(first.model);
    const second = await trainTiny({ documents, maxSteps: 8, outDir: `${tmp.path}/split`, resume: true });
    const splitState = (await loadTrainingState(`${tmp.path}/split`, second.model.meta))!;

    expect(second.steps).toBe(20);
    expect(second.model.meta.training.steps).toBe(20);
    expect(second.model.meta.training.charsSeen).toBe(whole.model.meta.training.charsSeen);
    // the loss curve continues: the history holds the first run's evaluation, then the second's
    expect(second.model.meta.training.history.map((h) => h.step)).toEqual([12, 20]);
    for (const [name, t] of wholeState.params) {
      expect(maxAbsDiff(t, splitState.params.get(name)!), name).toBeLessThan(1e-5);
    }
    for (const s of [wholeState, splitState]) tf.dispose([...s.params.values(), ...s.adam.values()]);
    disposeModel(whole.model);
    disposeModel(second.model);
  });

  it('refuses to resume a folder without training state', async () => {
    await expect(
      trainTiny({ documents: [aliceText(2000)], outDir: `${tmp.path}/nothing`, resume: true }),
    ).rejects.toThrow(/no model|no training state/);
  });

  it('stops within a second of cancellation, even mid-step, and saves a usable model', async () => {
    const controller = new AbortController();
    let cancelledAt = 0;
    let savingAt = 0;
    const outDir = `${tmp.path}/cancelled`;
    // M steps take over a second each here, so stopping in time needs the mid-step checks
    const result = await train({
      documents: [aliceText(20_000)],
      preset: 'M',
      batchSize: 64,
      seqLength: 100,
      maxSteps: 10_000,
      outDir,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.step === 1 && !cancelledAt) {
          // abort in the middle of the next step
          setTimeout(() => {
            cancelledAt = performance.now();
            controller.abort();
          }, 300);
        }
        if (p.phase === 'saving' && cancelledAt && !savingAt) savingAt = performance.now();
      },
    });
    expect(result.stoppedBy).toBe('cancelled');
    expect(result.steps).toBeLessThan(3);
    expect(savingAt - cancelledAt).toBeLessThan(1000);
    disposeModel(result.model);
    const saved = await loadModel(outDir);
    expect(saved.meta.training.steps).toBe(result.steps);
    disposeModel(saved);
  });

  it('fine-tunes from a base model, extending the vocabulary with new characters', async () => {
    const base = await trainTiny({ documents: [aliceText(6000)], maxSteps: 10 });
    const newText = 'Ærøskøbing — naïve café, déjà vu. '.repeat(40) + aliceText(3000);
    const tuned = await trainTiny({ documents: [newText], base: base.model, maxSteps: 10, network: undefined });
    const added = ['Æ', 'ø', 'é', 'à', 'ï', '—'].filter((c) => !base.model.vocab.has(c.codePointAt(0)!));
    expect(added.length).toBeGreaterThan(0);
    for (const c of added) expect(tuned.model.vocab.has(c.codePointAt(0)!), c).toBe(true);
    // every old character keeps its id, so the base model's knowledge still applies
    base.model.vocab.codePoints.forEach((cp, id) => {
      if (cp >= 0) expect(tuned.model.vocab.idOf(cp)).toBe(id);
    });
    expect(tuned.model.meta.baseModel?.name).toBe(base.model.meta.name);
    expect(tuned.model.meta.baseModel?.valLoss).toBeGreaterThan(0);
    expect(tuned.model.params.get('embedding')!.shape[0]).toBe(tuned.model.vocab.size);
    // the new characters can be generated
    const session = new SuggestionSession(tuned.model);
    session.setText('Ærøskøbing — naïve café, déjà vu. Ærøsk');
    const [s] = await session.suggest({ temperatures: [0], maxChars: 5 });
    expect(s.text.length).toBeGreaterThan(0);
    session.dispose();
    disposeModel(base.model);
    disposeModel(tuned.model);
  });

  it('steps its learning rate down a half cosine through the budget when asked, and holds it otherwise', async () => {
    const rates = async (schedule?: 'cosine' | 'constant', base?: CharModel) => {
      const seen: number[] = [];
      const spy = vi.spyOn(Adam.prototype, 'nextStep').mockImplementation(function (this: Adam) {
        seen.push(this.learningRate);
        return { learningRateT: 0, epsilonHat: 1e-8 };
      });
      try {
        const r = await trainTiny({
          documents: [aliceText(3000)],
          maxSteps: 10,
          learningRate: 1e-2,
          learningRateSchedule: schedule,
          trainingBackend: 'tfjs',
          base,
        });
        disposeModel(r.model);
      } finally {
        spy.mockRestore();
      }
      return seen;
    };
    const cosine = await rates('cosine');
    expect(cosine).toHaveLength(10);
    expect(cosine[0]).toBeCloseTo(1e-2, 8);
    for (let i = 1; i < cosine.length; i++) expect(cosine[i]).toBeLessThan(cosine[i - 1]);
    // 9 of 10 steps spent before the last: 0.1 + 0.45 (1 + cos 0.9 pi) of the peak
    expect(cosine[9]).toBeCloseTo(1e-2 * (0.1 + 0.45 * (1 + Math.cos(0.9 * Math.PI))), 8);
    expect(new Set(await rates())).toEqual(new Set([1e-2]));
    expect(new Set(await rates('constant'))).toEqual(new Set([1e-2]));
    // a fine-tune steps down by default
    const base = (await trainTiny({ documents: [aliceText(3000)], maxSteps: 1 })).model;
    const tuned = await rates(undefined, base);
    expect(tuned[9]).toBeLessThan(tuned[0] / 2);
    disposeModel(base);
  });

  it('does not leak tensors over many steps', async () => {
    const documents = [aliceText(5000)];
    const warm = await trainTiny({ documents, maxSteps: 2 });
    disposeModel(warm.model);
    const before = tf.memory().numTensors;
    const result = await trainTiny({ documents, maxSteps: 60, evalEverySteps: 15, network: TINY_TWO_LAYER });
    disposeModel(result.model);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('needs a budget and some text', async () => {
    await expect(train({ documents: [aliceText(100)], network: TINY_NETWORK })).rejects.toThrow(/budget/);
    await expect(train({ documents: [''], network: TINY_NETWORK, maxSteps: 1 })).rejects.toThrow(/no text/);
  });
});
