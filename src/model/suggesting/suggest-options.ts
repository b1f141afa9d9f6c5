/**
 * What a suggestion session is asked (SuggestOptions, GhostRequest,
 * SessionOptions) and what it answers (SessionSuggestion).
 */
import type { StopRule, SuggestionEnd, SuggestionText } from '../../shared/vocabulary';

export interface GhostRequest {
  /** How sure before suggesting: the least probability of the ghost text (0: always the best guess). */
  minConfidence: number;
  beamWidth?: number;
}

export interface SuggestOptions {
  /** One continuation per temperature, in this order. */
  temperatures?: number[];
  /** Most characters (code points) per continuation. */
  maxChars?: number;
  stop?: StopRule;
  topK?: number;
  topP?: number;
  /** Same seed, same text, same options: same continuations. */
  seed?: number;
  /**
   * Ghost text: the lowest temperature below VARIETY_TEMPERATURE is not
   * sampled but decoded as the most probable continuation (ghost-decoder.ts),
   * '' when the model is not sure enough, and comes first in the answer.
   */
  ghost?: GhostRequest;
  /**
   * Only part of the answer: the ghost text alone ('ghost', so the editor can
   * show it before the alternatives are sampled), or the rest alone ('rest').
   * The two parts, asked one after the other with the same seed and text, are
   * the whole answer. Absent: all of it.
   */
  part?: SuggestionPart;
}

/** Which part of an answer with ghost text is asked for. */
export type SuggestionPart = 'ghost' | 'rest';

export interface SessionSuggestion extends SuggestionText {
  stoppedBy: SuggestionEnd;
  /** Decoded as ghost text rather than sampled. */
  ghost?: boolean;
}

export interface SessionOptions {
  /** A cold start reads at most this many characters before the cursor. */
  contextChars?: number;
  /** Take a state snapshot every this many characters... */
  snapshotEvery?: number;
  /** ...and keep this many (the most recent). */
  maxSnapshots?: number;
}
