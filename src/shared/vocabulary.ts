/**
 * The terms of the app, declared once: the renderer, main and the model core
 * all import them from here (it imports nothing, so the sandboxed preload and
 * the model core can use it too).
 */

/** Network sizes a writer chooses between: S (1x128), M (2x256), L (3x512). */
export const SIZE_NAMES = ['S', 'M', 'L'] as const;
export type SizeName = (typeof SIZE_NAMES)[number];

export function isSizeName(name: string): name is SizeName {
  return (SIZE_NAMES as readonly string[]).includes(name);
}

/** Where a suggestion may end (see src/model/suggesting/stop-rules.ts for what each means). */
export const STOP_RULES = ['none', 'word', 'phrase', 'sentence', 'line'] as const;
export type StopRule = (typeof STOP_RULES)[number];

/** Why a suggestion ended: its length budget, its stop rule, or (ghost text) the model's confidence. */
export type SuggestionEnd = 'budget' | StopRule | 'confidence';

/** Why a training run ended: its budget, the writer's cancel, or it stopped improving. */
export const TRAINING_STOP_REASONS = ['budget', 'cancelled', 'converged'] as const;
export type TrainingStopReason = (typeof TRAINING_STOP_REASONS)[number];

/** One continuation as the writer sees it. */
export interface SuggestionText {
  temperature: number;
  text: string;
  /** Mean log-probability per character under the model (temperature 1), nats. */
  logprob: number;
  /** Words of `text` not in the model's word list or the document, as [from, to) offsets (none when the model has no list). */
  invented?: [number, number][];
}

/** One suggestion per temperature, low (safe) to high (adventurous). */
export const DEFAULT_TEMPERATURES: readonly number[] = Object.freeze([0.2, 0.5, 0.8, 1.2]);
/**
 * Where variety begins. Below this temperature the lowest one is decoded as
 * ghost text (the most probable words, not a sample) and every suggestion
 * spells only words the model knows (its word list and the open document's);
 * from here up suggestions are sampled and may invent words, which the panels
 * mark.
 */
export const VARIETY_TEMPERATURE = 0.8;
/** Compare drafts shows two to four columns, each asking with its `draftColumn` (ipc-contract.ts). */
export const MAX_DRAFTS = 4;

/**
 * What one accept-word (Ctrl+→) takes of ghost text: its leading spaces, then
 * up to the next space (the word with its punctuation). The editor, the ghost
 * decoder's "worth showing" rule and the simulated writer all read it here.
 */
export function firstAcceptedWord(ghost: string): string {
  return /^\s*\S+/u.exec(ghost)?.[0] ?? ghost;
}

/** Longest suggestion by default, in characters. */
export const DEFAULT_SUGGESTION_CHARS = 48;
/** Longest continuation anyone may ask for (a Compare drafts column at its longest), in characters. */
export const MAX_SUGGESTION_CHARS = 2000;

/**
 * How much text before the cursor each layer handles, each for its own reason:
 * - `coldStart`: a suggestion session that starts afresh reads this much (an
 *   LSTM's state hardly depends on text further back, and priming costs about
 *   0.2 ms a character);
 * - `sent`: the editor sends this much, so a session can follow its window
 *   as it slides with the cursor instead of starting over;
 * - `accepted`: main refuses more than this in one request (a bound on a
 *   hostile or broken renderer, far above what the editor sends).
 */
export const CONTEXT_LIMITS: Readonly<{ coldStart: number; sent: number; accepted: number }> = Object.freeze({
  coldStart: 1_000,
  sent: 4_000,
  accepted: 20_000,
});
