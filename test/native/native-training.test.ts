/**
 * Training on the compiled kernel: it learns exactly as the wasm path does,
 * on one thread or several, resumes (from its own checkpoints and from
 * wasm's), stops on cancel, reports a dead helper; and the engine is chosen
 * by measurement, cached per machine.
 */
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeModel, loadTrainingState } from '../../src/model/storage/persistence';
import { train } from '../../src/model/training/train';
import {
  chooseTrainingBackend,
  machineKey,
  nativeWins,
  readCachedChoice,
  SWITCH_MARGIN,
  type TrainingBackendChoice,
} from '../../src/model/training/training-backend';
import { nativeKernel, type Kernel } from '../../src/model/network/native-kernel';
import { gradientCheck } from '../../src/model/training/backend-measurement';
import { aliceText, maxAbsDiff, tempDir, TINY_TWO_LAYER, trainTiny, useTestBackend } from '../helpers';
import { nativeSkipReason } from './native-helpers';

describe.skipIf(nativeSkipReason !== null)('training on the native kernel', () => {
  const tmp = tempDir();
  beforeAll(useTestBackend);
  afterAll(() => tmp.cleanup());
  const documents = [aliceText(12_000)];
  const base = { documents, network: TINY_TWO_LAYER, maxSteps: 16, evalEverySteps: 8 };

  it('learns as the wasm path does, on one thread or two (dropout on)', async () => {
    const wasm = await trainTiny({ ...base, threads: 2, trainingBackend: 'tfjs' });
    const native2 = await trainTiny({ ...base, threads: 2, trainingBackend: 'native' });
    const native1 = await trainTiny({ ...base, threads: 1, trainingBackend: 'native' });
    expect(wasm.backend.engine).toBe('tfjs');
    expect(native2.backend.engine).toBe('native');
    expect(native2.model.meta.training.backend).toMatch(/^native \(/);
    const curve = (r: typeof wasm) => r.model.meta.training.history.map((h) => h.valLoss!);
    for (const r of [native2, native1]) {
      curve(r).forEach((loss, i) => expect(Math.abs(loss - curve(wasm)[i])).toBeLessThan(1e-3));
    }
    for (const [name, t] of wasm.model.params) {
      expect(maxAbsDiff(t, native2.model.params.get(name)!), name).toBeLessThan(1e-3);
    }
    for (const r of [wasm, native2, native1]) disposeModel(r.model);
  });

  it('resumes its own checkpoints, and wasm runs, where they stopped', async () => {
    const run = (dir: string, steps: number, engine: 'native' | 'tfjs', resume = false) =>
      trainTiny({ ...base, maxSteps: steps, outDir: `${tmp.path}/${dir}`, resume, trainingBackend: engine });
    const whole = await run('whole', 20, 'native');
    const wholeState = (await loadTrainingState(`${tmp.path}/whole`, whole.model.meta))!;
    for (const [first, second] of [
      ['native', 'native'],
      ['tfjs', 'native'],
      ['native', 'tfjs'],
    ] as const) {
      const dir = `split-${first}-${second}`;
      disposeModel((await run(dir, 12, first)).model);
      const resumed = await run(dir, 8, second, true);
      expect(resumed.steps).toBe(20);
      const state = (await loadTrainingState(`${tmp.path}/${dir}`, resumed.model.meta))!;
      expect(state.adamStep).toBe(20);
      for (const [name, t] of wholeState.params) {
        expect(maxAbsDiff(t, state.params.get(name)!), `${first} then ${second}: ${name}`).toBeLessThan(1e-4);
      }
      // Adam's moments came back too (a fresh optimiser would leave them far off)
      for (const [name, t] of wholeState.adam) {
        expect(maxAbsDiff(t, state.adam.get(name)!), `${first} then ${second}: ${name}`).toBeLessThan(1e-4);
      }
      tf.dispose([...state.params.values(), ...state.adam.values()]);
      disposeModel(resumed.model);
    }
    tf.dispose([...wholeState.params.values(), ...wholeState.adam.values()]);
    disposeModel(whole.model);
  });

  for (const threads of [1, 2]) {
    it(`stops within a second of cancellation mid-step, even for L, on ${threads} thread(s)`, async () => {
      const controller = new AbortController();
      let cancelledAt = 0;
      let savingAt = 0;
      // an L step takes seconds here: stopping in time needs the kernel's abort flag
      const result = await train({
        documents,
        preset: 'L',
        maxSteps: 100_000,
        threads,
        trainingBackend: 'native',
        outDir: `${tmp.path}/cancel-${threads}`,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.step === 1 && !cancelledAt) {
            setTimeout(() => {
              cancelledAt = performance.now();
              controller.abort();
            }, 300);
          }
          if (p.phase === 'saving' && cancelledAt && !savingAt) savingAt = performance.now();
        },
      });
      expect(result.stoppedBy).toBe('cancelled');
      expect(result.steps).toBe(1);
      expect(savingAt - cancelledAt).toBeLessThan(1000);
      disposeModel(result.model);
    });
  }

  it('trains with more threads than windows in a batch (the idle threads’ slots do not count)', async () => {
    const small = { ...base, batchSize: 2, maxSteps: 6, evalEverySteps: 3 };
    const wasm = await trainTiny({ ...small, threads: 1, trainingBackend: 'tfjs' });
    const native = await trainTiny({ ...small, threads: 3, trainingBackend: 'native' });
    const losses = (r: typeof wasm) => r.model.meta.training.history.map((h) => h.valLoss!);
    expect(losses(native).every(Number.isFinite)).toBe(true);
    losses(native).forEach((loss, i) => expect(Math.abs(loss - losses(wasm)[i])).toBeLessThan(1e-3));
    disposeModel(wasm.model);
    disposeModel(native.model);
  });

  it('fine-tunes a base model on text with new characters as the wasm path does', async () => {
    const baseModel = await trainTiny({ ...base, maxSteps: 6, trainingBackend: 'native' });
    const newText = 'Ærøskøbing — naïve café, déjà vu. '.repeat(40) + aliceText(3000);
    const tune = (engine: 'native' | 'tfjs') =>
      trainTiny({
        documents: [newText],
        base: baseModel.model,
        maxSteps: 8,
        evalEverySteps: 4,
        network: undefined,
        trainingBackend: engine,
      });
    const wasm = await tune('tfjs');
    const native = await tune('native');
    expect(native.model.vocab.size).toBeGreaterThan(baseModel.model.vocab.size);
    const losses = (r: typeof wasm) => r.model.meta.training.history.map((h) => h.valLoss!);
    losses(native).forEach((loss, i) => expect(Math.abs(loss - losses(wasm)[i])).toBeLessThan(1e-3));
    for (const r of [baseModel, wasm, native]) disposeModel(r.model);
  });

  it('falls back to wasm under auto when the kernel’s threads cannot start, and says why', async () => {
    const cache = `${tmp.path}/fallback-backend.json`;
    const native = await chooseTrainingBackend('native');
    writeFileSync(cache, JSON.stringify({ ...native, reason: 'measured', measuredAt: new Date().toISOString() }));
    const broken = `${tmp.path}/broken-worker.mjs`;
    writeFileSync(broken, "throw new Error('no kernel here');\n");
    const result = await trainTiny({
      ...base,
      maxSteps: 2,
      threads: 1,
      trainingBackend: 'auto',
      trainingBackendCache: cache,
      gradientWorkerUrl: pathToFileURL(broken),
    });
    expect(result.backend.engine).toBe('tfjs');
    expect(result.backend.reason).toMatch(/could not start its threads.*no kernel here/);
    disposeModel(result.model);
    // asked for by name, the same failure is an error
    await expect(
      trainTiny({
        ...base,
        maxSteps: 2,
        threads: 1,
        trainingBackend: 'native',
        gradientWorkerUrl: pathToFileURL(broken),
      }),
    ).rejects.toThrow(/no kernel here/);
  });

  it('reports a helper thread that dies instead of hanging', async () => {
    await expect(trainTiny({ ...base, threads: 2, trainingBackend: 'native', crashWorkerOnStep: 3 })).rejects.toThrow(
      /training thread stopped/,
    );
  });
});

