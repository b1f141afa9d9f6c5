/**
 * Training: random windows from every document's first 90 %, validation on
 * every document's last 10 %, Adam with clipping, a step or time budget,
 * progress callbacks, cancellation within a second, timed checkpoints, resume
 * with the optimiser state, fine-tuning from a base model (with vocabulary
 * extension), and the weights with the best validation loss kept.
 *
 * The loop knows nothing of its UI: progress arrives through `onProgress`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Adam } from './adam';
import { backendReport, type BackendOptions } from './backend';
import { GradientWorkerPool } from './parallel/worker-pool';
import { DOCUMENT_SEPARATOR, sampleBatch, splitDocuments, validationBatches, type SplitText } from './batches';
import { PRESETS, trainFlopsPerChar, type NetworkConfig, type PresetName } from './config';
import { summaryForModel } from './corpus-summary';
import { PenwrightError, isPenwrightError } from './errors';
import {
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  bitsPerChar,
  type CorpusSummaryMeta,
  type HistoryPoint,
  type ModelMeta,
} from './metadata';
import { cloneParams, disposeParams, extendVocabulary, initParams, type ParamMap } from './params';
import { loadModel, loadTrainingState, saveModel, type CharModel, type TrainingState } from './persistence';
import { Rng } from './rng';
import { computeGradients, evaluateLoss } from './sequence-lstm';
import type { TrainProgress } from './progress';
import { Vocabulary } from './vocab';

export type { TrainProgress };

export interface TrainOptions {
  /** Training texts (already decoded and normalised). */
  documents: string[];
  corpusSummary?: CorpusSummaryMeta | null;
  /** Folder for checkpoints and the final model; nothing is saved without it. */
  outDir?: string;
  name?: string;
  /** Network size for a new model (ignored when fine-tuning or resuming). */
  preset?: PresetName;
  network?: NetworkConfig;
  /** Fine-tune from this model; the caller keeps ownership of it. */
  base?: CharModel;
  /**
   * Measure this model too on the validation text before training (recorded
   * as `meta.comparison`): e.g. the default model, beside a model trained from
   * scratch. The caller keeps ownership.
   */
  compareWith?: CharModel;
  /** Continue the run saved in `outDir`. */
  resume?: boolean;
  batchSize?: number;
  seqLength?: number;
  /** Default 2e-3 for a new model, 1e-3 when fine-tuning. */
  learningRate?: number;
  clipNorm?: number;
  /** Budget of this run: stop after this many steps... */
  maxSteps?: number;
  /** ...or this many seconds, whichever comes first. */
  maxSeconds?: number;
  /** Evaluate every N steps / seconds, at these steps, and at the end. */
  evalEverySteps?: number;
  evalEverySeconds?: number;
  evalAtSteps?: number[];
  /** Cap on validation windows per evaluation (speed on large corpora). */
  maxValidationWindows?: number;
  /**
   * Early stopping: end the run when this many evaluations in a row have not
   * lowered the best validation loss by at least `minImprovement` nats (the
   * best weights are kept either way). Off by default.
   */
  patience?: number;
  /** Default 0.002 nats per character. */
  minImprovement?: number;
  checkpointEverySeconds?: number;
  /**
   * Threads to train on (data-parallel; wasm and cpu backends). tfjs-node
   * threads on its own, so it always uses one. Default 1.
   */
  threads?: number;
  /** Backend options for the worker threads (e.g. the packaged app's wasm folder). */
  workerBackend?: BackendOptions;
  /** The gradient worker module, when built into a bundle (default: beside the pool's source). */
  gradientWorkerUrl?: URL;
  /** Tests only: make helper thread 1 die at this step. */
  crashWorkerOnStep?: number;
  /**
   * Save the final model for distribution: float16 weights and no resume
   * state (checkpoints during the run still keep it).
   */
  release?: boolean;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (progress: TrainProgress) => void;
  /**
   * Called after each evaluation with the current weights (valid only during
   * the call): e.g. to sample text and show how the model is learning.
   */
  onEvaluation?: (evaluation: {
    step: number;
    chars: number;
    trainLoss: number | null;
    valLoss: number;
    model: CharModel;
  }) => void | Promise<void>;
}

export type StopReason = 'budget' | 'cancelled' | 'converged';

export interface TrainResult {
  /** The model with the best validation loss; the caller disposes it. */
  model: CharModel;
  /** The budget ran out, the run was cancelled, or it stopped improving (see `patience`). */
  stoppedBy: StopReason;
  steps: number;
  charsSeen: number;
  /** Training characters per second in this run (excluding evaluation). */
  charsPerSecond: number;
  /** Threads that computed gradients. */
  threads: number;
}

