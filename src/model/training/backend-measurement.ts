/**
 * The two measurements behind the training engine's choice
 * (training-backend.ts): the kernel's gradients against tfjs's on a small
 * network, and the speed of each engine on a short training pass.
 */
import { throwIfAborted } from '../errors';
import { PRESETS, type NetworkConfig } from '../network/config';
import { kernelNetwork, type Kernel } from '../network/native-kernel';
import { initParams, disposeParams } from '../network/params';
import { computeGradients, type SequenceBatch } from '../network/sequence-lstm';
import { ParamLayout } from './parallel/param-layout';

/** Largest per-tensor difference allowed, relative to the tensor's largest gradient. */
export const GRADIENT_TOLERANCE = 1e-4;
/** Short passes timed per engine; the median counts. */
export const CALIBRATION_RUNS = 5;

/** A small network, batch and dropout: enough to exercise every path of both engines. */
const CHECK = {
  network: { embedDim: 8, hidden: [12, 10], dropout: 0.25 } as NetworkConfig,
  vocab: 17,
  batch: 5,
  steps: 7,
};

function checkBatch(): SequenceBatch {
  const n = CHECK.batch * CHECK.steps;
  return {
    batch: CHECK.batch,
    steps: CHECK.steps,
    inputs: Int32Array.from({ length: n }, (_, i) => (i * 7 + 3) % CHECK.vocab),
    targets: Int32Array.from({ length: n }, (_, i) => (i * 5 + 1) % CHECK.vocab),
    windowSeeds: Int32Array.from({ length: CHECK.batch }, (_, i) => i * 1000 - 2000),
  };
}

/**
 * The kernel's gradients against tfjs's on one small batch, dropout on: the
 * worst per-tensor difference relative to that tensor's largest gradient.
 */
export async function gradientCheck(
  kernel: Kernel,
  signal?: AbortSignal,
): Promise<{ ok: boolean; worst: number; where: string }> {
  throwIfAborted(signal, 'Training');
  const { network, vocab } = CHECK;
  const params = initParams(network, vocab, 11);
  const batch = checkBatch();
  try {
    const layout = new ParamLayout(network, vocab);
    const flat = layout.flatten(params);
    const reference = await computeGradients(params, batch, { dropout: network.dropout });
    const grads = new Float32Array(layout.total);
    const loss = kernel.gradients(
      kernelNetwork(network, vocab),
      flat,
      grads,
      batch.inputs,
      batch.targets,
      batch.batch,
      batch.steps,
      network.dropout,
      batch.windowSeeds!,
    );
    // NaN must fail the check, and every comparison with NaN is false: count it as infinitely off
    const off = (x: number) => (Number.isFinite(x) ? x : Infinity);
    let worst = off(Math.abs(loss! - reference.lossSum) / Math.abs(reference.lossSum));
    let where = 'loss';
    for (const slot of layout.slots) {
      const want = reference.grads.get(slot.name)!.dataSync();
      let scale = 0;
      let diff = 0;
      for (let i = 0; i < slot.size; i++) {
        scale = Math.max(scale, Math.abs(want[i]));
        diff = Math.max(diff, Math.abs(want[i] - grads[slot.offset + i]));
      }
      const relative = off(scale > 0 ? diff / scale : diff);
      if (relative > worst) {
        worst = relative;
        where = slot.name;
      }
    }
    disposeParams(reference.grads);
    return { ok: worst <= GRADIENT_TOLERANCE, worst, where };
  } finally {
    disposeParams(params);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * The calibration pass: one gradient computation of the M network on 16
 * windows of 100 characters, a quarter of a batch (close to one thread's
 * shard) and short enough that calibrating takes a second or two. Each engine
 * runs on one thread; where tfjs is tfjs-node, which threads internally, the
 * comparison favours tfjs (one native thread against all cores).
 */
const CALIBRATION = { network: PRESETS.M, vocab: 96, batch: 16, steps: 100 };

/** Characters per second of one thread for each engine (median of CALIBRATION_RUNS, after a warm-up). */
export async function calibrate(
  kernel: Kernel | null,
  signal?: AbortSignal,
): Promise<{ native: number | null; tfjs: number }> {
  const { network, vocab, batch, steps } = CALIBRATION;
  const n = batch * steps;
  const data: SequenceBatch = {
    batch,
    steps,
    inputs: Int32Array.from({ length: n }, (_, i) => (i * 31 + 7) % vocab),
    targets: Int32Array.from({ length: n }, (_, i) => (i * 17 + 3) % vocab),
    windowSeeds: Int32Array.from({ length: batch }, (_, i) => i + 1),
  };
  const params = initParams(network, vocab, 5);
  try {
    const time = async (once: () => Promise<void>) => {
      await once(); // warm-up: first-call allocation and compilation
      const seconds: number[] = [];
      for (let r = 0; r < CALIBRATION_RUNS; r++) {
        throwIfAborted(signal, 'Training');
        const t0 = performance.now();
        await once();
        seconds.push((performance.now() - t0) / 1000);
      }
      return n / median(seconds);
    };
    const tfjs = await time(async () => {
      const r = await computeGradients(params, data, { dropout: network.dropout });
      disposeParams(r.grads);
    });
    let native: number | null = null;
    if (kernel) {
      const layout = new ParamLayout(network, vocab);
      const flat = layout.flatten(params);
      const grads = new Float32Array(layout.total);
      const net = kernelNetwork(network, vocab);
      native = await time(async () => {
        kernel.gradients(net, flat, grads, data.inputs, data.targets, batch, steps, network.dropout, data.windowSeeds!);
      });
    }
    return { native, tfjs };
  } finally {
    disposeParams(params);
  }
}
