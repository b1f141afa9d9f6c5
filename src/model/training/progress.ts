/**
 * What training reports as it goes. A file of its own, free of imports, so the
 * IPC contract (and so the renderer) can use the type without the model core.
 */
export interface TrainProgress {
  phase: 'training' | 'evaluating' | 'saving' | 'done';
  step: number;
  charsSeen: number;
  /** Smoothed training loss, nats per character. */
  trainLoss: number | null;
  /** Latest validation loss. */
  valLoss: number | null;
  bestValLoss: number | null;
  charsPerSecond: number;
  elapsedSeconds: number;
  /** Seconds left in this run's budget, when it can be estimated. */
  etaSeconds: number | null;
  /** 0..1 of this run's budget. */
  fraction: number;
}
