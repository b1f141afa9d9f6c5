/**
 * What a training run is asked to do (TrainOptions) and what it hands back
 * (TrainResult): the vocabulary of train(), apart from how it runs.
 */
import type { BackendOptions } from '../network/backend';
import type { NetworkConfig } from '../network/config';
import type { CorpusSummaryMeta } from '../storage/metadata';
import type { CharModel } from '../storage/persistence';
import type { TrainProgress } from './progress';
import type { TrainingBackendChoice, TrainingBackendMode } from './training-backend';
import type { SizeName, TrainingStopReason } from '../../shared/vocabulary';

export interface TrainOptions {
  /** Training texts (already decoded and normalised). */
  documents: string[];
  corpusSummary?: CorpusSummaryMeta | null;
  /** Folder for checkpoints and the final model; nothing is saved without it. */
  outDir?: string;
  name?: string;
  /** Network size for a new model (ignored when fine-tuning or resuming). */
  preset?: SizeName;
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
  /**
   * How the learning rate moves through the budget: constant, or down a half
   * cosine from `learningRate` to a tenth of it at the budget's end (steps or
   * time, whichever comes first). Default: cosine for a fine-tune (from a
   * base model), constant for a new model.
   */
  learningRateSchedule?: 'constant' | 'cosine';
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
  /**
   * What computes the training steps: `native` (the compiled kernel), `tfjs`,
   * or `auto` (measured once per machine, see training-backend.ts). Default
   * `tfjs`; the app and the command line ask for `auto`.
   */
  trainingBackend?: TrainingBackendMode;
  /** Where `auto` caches its measurement (without one it measures on every run). */
  trainingBackendCache?: string;
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

export type StopReason = TrainingStopReason;

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
  /** The engine that computed them, and why it was chosen. */
  backend: TrainingBackendChoice;
}
