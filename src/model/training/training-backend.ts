/**
 * Which engine trains: the compiled kernel (native) or tfjs (wasm, or
 * tfjs-node where it installs). Measured, not assumed. The kernel is eligible
 * only when its gradients match tfjs's on a small network with dropout on
 * (within GRADIENT_TOLERANCE); then both are timed on a short training pass
 * (median of CALIBRATION_RUNS) and the kernel is chosen only when it is at
 * least SWITCH_MARGIN faster. The answer is cached per machine (processor,
 * kernel build, Node or Electron version) in a small JSON file, so the
 * calibration (a second or two) runs at the first training on a machine and
 * never on the app's startup path.
 */
import * as tf from '@tensorflow/tfjs-core';
import { cpus } from 'node:os';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { PenwrightError } from '../errors';
import { backendReport } from '../network/backend';
import { PRESETS, type NetworkConfig } from '../network/config';
import { kernelNetwork, nativeKernel, nativeLabel, type Kernel } from '../network/native-kernel';
import { initParams, disposeParams } from '../network/params';
import { computeGradients, type SequenceBatch } from '../network/sequence-lstm';
import { ParamLayout } from './parallel/param-layout';

/** Largest per-tensor difference allowed, relative to the tensor's largest gradient. */
export const GRADIENT_TOLERANCE = 1e-4;
/** Short passes timed per engine; the median counts. */
export const CALIBRATION_RUNS = 5;
/** The kernel must be this much faster than tfjs before training switches to it. */
export const SWITCH_MARGIN = 0.1;

export type TrainingEngine = 'native' | 'tfjs';
/** `auto` measures (or reads the cached measurement); the others force an engine. */
export type TrainingBackendMode = 'auto' | TrainingEngine;

export function isTrainingBackendMode(value: string): value is TrainingBackendMode {
  return value === 'auto' || value === 'native' || value === 'tfjs';
}

export interface TrainingBackendChoice {
  engine: TrainingEngine;
  /** For people: "native (AVX-512)", "wasm". */
  label: string;
  /** Why this engine, in a sentence. */
  reason: string;
  /** Characters per second of one thread on the calibration pass, when measured. */
  measured: { native: number | null; tfjs: number } | null;
  /** The machine the measurement belongs to. */
  machine: string;
  measuredAt: string | null;
}

function tfjsLabel(): string {
  return backendReport()?.label ?? tf.getBackend();
}