/** How many threads to train on: tfjs-node threads internally, so it gets one. */
export function effectiveThreads(requested: number | undefined): number {
  if (tf.getBackend() === 'tensorflow') return 1;
  return Math.max(1, Math.floor(requested ?? 1));
}

/** Mean validation loss (nats per character) over non-overlapping windows. */
export async function evaluateText(
  params: ParamMap,
  ids: Int32Array,
  options: { batchSize?: number; seqLength?: number; maxWindows?: number; signal?: AbortSignal } = {},
): Promise<{ loss: number; chars: number }> {
  let sum = 0;
  let count = 0;
  for (const batch of validationBatches(ids, options.batchSize ?? 64, options.seqLength ?? 100, options.maxWindows)) {
    const r = await evaluateLoss(params, batch, options.signal);
    sum += r.lossSum;
    count += r.count;
  }
  return { loss: count ? sum / count : NaN, chars: count };
}

interface RunState {
  params: ParamMap;
  best: ParamMap | null;
  bestValLoss: number | null;
  adam: Adam;
  rng: Rng;
  step: number;
  charsSeen: number;
  secondsBefore: number;
  history: HistoryPoint[];
  meta: ModelMeta;
  vocab: Vocabulary;
}

function freshMeta(
  name: string,
  preset: string | null,
  network: NetworkConfig,
  vocab: Vocabulary,
  options: TrainOptions,
  batchSize: number,
  seqLength: number,
  learningRate: number,
): ModelMeta {
  const now = new Date().toISOString();
  return {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    name,
    createdAt: now,
    updatedAt: now,
    preset,
    network,
    vocabulary: vocab.toJSON(),
    training: {
      steps: 0,
      charsSeen: 0,
      seconds: 0,
      batchSize,
      seqLength,
      learningRate,
      backend: backendReport()?.label ?? tf.getBackend(),
      history: [],
    },
    metrics: { valLoss: null, valBitsPerChar: null, valChars: 0 },
    corpus: options.corpusSummary ? summaryForModel(options.corpusSummary) : null,
    baseModel: options.base ? { name: options.base.meta.name, valLoss: null } : null,
    comparison: null,
    weights: { dtype: 'float32' },
  };
}

/** The state of a run that starts at step 0 (from scratch or from a base model). */
function freshRun(params: ParamMap, meta: ModelMeta, vocab: Vocabulary, rng: Rng, clipNorm = 5): RunState {
  return {
    params,
    best: null,
    bestValLoss: null,
    adam: new Adam({ learningRate: meta.training.learningRate, clipNorm }),
    rng,
    step: 0,
    charsSeen: 0,
    secondsBefore: 0,
    history: [],
    meta,
    vocab,
  };
}

async function prepare(options: TrainOptions): Promise<RunState> {
  const batchSize = options.batchSize ?? 64;
  const seqLength = options.seqLength ?? 100;
  const seed = options.seed ?? 1;
  if (options.resume) {
    if (!options.outDir) throw new PenwrightError('BAD_ARGUMENT', 'Resuming needs the folder of the interrupted run.');
    const saved = await loadModel(options.outDir);
    const state = await loadTrainingState(options.outDir, saved.meta);
    if (!state) {
      disposeParams(saved.params);
      throw new PenwrightError('BAD_ARGUMENT', `${options.outDir} has no training state to resume from.`);
    }
    const adam = new Adam({ learningRate: saved.meta.training.learningRate, clipNorm: options.clipNorm ?? 5 });
    adam.restore(state.adamStep, state.adam);
    const rng = new Rng(0);
    rng.state = state.rngState;
    return {
      params: state.params,
      best: saved.params,
      bestValLoss: state.bestValLoss,
      adam,
      rng,
      step: state.step,
      charsSeen: state.charsSeen,
      secondsBefore: state.seconds,
      history: [...saved.meta.training.history],
      meta: saved.meta,
      vocab: saved.vocab,
    };
  }
  const rng = new Rng(seed);
  if (options.base) {
    const base = options.base;
    const { vocab } = base.vocab.extendedWith(options.documents);
    const params = extendVocabulary(cloneParams(base.params), base.vocab.size, vocab.size);
    const learningRate = options.learningRate ?? 1e-3;
    const meta = freshMeta(
      options.name ?? `${base.meta.name} (fine-tuned)`,
      base.meta.preset,
      base.meta.network,
      vocab,
      options,
      batchSize,
      seqLength,
      learningRate,
    );
    return freshRun(params, meta, vocab, rng, options.clipNorm);
  }
  const preset = options.preset ?? 'M';
  const network = options.network ?? PRESETS[preset];
  // the separator is in every vocabulary: sessions start after it, as documents do in training
  const vocab = Vocabulary.fromText([...options.documents, DOCUMENT_SEPARATOR]);
  const learningRate = options.learningRate ?? 2e-3;
  const meta = freshMeta(
    options.name ?? 'My model',
    options.network ? null : preset,
    network,
    vocab,
    options,
    batchSize,
    seqLength,
    learningRate,
  );
  return freshRun(initParams(network, vocab.size, seed), meta, vocab, rng, options.clipNorm);
}

