/**
 * Which engine trains: the compiled kernel (native) or tfjs (wasm, or
 * tfjs-node where it installs). Measured, not assumed. The kernel is eligible
 * only when its gradients match tfjs's on a small network with dropout on
 * (within GRADIENT_TOLERANCE, backend-measurement.ts); then both are timed on a short training pass
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
import { PenwrightError, isPenwrightError } from '../errors';
import { backendReport } from '../network/backend';
import { nativeKernel, nativeLabel } from '../network/native-kernel';
import { calibrate, gradientCheck, GRADIENT_TOLERANCE } from './backend-measurement';

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

/**
 * Whether the kernel trains here, given both speeds (characters per second)
 * and the engine chosen before on this machine: switching either way takes a
 * margin of SWITCH_MARGIN, so two close measurements do not flip the choice.
 */
export function nativeWins(native: number, tfjs: number, incumbent: TrainingEngine = 'tfjs'): boolean {
  return incumbent === 'native' ? tfjs < native * (1 + SWITCH_MARGIN) : native >= tfjs * (1 + SWITCH_MARGIN);
}

function percent(x: number): string {
  return `${Math.round(x * 100)} %`;
}

/**
 * Measures both engines here and picks one (see the header; `incumbent`: the
 * engine chosen before on this machine); nothing is cached. A kernel that
 * fails while being checked or timed is not chosen, and the reason says why.
 */
export async function measureChoice(incumbent?: TrainingEngine, signal?: AbortSignal): Promise<TrainingBackendChoice> {
  try {
    return await measure(incumbent, signal);
  } catch (e) {
    if (isPenwrightError(e, 'CANCELLED')) throw e;
    return {
      machine: machineKey(),
      measuredAt: new Date().toISOString(),
      engine: 'tfjs',
      label: tfjsLabel(),
      reason: `The native kernel failed while it was being checked: ${e instanceof Error ? e.message : String(e)}`,
      measured: null,
    };
  }
}

async function measure(incumbent: TrainingEngine | undefined, signal?: AbortSignal): Promise<TrainingBackendChoice> {
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
  const check = await gradientCheck(native.kernel, signal);
  if (!check.ok) {
    return {
      ...base,
      engine: 'tfjs',
      label: tfjsLabel(),
      reason: `The native kernel failed its gradient check (${check.where} differs by ${check.worst.toExponential(1)} of its largest value; at most ${GRADIENT_TOLERANCE} allowed).`,
      measured: null,
    };
  }
  const measured = await calibrate(native.kernel, signal);
  const gain = measured.native! / measured.tfjs - 1;
  const fast = nativeWins(measured.native!, measured.tfjs, incumbent);
  return {
    ...base,
    engine: fast ? 'native' : 'tfjs',
    label: fast ? nativeLabel(native.variant) : tfjsLabel(),
    reason: fast
      ? `The native kernel passed its gradient check and trains ${percent(gain)} faster than ${tfjsLabel()} here.`
      : `The native kernel passed its gradient check but is not enough faster than ${tfjsLabel()} here (${percent(gain)}; a switch takes ${percent(SWITCH_MARGIN)}).`,
    measured,
  };
}

/** The engine for a training run: forced, cached for this machine, or measured now (and cached). */
export async function chooseTrainingBackend(
  mode: TrainingBackendMode,
  cacheFile?: string,
  options: { remeasure?: boolean; signal?: AbortSignal } = {},
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
  const cached = await readCachedChoice(cacheFile);
  if (cached && !options.remeasure) return cached;
  let choice: TrainingBackendChoice;
  try {
    choice = await measureChoice(cached?.engine, options.signal);
  } catch (e) {
    if (!isPenwrightError(e, 'CANCELLED')) throw e;
    // cancelled while measuring: the run goes on to stop (and save) at once on tfjs; nothing is cached
    return { ...(await chooseTrainingBackend('tfjs')), reason: 'The measurement was cancelled.' };
  }
  if (cacheFile) await writeCache(cacheFile, choice).catch(() => undefined);
  return choice;
}
