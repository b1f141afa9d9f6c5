/** What the training job service is given: where jobs live, whom to tell, and the machine's and writer's settings. */
import type { BackendOptions } from '../../../model/network/backend';
import type { GhostSettings } from '../../../model/suggesting/typing-simulation';
import type { TrainingBackendMode } from '../../../model/training/training-backend';
import type { Events, EventName } from '../../../shared/ipc-contract';
import { DEFAULT_SETTINGS } from '../../../shared/settings';
import type { SizeName } from '../../../shared/vocabulary';
import type { ModelLibrary } from '../models/model-library';

/** Ghost text as a new install shows it: what a finished model is measured with when the service is not told. */
export const GHOST_DEFAULTS: GhostSettings = {
  minConfidence: DEFAULT_SETTINGS.suggestionConfidence,
  maxChars: DEFAULT_SETTINGS.suggestionChars,
  stop: DEFAULT_SETTINGS.stopRule,
};

export interface TrainingServiceOptions {
  jobsDir: string;
  library: ModelLibrary;
  emit: <E extends EventName>(event: E, payload: Events[E]) => void;
  /** Threads for training; 0 means all cores but one, so suggestions stay fast. */
  threads: () => number;
  backend?: BackendOptions;
  /** Where the first training here caches the faster engine; `trainingBackend` (default auto) may force one. */
  trainingBackendCache: string;
  trainingBackend?: TrainingBackendMode;
  workerUrl?: URL;
  /** Tests only: the worker dies after this many progress reports. */
  crashAfterReports?: number;
  /** Progress events at most this often (evaluations and phase changes always go through). */
  progressIntervalMs?: number;
  /** How long a cancelled job may take to stop before its thread is ended (default 10 s). */
  cancelGraceMs?: number;
  /** The app's ghost text settings now (a finished model's saved keystrokes are measured with them; null: no ghost text). */
  ghostSettings?: () => GhostSettings | null;
  /** A finished run's speed, to estimate the next run's time. */
  onSpeedMeasured?: (preset: SizeName, charsPerSecond: number) => Promise<void> | void;
}