export async function train(options: TrainOptions): Promise<TrainResult> {
  if (!options.maxSteps && !options.maxSeconds) {
    throw new PenwrightError('BAD_ARGUMENT', 'Give training a budget: a number of steps or of minutes.');
  }
  if (options.documents.join('').length < 2) {
    throw new PenwrightError('EMPTY_CORPUS', 'There is no text to train on.');
  }
  const s = await prepare(options);
  const batchSize = s.meta.training.batchSize;
  const seqLength = s.meta.training.seqLength;
  const data: SplitText = splitDocuments(options.documents, s.vocab);
  if (data.train.length < 2) {
    disposeRun(s);
    throw new PenwrightError('EMPTY_CORPUS', 'There is too little text to train on; add more writing.');
  }
  const validationIds = data.validation.length >= 2 ? data.validation : data.train;
  const threads = effectiveThreads(options.threads);
  let pool: GradientWorkerPool | undefined;
  if (threads > 1) {
    try {
      pool = await GradientWorkerPool.start({
        network: s.meta.network,
        vocabSize: s.vocab.size,
        threads,
        backend: options.workerBackend,
        workerUrl: options.gradientWorkerUrl,
        crashOnStep: options.crashWorkerOnStep,
      });
    } catch (e) {
      disposeRun(s);
      throw e;
    }
  }
  const dropout = s.meta.network.dropout;
  const startStep = s.step;
  const started = performance.now();
  let trainSeconds = 0;
  let trainLoss: number | null = null;
  let lastValLoss: number | null = s.bestValLoss;
  let lastEvalAt = started;
  let lastCheckpointAt = started;
  const evalAt = new Set(options.evalAtSteps ?? []);
  const elapsed = () => (performance.now() - started) / 1000;
  const runSteps = () => s.step - startStep;
  const fraction = () =>
    Math.min(
      1,
      Math.max(
        options.maxSteps ? runSteps() / options.maxSteps : 0,
        options.maxSeconds ? elapsed() / options.maxSeconds : 0,
      ),
    );
  const rate = () => (trainSeconds > 0 ? ((s.step - startStep) * batchSize * seqLength) / trainSeconds : 0);
  const report = (phase: TrainProgress['phase']) => {
    const f = fraction();
    options.onProgress?.({
      phase,
      step: s.step,
      charsSeen: s.charsSeen,
      trainLoss,
      valLoss: lastValLoss,
      bestValLoss: s.bestValLoss,
      charsPerSecond: rate(),
      elapsedSeconds: elapsed(),
      etaSeconds: f > 0 ? (elapsed() * (1 - f)) / f : null,
      fraction: f,
    });
  };

  const evaluate = async (signal?: AbortSignal, maxWindows = options.maxValidationWindows) => {
    report('evaluating');
    const { loss, chars } = await evaluateText(s.params, validationIds, { batchSize, seqLength, maxWindows, signal });
    lastValLoss = loss;
    lastEvalAt = performance.now();
    s.meta.metrics.valChars = chars;
    if (s.bestValLoss === null || loss < s.bestValLoss) {
      s.bestValLoss = loss;
      if (s.best) disposeParams(s.best);
      s.best = cloneParams(s.params);
    }
    s.history.push({
      step: s.step,
      chars: s.charsSeen,
      seconds: s.secondsBefore + elapsed(),
      trainLoss,
      valLoss: loss,
    });
    await options.onEvaluation?.({
      step: s.step,
      chars: s.charsSeen,
      trainLoss,
      valLoss: loss,
      model: { meta: s.meta, vocab: s.vocab, params: s.params },
    });
    return loss;
  };

  const snapshot = (): CharModel => {
    const meta: ModelMeta = {
      ...s.meta,
      vocabulary: s.vocab.toJSON(),
      training: {
        ...s.meta.training,
        steps: s.step,
        charsSeen: s.charsSeen,
        seconds: s.secondsBefore + elapsed(),
        history: s.history,
      },
      metrics: { ...s.meta.metrics, valLoss: s.bestValLoss, valBitsPerChar: bitsPerChar(s.bestValLoss) },
    };
    return { meta, vocab: s.vocab, params: s.best ?? s.params };
  };

  const checkpoint = async (final: boolean) => {
    if (!options.outDir) return;
    report('saving');
    const release = final && options.release;
    const state: TrainingState = {
      step: s.step,
      charsSeen: s.charsSeen,
      seconds: s.secondsBefore + elapsed(),
      rngState: s.rng.state,
      adamStep: s.adam.step,
      bestValLoss: s.bestValLoss,
      params: s.params,
      adam: s.adam.stateTensors(),
    };
    await saveModel(options.outDir, snapshot(), { trainingState: release ? undefined : state, float16: release });
    lastCheckpointAt = performance.now();
  };

  let stoppedBy: StopReason = 'budget';
  let evalsWithoutGain = 0;
  try {
    if (options.base && !options.resume) {
      // The base model's loss on this text: what the new model must beat.
      const baseLoss = await evaluate(options.signal);
      s.meta.baseModel = { name: options.base.meta.name, valLoss: baseLoss };
    }
    if (options.compareWith && !options.resume) {
      const other = options.compareWith;
      const ids = splitDocuments(options.documents, other.vocab).validation;
      const otherIds = ids.length >= 2 ? ids : splitDocuments(options.documents, other.vocab, 0).train;
      const { loss } = await evaluateText(other.params, otherIds, {
        batchSize,
        seqLength,
        maxWindows: options.maxValidationWindows,
        signal: options.signal,
      });
      s.meta.comparison = { name: other.meta.name, valLoss: loss };
    }
    report('training');
    while (
      !(options.maxSteps && runSteps() >= options.maxSteps) &&
      !(options.maxSeconds && elapsed() >= options.maxSeconds)
    ) {
      const t0 = performance.now();
      const batch = sampleBatch(data.train, batchSize, seqLength, s.rng);
      const pass = { dropout, signal: options.signal };
      const r = pool
        ? await pool.computeGradients(s.params, batch, pass)
        : await computeGradients(s.params, batch, pass);
      s.adam.apply(s.params, r.grads);
      for (const g of r.grads.values()) g.dispose();
      const loss = r.lossSum / r.count;
      trainLoss = trainLoss === null ? loss : 0.9 * trainLoss + 0.1 * loss;
      s.step++;
      s.charsSeen += r.count;
      trainSeconds += (performance.now() - t0) / 1000;
      const now = performance.now();
      const due =
        evalAt.has(s.step) ||
        (options.evalEverySteps && s.step % options.evalEverySteps === 0) ||
        (options.evalEverySeconds && now - lastEvalAt >= options.evalEverySeconds * 1000);
      if (due) {
        const bestBefore = s.bestValLoss;
        const loss = await evaluate(options.signal);
        const improved = bestBefore === null || loss < bestBefore - (options.minImprovement ?? 0.002);
        evalsWithoutGain = improved ? 0 : evalsWithoutGain + 1;
        if (options.patience && evalsWithoutGain >= options.patience) {
          stoppedBy = 'converged';
          break;
        }
      }
      report('training');
      if (
        options.checkpointEverySeconds !== 0 &&
        now - lastCheckpointAt >= (options.checkpointEverySeconds ?? 300) * 1000
      ) {
        await checkpoint(false);
      }
    }
    if (s.history.at(-1)?.step !== s.step || s.best === null) await evaluate(options.signal);
  } catch (e) {
    if (!isPenwrightError(e, 'CANCELLED')) {
      // the last timed checkpoint stays as it was
      disposeRun(s);
      throw e;
    }
    stoppedBy = 'cancelled';
    if (s.best === null && s.step > 0) {
      // never evaluated: measure on a few windows (a fraction of a second) so the model has a quality figure
      await evaluate(undefined, 16).catch(() => undefined);
    }
  } finally {
    await pool?.dispose();
  }
  await checkpoint(true);
  report('done');
  const result = snapshot();
  // Hand the best weights to the caller; free everything else.
  const kept = s.best ?? s.params;
  if (s.best && s.best !== s.params) disposeParams(s.params);
  s.adam.dispose();
  return {
    model: { ...result, params: kept },
    stoppedBy,
    steps: s.step,
    charsSeen: s.charsSeen,
    charsPerSecond: rate(),
    threads,
  };
}

function disposeRun(s: RunState): void {
  disposeParams(s.params);
  if (s.best) disposeParams(s.best);
  s.adam.dispose();
}

/** FLOP rate of a training run, for benchmarks. */
export function trainingGflops(network: NetworkConfig, vocabSize: number, charsPerSecond: number): number {
  return (trainFlopsPerChar(network, vocabSize) * charsPerSecond) / 1e9;
}
