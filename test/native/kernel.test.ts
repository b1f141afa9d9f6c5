/**
 * The compiled kernel against the wasm path it stands in for: the same loss,
 * the same gradients (within 1e-4 of each tensor's largest, dropout on), the
 * same Adam update, for every variant this processor runs; and hostile
 * arguments refused with an error, never a crash.
 */
import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kernelNetwork } from '../../src/model/network/native-kernel';
import { disposeParams, initParams } from '../../src/model/network/params';
import { computeGradients, evaluateLoss, type SequenceBatch } from '../../src/model/network/sequence-lstm';
import { Adam } from '../../src/model/training/adam';
import { ParamLayout } from '../../src/model/training/parallel/param-layout';
import { useTestBackend } from '../helpers';
import { nativeSkipReason, RELEASE_DIR, runnableVariants } from './native-helpers';

function randomBatch(batch: number, steps: number, vocab: number, seed: number): SequenceBatch {
  let s = seed;
  const rand = () => (s = (s * 16807) % 2147483647) % vocab;
  return {
    batch,
    steps,
    inputs: Int32Array.from({ length: batch * steps }, rand),
    targets: Int32Array.from({ length: batch * steps }, rand),
    // negative seeds too: the kernel must wrap them as JavaScript's >>> 0 does
    windowSeeds: Int32Array.from({ length: batch }, (_, i) => (i - 2) * 104_729 + seed),
  };
}

/** Largest |a - b| relative to the largest |a|. */
function relativeDiff(want: ArrayLike<number>, got: ArrayLike<number>): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    diff = Math.max(diff, Math.abs(want[i] - got[i]));
  }
  return scale > 0 ? diff / scale : diff;
}

const variants = runnableVariants();

