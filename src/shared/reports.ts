/**
 * What the model core reports to the app (a corpus summary, training
 * progress), declared here so the IPC contract, and so the renderer, rest
 * on no part of the model core. Free of imports.
 */

/** What a corpus gives. */
export interface CorpusSummary {
  files: { path: string; characters: number }[];
  skipped: { path: string; reason: string }[];
  /** Code points over all used files. */
  characters: number;
  distinctCharacters: number;
}

/** What training reports as it goes. */
export interface TrainProgress {
  /** `measuring`: after the last save, how many keystrokes the model saves on the held-out text. */
  phase: 'training' | 'evaluating' | 'saving' | 'measuring' | 'done';
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
  /** What computes the steps: "native (AVX-512)", "wasm". */
  backend: string;
}

/** What trains on this computer, as the first training measured it (training-backend.ts). */
export interface TrainingBackendInfo {
  /** "native (AVX-512)", "wasm". */
  label: string;
  /** Why, in a sentence. */
  reason: string;
  measuredAt: string | null;
}
