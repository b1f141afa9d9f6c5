/**
 * One training run as an object whose methods are the steps of training:
 * `prepare` (a new, fine-tuned or resumed start; the data split; the engine
 * that computes the steps, step-engine.ts), `measureBaselines` (the base and
 * comparison models' loss on the same text), `step` (one batch, one Adam
 * update), `evaluate` (best weights kept), `checkpoint` (weights, optimiser
 * and random state to disk), and `finish` (the final save).
 */
import { PenwrightError } from '../errors';
import { disposeParams, cloneParams } from '../network/params';
import { bitsPerChar, type ModelMeta } from '../storage/metadata';
import { saveModel, type CharModel, type TrainingState } from '../storage/persistence';
import { sampleBatch, splitDocuments, type SplitText } from './batches';
import { evaluateText } from './evaluate';
import { startEngine, type StepEngine } from './step-engine';
import type { TrainProgress } from './progress';
import { disposeStart, startOf, type Start } from './run-start';
import type { StopReason, TrainOptions, TrainResult } from './train-options';
import type { TrainingBackendChoice } from './training-backend';

/** A validation gain smaller than this (nats per character) does not count as improving. */
const DEFAULT_MIN_IMPROVEMENT = 0.002;
const DEFAULT_CHECKPOINT_SECONDS = 300;

export class TrainingRun {
  private readonly startStep: number;
  private readonly started = performance.now();
  private trainSeconds = 0;
  private trainLoss: number | null = null;
  private lastValLoss: number | null;
  private lastEvalAt = this.started;
  private lastCheckpointAt = this.started;
  private evalsWithoutGain = 0;
  private readonly validationIds: Int32Array;

  private constructor(
    private readonly options: TrainOptions,
    private readonly s: Start,
    private readonly data: SplitText,
    private readonly engine: StepEngine,
    readonly backend: TrainingBackendChoice,
  ) {
    this.startStep = s.step;
    ({ batchSize: this.batchSize, seqLength: this.seqLength } = s.meta.training);
    this.lastValLoss = s.bestValLoss;
    this.validationIds = data.validation.length >= 2 ? data.validation : data.train;
  }

  /** Weights, optimiser and data for the run `options` asks for, and its helper threads. */
  static async prepare(options: TrainOptions): Promise<TrainingRun> {
    const s = await startOf(options);
    const release = () => disposeStart(s);
    const data = splitDocuments(options.documents, s.vocab);
    if (data.train.length < 2) {
      release();
      throw new PenwrightError('EMPTY_CORPUS', 'There is too little text to train on; add more writing.');
    }
    try {
      const { engine, backend } = await startEngine(s, options);
      s.meta.training.backend = backend.label;
      return new TrainingRun(options, s, data, engine, backend);
    } catch (e) {
      release();
      throw e;
    }
  }

  /** Threads that compute gradients. */
  get threads(): number {
    return this.engine.threads;
  }

  private readonly batchSize: number;
  private readonly seqLength: number;

  private elapsed(): number {
    return (performance.now() - this.started) / 1000;
  }

  private runSteps(): number {
    return this.s.step - this.startStep;
  }

  /** Whether this run's budget (steps or seconds) is spent. */
  budgetSpent(): boolean {
    const { maxSteps, maxSeconds } = this.options;
    return Boolean((maxSteps && this.runSteps() >= maxSteps) || (maxSeconds && this.elapsed() >= maxSeconds));
  }

  private charsPerSecond(): number {
    return this.trainSeconds > 0 ? (this.runSteps() * this.batchSize * this.seqLength) / this.trainSeconds : 0;
  }

  /** How much of this run's budget is spent, 0..1 (steps or time, whichever is further along). */
  private budgetFraction(): number {
    const { maxSteps, maxSeconds } = this.options;
    return Math.min(
      1,
      Math.max(maxSteps ? this.runSteps() / maxSteps : 0, maxSeconds ? this.elapsed() / maxSeconds : 0),
    );
  }