describe.skipIf(nativeSkipReason !== null)('native kernel', () => {
  beforeAll(useTestBackend);

  it('is built in every variant this processor can run', () => {
    expect(variants.map((v) => v.variant)).toContain('baseline');
    for (const { variant, kernel } of variants) expect(kernel.variant).toBe(variant);
    // on x86-64 Linux every variant builds, whatever this processor runs
    const outcome = JSON.parse(readFileSync(join(RELEASE_DIR, '..', 'outcome.json'), 'utf8')) as { built: string[] };
    if (process.platform === 'linux' && process.arch === 'x64') {
      expect(outcome.built.sort()).toEqual(['cpu_features', 'kernel_avx2', 'kernel_avx512', 'kernel_baseline']);
    }
  });

  it('stops a pass when its abort flag is raised, and runs it when not', () => {
    const { kernel } = variants[0];
    const config = { embedDim: 4, hidden: [6, 5], dropout: 0 };
    const layout = new ParamLayout(config, 9);
    const params = new Float32Array(layout.total).fill(0.1);
    const grads = new Float32Array(layout.total);
    const data = randomBatch(3, 8, 9, 4);
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const net = kernelNetwork(config, 9);
    const run = () => kernel.gradients(net, params, grads, data.inputs, data.targets, 3, 8, 0, null, flag);
    expect(run()).toBeGreaterThan(0);
    Atomics.store(flag, 0, 1);
    expect(run()).toBeNull();
    expect(kernel.lossSum(net, params, data.inputs, data.targets, 3, 8, flag)).toBeNull();
    Atomics.store(flag, 0, 0);
    expect(kernel.lossSum(net, params, data.inputs, data.targets, 3, 8, flag)).toBeGreaterThan(0);
  });

  const networks = [
    { name: 'two layers, dropout', config: { embedDim: 8, hidden: [12, 10], dropout: 0.25 }, vocab: 17, steps: 9 },
    { name: 'one layer', config: { embedDim: 5, hidden: [9], dropout: 0 }, vocab: 11, steps: 9 },
    { name: 'three layers, dropout', config: { embedDim: 6, hidden: [16, 8, 12], dropout: 0.4 }, vocab: 23, steps: 9 },
    { name: 'one time step', config: { embedDim: 4, hidden: [6, 7], dropout: 0.2 }, vocab: 9, steps: 1 },
  ];

  for (const { variant, kernel } of variants) {
    for (const { name, config, vocab, steps } of networks) {
      it(`${variant}: gradients and loss match the wasm path (${name})`, async () => {
        const params = initParams(config, vocab, 7);
        const data = randomBatch(6, steps, vocab, 3);
        const layout = new ParamLayout(config, vocab);
        const flat = new Float32Array(layout.total);
        layout.write(params, flat);
        const wasm = await computeGradients(params, data, { dropout: config.dropout });
        const grads = new Float32Array(layout.total).fill(NaN); // every element must be written
        const net = kernelNetwork(config, vocab);
        const loss = kernel.gradients(
          net,
          flat,
          grads,
          data.inputs,
          data.targets,
          data.batch,
          data.steps,
          config.dropout,
          data.windowSeeds!,
        );
        expect(Math.abs(loss! - wasm.lossSum) / wasm.lossSum).toBeLessThan(1e-5);
        for (const slot of layout.slots) {
          const got = grads.subarray(slot.offset, slot.offset + slot.size);
          expect(relativeDiff(wasm.grads.get(slot.name)!.dataSync(), got), slot.name).toBeLessThan(1e-4);
        }
        // evaluation: no dropout, the forward loss alone
        const evaluation = await evaluateLoss(params, data);
        const forward = kernel.lossSum(net, flat, data.inputs, data.targets, data.batch, data.steps);
        expect(Math.abs(forward! - evaluation.lossSum) / evaluation.lossSum).toBeLessThan(1e-5);
        disposeParams(wasm.grads);
        disposeParams(params);
      });
    }

    it(`${variant}: a different dropout seed changes the gradients (the masks are really drawn)`, () => {
      const config = networks[0].config;
      const layout = new ParamLayout(config, 17);
      const params = initParams(config, 17, 7);
      const flat = new Float32Array(layout.total);
      layout.write(params, flat);
      disposeParams(params);
      const data = randomBatch(4, 5, 17, 9);
      const net = kernelNetwork(config, 17);
      const run = (seeds: Int32Array) => {
        const g = new Float32Array(layout.total);
        kernel.gradients(net, flat, g, data.inputs, data.targets, 4, 5, 0.25, seeds);
        return g;
      };
      const a = run(data.windowSeeds!);
      const b = run(data.windowSeeds!.map((x) => x + 1));
      expect(relativeDiff(a, run(data.windowSeeds!))).toBeLessThan(1e-6);
      expect(relativeDiff(a, b)).toBeGreaterThan(1e-3);
    });

    it(`${variant}: Adam with clipping matches the tensor optimiser`, () => {
      for (const clipNorm of [0.05, 1000]) {
        const shapes = [[30, 7], [7]];
        const params = new Map(shapes.map((s, i) => [`p${i}`, tf.randomNormal(s, 0, 1, 'float32', 10 + i)]));
        const grads = new Map(shapes.map((s, i) => [`p${i}`, tf.randomNormal(s, 0, 0.3, 'float32', 20 + i)]));
        const flat = (m: Map<string, tf.Tensor>) =>
          Float32Array.from([...m.values()].flatMap((t) => [...t.dataSync()]));
        const p = flat(params);
        const m = new Float32Array(p.length);
        const v = new Float32Array(p.length);
        const reference = new Adam({ learningRate: 0.01, clipNorm });
        const mine = new Adam({ learningRate: 0.01, clipNorm });
        for (let step = 0; step < 3; step++) {
          const expectedNorm = reference.apply(params, grads);
          const norm = kernel.adam(p, flat(grads), m, v, {
            ...mine.nextStep(),
            beta1: mine.beta1,
            beta2: mine.beta2,
            clipNorm,
          });
          expect(norm).toBeCloseTo(expectedNorm, 4);
        }
        expect(relativeDiff(flat(params), p)).toBeLessThan(1e-5);
        tf.dispose([...params.values(), ...grads.values()]);
        reference.dispose();
      }
    });
  }

  it('works in place on SharedArrayBuffers (what the gradient workers share)', () => {
    const { kernel } = variants[0];
    const config = { embedDim: 4, hidden: [6], dropout: 0 };
    const layout = new ParamLayout(config, 9);
    const params = initParams(config, 9, 2);
    const shared = new Float32Array(new SharedArrayBuffer(layout.total * 4));
    layout.write(params, shared);
    const local = shared.slice();
    disposeParams(params);
    // a gradient slot in the middle of a larger shared buffer, as worker-pool lays them out
    const slots = new SharedArrayBuffer(layout.total * 4 * 3);
    const slot = new Float32Array(slots, layout.total * 4, layout.total);
    const own = new Float32Array(layout.total);
    const data = randomBatch(3, 4, 9, 1);
    const net = kernelNetwork(config, 9);
    kernel.gradients(net, shared, slot, data.inputs, data.targets, 3, 4, 0, null);
    kernel.gradients(net, local, own, data.inputs, data.targets, 3, 4, 0, null);
    // not bit for bit: Eigen's vector loops start differently on differently aligned memory
    expect(relativeDiff(own, slot)).toBeLessThan(1e-6);
    expect(new Float32Array(slots, 0, layout.total).every((x) => x === 0)).toBe(true);
  });

  it('refuses hostile arguments with an error, never a crash', () => {
    const { kernel } = variants[0];
    const config = { embedDim: 4, hidden: [6], dropout: 0 };
    const layout = new ParamLayout(config, 9);
    const net = kernelNetwork(config, 9);
    const p = new Float32Array(layout.total);
    const g = new Float32Array(layout.total);
    const ids = new Int32Array(12);
    const call = (overrides: Record<number, unknown>) => () => {
      const args: unknown[] = [net, p, g, ids, ids, 3, 4, 0, null];
      for (const [i, v] of Object.entries(overrides)) args[Number(i)] = v;
      (kernel.gradients as (...a: unknown[]) => number)(...args);
    };
    expect(call({})).not.toThrow();
    expect(call({ 1: new Float32Array(layout.total - 1) })).toThrow(/params has .* expected/);
    expect(call({ 2: new Float64Array(layout.total) })).toThrow(/grads must be a Float32Array/);
    expect(call({ 3: Int32Array.from({ length: 12 }, () => 9) })).toThrow(/outside the vocabulary/);
    expect(call({ 4: Int32Array.from({ length: 12 }, () => -1) })).toThrow(/outside the vocabulary/);
    expect(call({ 5: 4 })).toThrow(/inputs has 12 elements, expected 16/);
    expect(call({ 5: 1.5 })).toThrow(/batch out of range/);
    expect(call({ 6: -1 })).toThrow(/steps out of range/);
    expect(call({ 7: 0.5 })).toThrow(/seeds must be an Int32Array/);
    expect(call({ 7: 1 })).toThrow(/dropout must be in \[0, 1\)/);
    expect(call({ 0: { vocab: 9, embed: 4, hidden: [] } })).toThrow(/out of range/);
    expect(call({ 0: { vocab: 9, embed: 4, hidden: [6, 'x'] } })).toThrow(/hidden sizes must be numbers/);
    expect(call({ 0: null })).toThrow(/network must be an object/);
    expect(call({ 2: p })).toThrow(/params and grads must not share memory/);
    expect(() => (kernel.gradients as (...a: unknown[]) => number)(net)).toThrow(/9 arguments/);
    expect(() =>
      kernel.adam(p, new Float32Array(3), p, p, {
        learningRateT: 1,
        epsilonHat: 1,
        beta1: 0.9,
        beta2: 0.9,
        clipNorm: 0,
      }),
    ).toThrow(/grads has 3 elements/);
    expect(() =>
      kernel.adam(p, g, new Float32Array(layout.total), new Float32Array(layout.total), {} as never),
    ).toThrow(/adam options need/);
    // overlapping outputs: a gradient buffer that is part of the weights
    const shared = new Float32Array(layout.total + 10);
    const params = shared.subarray(0, layout.total);
    const overlapping = shared.subarray(10);
    expect(call({ 1: params, 2: overlapping })).toThrow(/params and grads must not share memory/);
    const options = { learningRateT: 1, epsilonHat: 1, beta1: 0.9, beta2: 0.9, clipNorm: 0 };
    expect(() => kernel.adam(params, g, overlapping, new Float32Array(layout.total), options)).toThrow(
      /must not share memory/,
    );
    // fractional and huge sizes are refused, not truncated
    expect(call({ 0: { vocab: 9.5, embed: 4, hidden: [6] } })).toThrow(/network.vocab out of range/);
    expect(call({ 0: { vocab: 2 ** 32 + 9, embed: 4, hidden: [6] } })).toThrow(/network.vocab out of range/);
    // a shard whose scratch would not fit in memory is refused before anything is allocated
    const wide = { vocab: 200_000, embed: 1, hidden: [1] };
    const wideLayout = new ParamLayout({ embedDim: 1, hidden: [1], dropout: 0 }, 200_000);
    const manyIds = new Int32Array(64 * 100);
    expect(() =>
      kernel.gradients(
        wide,
        new Float32Array(wideLayout.total),
        new Float32Array(wideLayout.total),
        manyIds,
        manyIds,
        64,
        100,
        0,
        null,
      ),
    ).toThrow(/needs \d+ MB of scratch memory \(at most 2048 MB\)/);
  });

  it('passes on an exception thrown while reading its arguments, and survives it', () => {
    const { kernel } = variants[0];
    const config = { embedDim: 4, hidden: [6], dropout: 0 };
    const layout = new ParamLayout(config, 9);
    const p = new Float32Array(layout.total);
    const ids = new Int32Array(12);
    const hostile = {
      vocab: 9,
      embed: 4,
      get hidden(): number[] {
        throw new Error('hostile getter');
      },
    };
    expect(() => kernel.gradients(hostile, p, new Float32Array(layout.total), ids, ids, 3, 4, 0, null)).toThrow(
      'hostile getter',
    );
    const hostileUnits = { vocab: 9, embed: 4, hidden: [6] };
    Object.defineProperty(hostileUnits.hidden, 0, {
      get() {
        throw new Error('hostile element');
      },
    });
    expect(() => kernel.gradients(hostileUnits, p, new Float32Array(layout.total), ids, ids, 3, 4, 0, null)).toThrow(
      'hostile element',
    );
    const options = {
      learningRateT: 1,
      epsilonHat: 1,
      beta1: 0.9,
      beta2: 0.9,
      get clipNorm(): number {
        throw new Error('hostile option');
      },
    };
    const n = new Float32Array(4);
    expect(() => kernel.adam(n, new Float32Array(4), new Float32Array(4), new Float32Array(4), options)).toThrow(
      'hostile option',
    );
    // and the kernel still works afterwards
    const net = kernelNetwork(config, 9);
    expect(kernel.gradients(net, p, new Float32Array(layout.total), ids, ids, 3, 4, 0, null)).toBeGreaterThan(0);
  });

  it('reads the token ids once, before the pass: ids sharing memory with the gradients change nothing', () => {
    const { kernel } = variants[0];
    const config = { embedDim: 4, hidden: [6], dropout: 0 };
    const layout = new ParamLayout(config, 9);
    const params = initParams(config, 9, 3);
    const flat = new Float32Array(layout.total);
    layout.write(params, flat);
    disposeParams(params);
    const data = randomBatch(3, 4, 9, 2);
    const net = kernelNetwork(config, 9);
    const want = new Float32Array(layout.total);
    kernel.gradients(net, flat, want, data.inputs, data.targets, 3, 4, 0, null);
    // the ids live at the start of the gradient buffer, which the pass overwrites with gradients
    const grads = new Float32Array(layout.total);
    const inputs = new Int32Array(grads.buffer, 0, 12);
    inputs.set(data.inputs);
    kernel.gradients(net, flat, grads, inputs, data.targets, 3, 4, 0, null);
    expect(relativeDiff(want, grads)).toBeLessThan(1e-6);
  });

  it('exports only the N-API entry points from each build, so no variant can bind to another', (ctx) => {
    const nm = spawnSync('nm', ['--version'], { encoding: 'utf8' });
    if (nm.status !== 0) {
      console.log('SKIPPED symbol check: nm (binutils) is not installed');
      ctx.skip();
    }
    for (const file of ['cpu_features', ...variants.map((v) => `kernel_${v.variant}`)]) {
      const out = spawnSync('nm', ['-D', '--defined-only', join(RELEASE_DIR, `${file}.node`)], { encoding: 'utf8' });
      const symbols = out.stdout
        .trim()
        .split('\n')
        .map((line) => line.split(' ').at(-1))
        .sort();
      expect(symbols, file).toEqual(['napi_register_module_v1', 'node_api_module_get_api_version_v1']);
    }
  });
});