describe.skipIf(nativeSkipReason !== null)('choosing the training backend', () => {
  const tmp = tempDir();
  beforeAll(useTestBackend);
  afterAll(() => tmp.cleanup());

  it('switches engines only past the margin, either way', () => {
    expect(SWITCH_MARGIN).toBe(0.1);
    // from tfjs (the first measurement, or tfjs chosen before): native must be 10 % faster
    expect(nativeWins(1100, 1000)).toBe(true);
    expect(nativeWins(1099, 1000)).toBe(false);
    expect(nativeWins(900, 1000, 'tfjs')).toBe(false);
    // from native: tfjs must be 10 % faster to take over
    expect(nativeWins(1000, 1050, 'native')).toBe(true);
    expect(nativeWins(1000, 1100, 'native')).toBe(false);
  });

  it('fails the gradient check on NaN', async () => {
    const real = nativeKernel();
    if (!real.available) throw new Error(real.reason);
    const broken: Kernel = {
      ...real.kernel,
      gradients: (...args: Parameters<Kernel['gradients']>) => {
        const loss = real.kernel.gradients(...args);
        args[2].fill(NaN);
        return loss;
      },
    };
    expect(await gradientCheck(broken)).toMatchObject({ ok: false, worst: Infinity });
    const nanLoss: Kernel = { ...real.kernel, gradients: (...args) => (real.kernel.gradients(...args), NaN) };
    expect(await gradientCheck(nanLoss)).toMatchObject({ ok: false, worst: Infinity, where: 'loss' });
  });

  it('refuses a kernel whose gradients are off', async () => {
    const real = nativeKernel();
    if (!real.available) throw new Error(real.reason);
    expect((await gradientCheck(real.kernel)).ok).toBe(true);
    // the same kernel with its largest gradient nudged by 1e-3 of itself
    const nudged: Kernel = {
      ...real.kernel,
      gradients: (...args: Parameters<Kernel['gradients']>) => {
        const loss = real.kernel.gradients(...args);
        const grads = args[2];
        let largest = 0;
        grads.forEach((g, i) => (largest = Math.abs(g) > Math.abs(grads[largest]) ? i : largest));
        grads[largest] *= 1.001;
        return loss;
      },
    };
    const check = await gradientCheck(nudged);
    expect(check.ok).toBe(false);
    expect(check.worst).toBeGreaterThan(1e-4);
  });

  it('measures once, caches the answer per machine, and measures again when the machine or the file changes', async () => {
    const cache = `${tmp.path}/training-backend.json`;
    const first = await chooseTrainingBackend('auto', cache);
    expect(first.measured).not.toBeNull();
    const { native, tfjs } = first.measured!;
    expect(first.engine).toBe(nativeWins(native!, tfjs) ? 'native' : 'tfjs');
    expect(first.reason).toMatch(/gradient check/);
    expect(first.machine).toBe(machineKey());
    // cached: the same answer, not measured again
    expect(await chooseTrainingBackend('auto', cache)).toEqual(first);
    expect(await readCachedChoice(cache)).toEqual(first);
    // another machine's (or kernel build's) answer does not count
    const saved = JSON.parse(readFileSync(cache, 'utf8')) as TrainingBackendChoice;
    writeFileSync(cache, JSON.stringify({ ...saved, machine: 'another machine' }));
    expect(await readCachedChoice(cache)).toBeNull();
    const again = await chooseTrainingBackend('auto', cache);
    expect(again.measuredAt).not.toBe(first.measuredAt);
    // a damaged file: measured again, never an error
    writeFileSync(cache, '{"engine": "nat');
    expect(await readCachedChoice(cache)).toBeNull();
    expect((await chooseTrainingBackend('auto', cache)).machine).toBe(machineKey());
  });

  it('a cancelled measurement lets the run stop at once on tfjs, and caches nothing', async () => {
    const cache = `${tmp.path}/cancelled-backend.json`;
    const controller = new AbortController();
    controller.abort();
    const choice = await chooseTrainingBackend('auto', cache, { signal: controller.signal });
    expect(choice).toMatchObject({ engine: 'tfjs', reason: 'The measurement was cancelled.' });
    expect(existsSync(cache)).toBe(false);
  });

  it('forces an engine when asked', async () => {
    expect((await chooseTrainingBackend('tfjs')).engine).toBe('tfjs');
    const native = await chooseTrainingBackend('native');
    expect(native.engine).toBe('native');
    expect(native.label).toMatch(/^native \((x86-64|AVX2|AVX-512)\)$/);
  });
});
