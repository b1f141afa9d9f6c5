/**
 * What the Train panel offers and foresees, as plain functions: the presets
 * (how long, which size), how much of the writer's text a preset gets
 * through, the loss curve drawn while it learns, and durations in words.
 */
import type { TrainingJob } from '../../../shared/ipc-contract';
import type { SizeName } from '../../../shared/vocabulary';

export interface TrainingPreset {
  id: 'quick' | 'balanced' | 'thorough';
  label: string;
  /** The network size a fresh model gets. */
  size: Extract<SizeName, 'S' | 'M'>;
  minutes: number;
  blurb: string;
}

export const PRESETS: readonly TrainingPreset[] = [
  { id: 'quick', label: 'Quick', size: 'S', minutes: 5, blurb: 'a small model, a first taste' },
  { id: 'balanced', label: 'Balanced', size: 'M', minutes: 30, blurb: 'the usual choice' },
  { id: 'thorough', label: 'Thorough', size: 'M', minutes: 120, blurb: 'for a lot of writing' },
];

export const presetById = (id: string): TrainingPreset => PRESETS.find((p) => p.id === id) ?? PRESETS[1];

/**
 * Characters/s per training thread on the wasm backend, for a computer where
 * no job has run yet (afterwards main reports the speed it measured, and that
 * is used instead). Rounded down from the README's figures on the project's
 * machine (one thread: S 33,966, M 4,845), so that an estimate promises no
 * more than a slower computer delivers.
 */
export const FALLBACK_SPEED_PER_THREAD: Readonly<Record<TrainingPreset['size'], number>> = { S: 25_000, M: 4_500 };
/** tfjs-node runs its own threads: about three times one wasm thread. */
const NATIVE_FACTOR = 3;

export interface Machine {
  cores: number;
  /** The backend's name (`tensorflow` is tfjs-node). */
  backend: string | null;
  /** Measured here by earlier runs, by size (absent until a job has run). */
  measured: Partial<Record<SizeName, number>>;
  /** The setting: 0 means all cores but one, as main counts. */
  threadsSetting: number;
}

/** Threads a job trains on, as main decides it. */
export const trainingThreads = (m: Machine): number => m.threadsSetting || Math.max(1, m.cores - 1);

/** Characters/s a size should train at here, and whether that was measured. */
export function expectedSpeed(size: TrainingPreset['size'], m: Machine): { perSecond: number; measured: boolean } {
  const measured = m.measured[size];
  if (measured) return { perSecond: measured, measured: true };
  const scale = m.backend === 'tensorflow' ? NATIVE_FACTOR : trainingThreads(m);
  return { perSecond: FALLBACK_SPEED_PER_THREAD[size] * scale, measured: false };
}

/**
 * How much of `characters` of writing a preset gets through, as a phrase to
 * follow the preset's minutes ('' before there is any text).
 */
export function coverage(preset: TrainingPreset, characters: number | undefined, m: Machine): string {
  if (!characters) return '';
  const speed = expectedSpeed(preset.size, m);
  const n = (preset.minutes * 60 * speed.perSecond) / characters;
  // "up to": a run stops early once it no longer improves
  const amount =
    n >= 1 ? `up to about ${Math.round(n)} passes over your text` : `about ${Math.round(n * 100)}% of your text`;
  return `, ${amount}${speed.measured ? ' (at the speed measured here)' : ''}`;
}

export interface LossPoint {
  chars: number;
  trainLoss: number | null;
  valLoss: number | null;
}

/** A training loss seen in a progress report: only later than the last one counts. */
export function addTrainPoint(points: readonly LossPoint[], job: TrainingJob): readonly LossPoint[] {
  const p = job.progress;
  if (p?.trainLoss == null || p.charsSeen <= (points.at(-1)?.chars ?? -1)) return points;
  return [...points, { chars: p.charsSeen, trainLoss: p.trainLoss, valLoss: null }];
}

/** The chart's points: training losses from the reports, validation losses from the job's history. */
export function lossCurve(trainPoints: readonly LossPoint[], history: TrainingJob['history']): LossPoint[] {
  return [...trainPoints, ...history.map((h) => ({ chars: h.chars, trainLoss: null, valLoss: h.valLoss }))].sort(
    (a, b) => a.chars - b.chars,
  );
}

/** Seconds as a writer reads them: "2 h 5 min", "3 min 10 s", "40 s". */
export function duration(s: number | null | undefined): string {
  if (s == null || !Number.isFinite(s)) return '—';
  const m = Math.floor(s / 60);
  return m >= 60
    ? `${Math.floor(m / 60)} h ${m % 60} min`
    : m >= 1
      ? `${m} min ${Math.round(s % 60)} s`
      : `${Math.round(s)} s`;
}
