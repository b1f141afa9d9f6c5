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
  /** Code points of Markdown left out of .md files: code, front matter, link targets, HTML (absent in models trained before). */
  markdownDropped?: number;
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

/** A finished model beside its base (or the default) model, measured on the same held-out text. */
export interface TrainingComparison {
  newLoss: number | null;
  baseName: string;
  baseLoss: number | null;
  /** Keystrokes its ghost text would have saved on the held-out text, beside the base's; null when not measured. */
  keystrokes: KeystrokeReport | null;
}

/** What the simulated writer (typing-simulation.ts) saved on text the new model had not trained on. */
export interface KeystrokeReport {
  /** Characters of held-out text typed. */
  chars: number;
  /** Share of keystrokes saved (0-1) with the new model... */
  saved: number;
  /** ...and with the base (or default) model, on the same text and settings. */
  baseSaved: number | null;
}
