/**
 * What a newly trained model's ghost text would have saved its writer: the
 * simulated writer (typing-simulation.ts) types some of the writer's held-out
 * text with the new model, then exactly as much with the model it is compared
 * with, each with the word list it would have had without that text (so the
 * new model is not helped by knowing the held-out text's names). Bounded in
 * time: the characters typed by then are the figure's text. The training
 * worker (the app) and `penwright train` both report it; nothing leaves the
 * machine.
 */
import type { KeystrokeReport } from '../../shared/reports';
import type { CharModel } from '../storage/persistence';
import { countCodePoints } from '../text/vocab';
import { topWords } from '../text/word-list';
import { runWords } from '../training/run-start';
import { SuggestionSession } from './session';
import {
  heldOutStart,
  heldOutText,
  offsetOfCodePoint,
  savedShare,
  typeWithSession,
  type GhostSettings,
} from './typing-simulation';

/** Held-out characters the simulated writer types with each model (about 10-20 s each for M on two cores)... */
export const KEYSTROKE_CHARS = 1200;
/** ...or as many as it types in this time (a larger model is slower). */
export const MEASURE_SECONDS = 40;

export interface KeystrokeMeasure {
  /** The model just trained. */
  model: CharModel;
  /** The model it was fine-tuned from, if any (its word list is what the new one started with). */
  base?: CharModel;
  /** The model to compare with (the base, or the default). */
  other?: CharModel;
  /** The writer's documents, whole: their held-out tails are typed. */
  documents: string[];
  ghost: GhostSettings;
  signal?: AbortSignal;
  seconds?: number;
}

/** The report, or null when too little was held out (or typed) to say anything, or the work was cancelled. */
export async function measureKeystrokes(m: KeystrokeMeasure): Promise<KeystrokeReport | null> {
  const text = heldOutText(m.documents, KEYSTROKE_CHARS);
  if (countCodePoints(text) < 100) return null;
  const seconds = m.seconds ?? MEASURE_SECONDS;
  // each model gets its own time: the other types what this one did, as long again at most
  let deadline = performance.now() + seconds * 1000;
  const enough = () => m.signal?.aborted === true || performance.now() > deadline;
  const trainingText = m.documents.map((d) => d.slice(0, heldOutStart(d)));
  const words = runWords(trainingText, m.base);
  const saved = async (model: CharModel, on: string, wordCounts: ReadonlyMap<string, number> | undefined) => {
    const session = new SuggestionSession({ ...model, wordCounts });
    try {
      return await typeWithSession(session, on, m.ghost, enough);
    } finally {
      session.dispose();
    }
  };
  const mine = await saved(m.model, text, words && new Map(topWords(words)));
  if (m.signal?.aborted || mine.chars < 100) return null;
  // the other model types exactly what this one did (with as long again)
  const typed = text.slice(0, offsetOfCodePoint(text, mine.chars));
  deadline = performance.now() + seconds * 1000;
  const theirs = m.other ? await saved(m.other, typed, m.other.wordCounts) : null;
  if (m.signal?.aborted) return null;
  return { chars: mine.chars, saved: savedShare(mine), baseSaved: theirs && savedShare(theirs) };
}
