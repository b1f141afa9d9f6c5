/**
 * Training: random windows from every document's first 90 %, validation on
 * every document's last 10 %, Adam with clipping, a step or time budget,
 * progress callbacks, cancellation within a second, timed checkpoints, resume
 * with the optimiser state, fine-tuning from a base model (with vocabulary
 * extension), and the weights with the best validation loss kept.
 *
 * The loop knows nothing of its UI: progress arrives through `onProgress`.
 * Each step of it is a method of TrainingRun (training-run.ts).
 */
import { trainFlopsPerChar, type NetworkConfig } from '../network/config';
import { PenwrightError, isPenwrightError } from '../errors';
import type { TrainProgress } from './progress';
import type { StopReason, TrainOptions, TrainResult } from './train-options';
import { TrainingRun } from './training-run';

export type { StopReason, TrainOptions, TrainProgress, TrainResult };
export { effectiveThreads, evaluateText } from './evaluate';

export async function train(options: TrainOptions): Promise<TrainResult> {
  if (!options.maxSteps && !options.maxSeconds) {
    throw new PenwrightError('BAD_ARGUMENT', 'Give training a budget: a number of steps or of minutes.');
  }
  if (options.documents.join('').length < 2) {
    throw new PenwrightError('EMPTY_CORPUS', 'There is no text to train on.');
  }
  const run = await TrainingRun.prepare(options);
  let stoppedBy: StopReason = 'budget';
  try {
    await run.measureBaselines();
    run.report('training');
    while (!run.budgetSpent()) {
      await run.step();
      if (run.evaluationDue() && (await run.evaluateForProgress()) === 'converged') {
        stoppedBy = 'converged';
        break;
      }
      run.report('training');
      if (run.checkpointDue()) await run.checkpoint(false);
    }
    await run.evaluateIfStale();
  } catch (e) {
    if (!isPenwrightError(e, 'CANCELLED')) {
      run.dispose();
      throw e;
    }
    stoppedBy = 'cancelled';
    await run.evaluateAfterCancel();
  } finally {
    await run.stopHelpers();
  }
  return run.finish(stoppedBy);
}

/** FLOP rate of a training run, for benchmarks. */
export function trainingGflops(network: NetworkConfig, vocabSize: number, charsPerSecond: number): number {
  return (trainFlopsPerChar(network, vocabSize) * charsPerSecond) / 1e9;
}
