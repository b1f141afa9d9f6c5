/** Messages between the training job service and its worker thread. */
import type { BackendOptions } from '../../../model/network/backend';
import type { TrainingBackendMode } from '../../../model/training/training-backend';
import type { GhostSettings } from '../../../model/suggesting/typing-simulation';
import type { CorpusSummary, KeystrokeReport, TrainingProgress, TrainingSample } from '../../../shared/ipc-contract';
import type { SizeName, TrainingStopReason } from '../../../shared/vocabulary';

export interface TrainingWorkerData {
  jobId: string;
  /** Checkpoints and the final model are written here. */
  outDir: string;
  name: string;
  paths: string[];
  preset?: SizeName;
  /** Fine-tune from this model folder. */
  baseModelDir: string | null;
  /** Measure this model on the same validation text (the default, for a fresh model). */
  compareModelDir: string | null;
  budget: { minutes?: number; steps?: number };
  threads: number;
  resume: boolean;
  backend: BackendOptions;
  /** What computes the steps (`auto`: measured once per machine, cached in `trainingBackendCache`). */
  trainingBackend: TrainingBackendMode;
  trainingBackendCache: string;
  /** The app's ghost text settings: the finished model's keystrokes saved are measured with them (null: the editor shows none). */
  ghost: GhostSettings | null;
  /** Tests only: the worker exits abruptly after this many progress reports. */
  crashAfterReports?: number;
}

export type FromTrainingWorker =
  | { type: 'corpus'; summary: CorpusSummary }
  | { type: 'progress'; progress: TrainingProgress }
  | {
      type: 'evaluation';
      chars: number;
      trainLoss: number | null;
      valLoss: number;
      samples: TrainingSample[];
    }
  | {
      type: 'done';
      stoppedBy: TrainingStopReason;
      valLoss: number | null;
      base: { name: string; valLoss: number | null } | null;
      /** Keystrokes its ghost text saves on the held-out text, and the base's (or the default's); none when not measured. */
      keystrokes: KeystrokeReport | null;
    }
  | { type: 'error'; code: string; message: string };

export type ToTrainingWorker = { type: 'cancel' };