/** Identifies what the measurement depends on: a new processor, kernel build or runtime measures again. */
export function machineKey(): string {
  const native = nativeKernel();
  let build = 'none';
  if (native.available) {
    try {
      build = `${native.variant}@${Math.round(statSync(native.file).mtimeMs)}`;
    } catch {
      build = native.variant;
    }
  }
  const runtime = process.versions.electron ? `electron ${process.versions.electron}` : `node ${process.versions.node}`;
  return `${cpus()[0]?.model ?? 'unknown cpu'} | ${process.arch} | ${runtime} | kernel ${build} | tfjs ${tfjsLabel()}`;
}

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
export async function gradientCheck(kernel: Kernel): Promise<{ ok: boolean; worst: number; where: string }> {
  const { network, vocab } = CHECK;
  const params = initParams(network, vocab, 11);
  const batch = checkBatch();
  try {
    const layout = new ParamLayout(network, vocab);
    const flat = new Float32Array(layout.total);
    layout.write(params, flat);
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
    let worst = Math.abs(loss - reference.lossSum) / Math.abs(reference.lossSum);
    let where = 'loss';
    for (const slot of layout.slots) {
      const want = reference.grads.get(slot.name)!.dataSync();
      let scale = 0;
      let diff = 0;
      for (let i = 0; i < slot.size; i++) {
        scale = Math.max(scale, Math.abs(want[i]));
        diff = Math.max(diff, Math.abs(want[i] - grads[slot.offset + i]));
      }
      const relative = scale > 0 ? diff / scale : diff;
      if (!(relative <= worst)) {
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

/** The calibration pass: one gradient computation of the M network on 8 windows of 100 characters. */
const CALIBRATION = { network: PRESETS.M, vocab: 96, batch: 8, steps: 100 };

/** Characters per second of one thread for each engine (median of CALIBRATION_RUNS, after a warm-up). */
export async function calibrate(kernel: Kernel | null): Promise<{ native: number | null; tfjs: number }> {
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
      const flat = new Float32Array(layout.total);
      layout.write(params, flat);
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

/** The cached choice for this machine, or null (never measured here, or measured on another machine). */
export async function readCachedChoice(cacheFile: string | undefined): Promise<TrainingBackendChoice | null> {
  if (!cacheFile) return null;
  try {
    const saved = JSON.parse(await readFile(cacheFile, 'utf8')) as TrainingBackendChoice;
    const valid =
      (saved.engine === 'native' || saved.engine === 'tfjs') &&
      typeof saved.label === 'string' &&
      typeof saved.reason === 'string' &&
      saved.machine === machineKey();
    if (!valid) return null;
    // a cached native choice holds only while the kernel still loads
    if (saved.engine === 'native' && !nativeKernel().available) return null;
    return saved;
  } catch {
    return null; // absent, unreadable or damaged: measure again
  }
}

async function writeCache(cacheFile: string, choice: TrainingBackendChoice): Promise<void> {
  // a cache: written atomically, but losing it costs only a recalibration
  await mkdir(dirname(cacheFile), { recursive: true });
  const temp = `${cacheFile}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(choice, null, 2)}\n`);
  await rename(temp, cacheFile);
}

/** Whether the kernel's speed clears the margin over tfjs's (both in characters per second). */
export function nativeWins(native: number, tfjs: number): boolean {
  return native >= tfjs * (1 + SWITCH_MARGIN);
}

function percent(x: number): string {
  return `${Math.round(x * 100)} %`;
}

/** Measures both engines here and picks one (see the header); nothing is cached. */
export async function measureChoice(): Promise<TrainingBackendChoice> {
  const native = nativeKernel();
  const base = { machine: machineKey(), measuredAt: new Date().toISOString() };
  if (!native.available) {
    return {
      ...base,
      engine: 'tfjs',
      label: tfjsLabel(),
      reason: `No native kernel: ${native.reason}.`,
      measured: null,
    };
  }
  const check = await gradientCheck(native.kernel);
  if (!check.ok) {
    return {
      ...base,
      engine: 'tfjs',
      label: tfjsLabel(),
      reason: `The native kernel failed its gradient check (${check.where} differs by ${check.worst.toExponential(1)} of its largest value; at most ${GRADIENT_TOLERANCE} allowed).`,
      measured: null,
    };
  }
  const measured = await calibrate(native.kernel);
  const gain = measured.native! / measured.tfjs - 1;
  const fast = nativeWins(measured.native!, measured.tfjs);
  return {
    ...base,
    engine: fast ? 'native' : 'tfjs',
    label: fast ? nativeLabel(native.variant) : tfjsLabel(),
    reason: fast
      ? `The native kernel passed its gradient check and trains ${percent(gain)} faster than ${tfjsLabel()} here.`
      : `The native kernel passed its gradient check but is not ${percent(SWITCH_MARGIN)} faster than ${tfjsLabel()} here (${percent(gain)}).`,
    measured,
  };
}

/** The engine for a training run: forced, cached for this machine, or measured now (and cached). */
export async function chooseTrainingBackend(
  mode: TrainingBackendMode,
  cacheFile?: string,
  options: { remeasure?: boolean } = {},
): Promise<TrainingBackendChoice> {
  const machine = machineKey();
  if (mode === 'tfjs') {
    return {
      engine: 'tfjs',
      label: tfjsLabel(),
      reason: 'tfjs was asked for.',
      measured: null,
      machine,
      measuredAt: null,
    };
  }
  if (mode === 'native') {
    const native = nativeKernel();
    if (!native.available) {
      throw new PenwrightError('BACKEND', `The native kernel was asked for, but ${native.reason}.`);
    }
    return {
      engine: 'native',
      label: nativeLabel(native.variant),
      reason: 'The native kernel was asked for.',
      measured: null,
      machine,
      measuredAt: null,
    };
  }
  const cached = options.remeasure ? null : await readCachedChoice(cacheFile);
  if (cached) return cached;
  const choice = await measureChoice();
  if (cacheFile) await writeCache(cacheFile, choice).catch(() => undefined);
  return choice;
}