  report(phase: TrainProgress['phase']): void {
    const fraction = this.budgetFraction();
    this.options.onProgress?.({
      phase,
      step: this.s.step,
      charsSeen: this.s.charsSeen,
      trainLoss: this.trainLoss,
      valLoss: this.lastValLoss,
      bestValLoss: this.s.bestValLoss,
      charsPerSecond: this.charsPerSecond(),
      elapsedSeconds: this.elapsed(),
      etaSeconds: fraction > 0 ? (this.elapsed() * (1 - fraction)) / fraction : null,
      fraction,
      backend: this.backend.label,
    });
  }

  /**
   * Before the first step of a new run: the base model's loss on this text
   * (what the new model must beat) and the comparison model's.
   */
  async measureBaselines(): Promise<void> {
    const { base, compareWith, resume, signal } = this.options;
    if (resume) return;
    if (base) {
      const baseLoss = await this.evaluate(signal);
      this.s.meta.baseModel = { name: base.meta.name, valLoss: baseLoss };
    }
    if (compareWith) {
      const ids = splitDocuments(this.options.documents, compareWith.vocab).validation;
      const otherIds = ids.length >= 2 ? ids : splitDocuments(this.options.documents, compareWith.vocab, 0).train;
      const { loss } = await evaluateText(compareWith.params, otherIds, {
        batchSize: this.batchSize,
        seqLength: this.seqLength,
        maxWindows: this.options.maxValidationWindows,
        signal,
      });
      this.s.meta.comparison = { name: compareWith.meta.name, valLoss: loss };
    }
  }

  /** One batch: gradients (on the helper threads when there are several), then an Adam update. */
  async step(): Promise<void> {
    const s = this.s;
    const t0 = performance.now();
    const batch = sampleBatch(this.data.train, this.batchSize, this.seqLength, s.rng);
    // a fine-tune steps down (it keeps more of the base: README, "Fine-tuning"); a new model holds its rate
    if ((this.options.learningRateSchedule ?? (s.meta.baseModel ? 'cosine' : 'constant')) === 'cosine') {
      s.adam.learningRate = s.meta.training.learningRate * (0.55 + 0.45 * Math.cos(Math.PI * this.budgetFraction()));
    }
    const r = await this.engine.step(batch, s.meta.network.dropout, this.options.signal);
    const loss = r.lossSum / r.count;
    this.trainLoss = this.trainLoss === null ? loss : 0.9 * this.trainLoss + 0.1 * loss;
    s.step++;
    s.charsSeen += r.count;
    this.trainSeconds += (performance.now() - t0) / 1000;
  }

  /** Whether an evaluation is due after this step (by step count, schedule or time). */
  evaluationDue(): boolean {
    const { evalAtSteps, evalEverySteps, evalEverySeconds } = this.options;
    const step = this.s.step;
    return Boolean(
      evalAtSteps?.includes(step) ||
      (evalEverySteps && step % evalEverySteps === 0) ||
      (evalEverySeconds && performance.now() - this.lastEvalAt >= evalEverySeconds * 1000),
    );
  }

  /** Validation loss now; the best weights so far are kept. */
  async evaluate(signal?: AbortSignal, maxWindows = this.options.maxValidationWindows): Promise<number> {
    const s = this.s;
    this.report('evaluating');
    const windows = { batchSize: this.batchSize, seqLength: this.seqLength, maxWindows, signal };
    // the run's tensors catch up with the engine's weights first: `best` is cloned from them
    this.engine.sync();
    const { loss, chars } = await this.engine.evaluate(this.validationIds, windows);
    this.lastValLoss = loss;
    this.lastEvalAt = performance.now();
    s.meta.metrics.valChars = chars;
    if (s.bestValLoss === null || loss < s.bestValLoss) {
      s.bestValLoss = loss;
      if (s.best) disposeParams(s.best);
      s.best = cloneParams(s.params);
    }
    s.history.push({
      step: s.step,
      chars: s.charsSeen,
      seconds: s.secondsBefore + this.elapsed(),
      trainLoss: this.trainLoss,
      valLoss: loss,
    });
    await this.options.onEvaluation?.({
      step: s.step,
      chars: s.charsSeen,
      trainLoss: this.trainLoss,
      valLoss: loss,
      model: { meta: s.meta, vocab: s.vocab, params: s.params },
    });
    return loss;
  }

  /** Evaluates and says whether the run has stopped improving (early stopping; see `patience`). */
  async evaluateForProgress(): Promise<'improving' | 'converged'> {
    const bestBefore = this.s.bestValLoss;
    const loss = await this.evaluate(this.options.signal);
    const improved =
      bestBefore === null || loss < bestBefore - (this.options.minImprovement ?? DEFAULT_MIN_IMPROVEMENT);
    this.evalsWithoutGain = improved ? 0 : this.evalsWithoutGain + 1;
    const { patience } = this.options;
    return patience && this.evalsWithoutGain >= patience ? 'converged' : 'improving';
  }

  /** The last state evaluated? If not (or never evaluated), evaluate now. */
  async evaluateIfStale(): Promise<void> {
    if (this.s.history.at(-1)?.step !== this.s.step || this.s.best === null) await this.evaluate(this.options.signal);
  }

  /** A cancelled run that never evaluated: measure on a few windows so the model has a quality figure. */
  async evaluateAfterCancel(): Promise<void> {
    if (this.s.best === null && this.s.step > 0) await this.evaluate(undefined, 16).catch(() => undefined);
  }

  checkpointDue(): boolean {
    const every = this.options.checkpointEverySeconds ?? DEFAULT_CHECKPOINT_SECONDS;
    return every !== 0 && performance.now() - this.lastCheckpointAt >= every * 1000;
  }

  /** The best weights with the record so far, as a model (valid until the run changes them). */
  private snapshot(): CharModel {
    const s = this.s;
    const meta: ModelMeta = {
      ...s.meta,
      vocabulary: s.vocab.toJSON(),
      training: {
        ...s.meta.training,
        steps: s.step,
        charsSeen: s.charsSeen,
        seconds: s.secondsBefore + this.elapsed(),
        history: s.history,
      },
      metrics: { ...s.meta.metrics, valLoss: s.bestValLoss, valBitsPerChar: bitsPerChar(s.bestValLoss) },
    };
    return { meta, vocab: s.vocab, params: s.best ?? s.params, wordCounts: s.wordCounts };
  }

  /** Saves the best model and everything a resume needs (a final release save: float16, no resume state). */
  async checkpoint(final: boolean): Promise<void> {
    const { outDir } = this.options;
    if (!outDir) return;
    const s = this.s;
    this.engine.sync();
    this.report('saving');
    const release = final && this.options.release;
    const state: TrainingState = {
      step: s.step,
      charsSeen: s.charsSeen,
      seconds: s.secondsBefore + this.elapsed(),
      rngState: s.rng.state,
      adamStep: s.adam.step,
      bestValLoss: s.bestValLoss,
      params: s.params,
      adam: s.adam.stateTensors(),
    };
    await saveModel(outDir, this.snapshot(), { trainingState: release ? undefined : state, float16: release });
    this.lastCheckpointAt = performance.now();
  }

  async stopHelpers(): Promise<void> {
    await this.engine.dispose();
  }

  /** The final save; hands the best weights to the caller and frees everything else. */
  async finish(stoppedBy: StopReason): Promise<TrainResult> {
    this.engine.sync();
    await this.checkpoint(true);
    this.report('done');
    const s = this.s;
    const result = this.snapshot();
    const kept = s.best ?? s.params;
    if (s.best && s.best !== s.params) disposeParams(s.params);
    s.adam.dispose();
    return {
      model: { ...result, params: kept },
      stoppedBy,
      steps: s.step,
      charsSeen: s.charsSeen,
      charsPerSecond: this.charsPerSecond(),
      threads: this.threads,
      backend: this.backend,
    };
  }

  /** After a failure: frees the weights and the optimiser (the last timed checkpoint stays as it was). */
  dispose(): void {
    disposeStart(this.s);
  }
}
