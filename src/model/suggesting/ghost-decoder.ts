/**
 * Ghost text: the most probable continuation, word by word, shown only as far
 * as the model is sure of it. One long file on purpose (over 300 lines): the
 * beam, its word scoring and the confidence gate are one algorithm.
 *
 * A small beam over characters (every hypothesis advanced in one batched
 * network step) looks for the most probable next word: the characters before
 * it (spaces, punctuation, a line break) and the word itself, scored with the
 * probability that the word ends there, i.e. that a non-word character
 * follows. A sampled character cannot do this: the likeliest first letter
 * often begins no likely word. Found words are appended while the probability
 * of the whole ghost text, so far, stays at or above `minConfidence` ("how
 * sure before suggesting"); the ghost ends at a word boundary, or just after
 * the punctuation that ends a phrase or sentence when the stop rule says so.
 * Words that would repeat a word 3-gram are never proposed (LoopGuard), and
 * with a lexicon only known words are (WordSpeller, word-constraint.ts).
 *
 * Probabilities are the model's at temperature 1, with the unknown symbol
 * left out. The search is exact within its beam: it stops when the best
 * finished word is at least as probable as every unfinished hypothesis.
 */
import * as tf from '@tensorflow/tfjs-core';
import { firstAcceptedWord } from '../../shared/vocabulary';
import { disposeState, type LstmState } from '../network/inference';
import { isWordChar, LoopGuard } from './loop-guard';
import { charKinds } from './char-kinds';
import { endsPhrase, endsSentence, type StopRule } from './stop-rules';
import { UNKNOWN_ID, type Vocabulary } from '../text/vocab';
import type { Lexicon } from '../text/word-list';
import { WordSpeller } from './word-constraint';

/** The part of InferenceNet the decoder uses (a test can stand in for it). */
export interface StepNetwork {
  /** Advances every row by one character; disposes `state`. */
  step(state: LstmState, ids: Int32Array, withLogits: boolean): { state: LstmState; logits?: tf.Tensor2D };
  logitsOf(state: LstmState): tf.Tensor2D;
}

export interface GhostOptions {
  /** How sure before suggesting: the least probability of the whole ghost text (0: always show the best guess). */
  minConfidence: number;
  /** Most characters (code points) of ghost text. */
  maxChars: number;
  /** Where ghost text may end: 'word' gives one word; 'phrase' and 'sentence' stop after their punctuation. */
  stop: StopRule;
  /** Hypotheses kept per character step (default 4). */
  beamWidth?: number;
  /**
   * Show nothing when accepting the ghost text's first word (Ctrl+→: leading
   * spaces, then up to the next space) would insert fewer characters than
   * this: default 3, so an accept saves at least 2 keys. Not applied when
   * minConfidence is 0 ("always show the best guess").
   */
  minFirstWordChars?: number;
  /** Words the ghost text may spell (the model's list and the document's); none: any. */
  lexicon?: Lexicon;
  /** Called between network steps: throw to abandon the search (superseded: superseding.ts). */
  checkpoint?: () => Promise<void> | void;
}

export interface GhostWord {
  /** The ghost text up to and including this word. */
  text: string;
  /** Log-probability (nats) of that text followed by a word boundary (or of the text, when it ends in punctuation). */
  logprob: number;
}

export interface GhostResult {
  /** The ghost text: the longest run of words whose probability is at least minConfidence ('' when the first is not). */
  text: string;
  /** Every word found, in order, with its cumulative probability; the last may be below minConfidence. */
  words: GhostWord[];
  /** Probability of the ghost text shown (1 for none). */
  confidence: number;
  /** Characters of `text`. */
  chars: number;
  /** Why it ended: the model was not sure enough of the next word, the stop rule, or the length limit. */
  endedBy: 'confidence' | 'stop' | 'budget';
  /** Network steps taken. */
  steps: number;
}

export const DEFAULT_BEAM_WIDTH = 4;
export const DEFAULT_MIN_FIRST_WORD_CHARS = 3;
/** Characters before a word (spaces, punctuation, quotes, a line break) at most. */
const MAX_LEAD = 4;

/** Rows of a state, in this order (rows may repeat). */
export function gatherState(state: LstmState, rows: Int32Array): LstmState {
  return tf.tidy(() => {
    const idx = tf.tensor1d(rows, 'int32');
    return {
      h: state.h.map((t) => tf.gather(t, idx) as tf.Tensor2D),
      c: state.c.map((t) => tf.gather(t, idx) as tf.Tensor2D),
    };
  });
}

interface Hypothesis {
  /** Ghost text so far, as code points. */
  chars: string[];
  logprob: number;
  /** This word has letters of its own (not just the characters before it). */
  hasWord: boolean;
  /** The last character (of the context, then of the ghost) belongs to a word. */
  inWord: boolean;
  /** Characters before this word's letters. */
  lead: number;
  guard: LoopGuard;
  speller: WordSpeller | null;
  /** Row in the current batch. */
  row: number;
}

/** Where a word search starts: the ghost text so far and the state after it. */
interface Start {
  chars: string[];
  logprob: number;
  inWord: boolean;
  guard: LoopGuard;
  speller: WordSpeller | null;
  /** One row. */
  state: LstmState;
}

interface Finished {
  chars: string[];
  /** Log-probability of the text alone: what the next word builds on. */
  logprob: number;
  /** ...and with the word ending here: what the gate compares. */
  score: number;
  /** Ended at a phrase's punctuation: nothing may follow. */
  final: boolean;
  guard: LoopGuard;
  speller: WordSpeller | null;
  /** One-row state after the text (none for `final`), set when the search ends. */
  state?: LstmState;
  inWord: boolean;
}

/** log-softmax of one row without the unknown symbol. */
function logSoftmax(row: Float32Array): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (i !== UNKNOWN_ID && row[i] > max) max = row[i];
  let sum = 0;
  for (let i = 0; i < row.length; i++) if (i !== UNKNOWN_ID) sum += Math.exp(row[i] - max);
  const out = new Float64Array(row.length);
  const norm = max + Math.log(sum);
  for (let i = 0; i < row.length; i++) out[i] = i === UNKNOWN_ID ? -Infinity : row[i] - norm;
  return out;
}

/**
 * The most probable next word after `start` (a one-row state, not consumed):
 * beam search over characters. Candidates below `floor` (a log-probability)
 * are not followed, as no word through them could be shown. Null when no word
 * fits in `room` characters above the floor.
 */
async function nextWord(
  net: StepNetwork,
  vocab: Vocabulary,
  from: Start,
  room: number,
  floor: number,
  options: GhostOptions,
  counter: { steps: number },
): Promise<Finished | null> {
  const kinds = charKinds(vocab);
  const width = Math.max(1, options.beamWidth ?? DEFAULT_BEAM_WIDTH);
  const phraseEnd = options.stop === 'phrase' ? endsPhrase : options.stop === 'sentence' ? endsSentence : null;
  const ghostHasContent = from.chars.length > 0;
  const newlineEnds = options.stop !== 'none' && (ghostHasContent || options.stop === 'line');
  let live: Hypothesis[] = [{ ...from, hasWord: false, lead: 0, row: 0 }];
  let state = gatherState(from.state, Int32Array.of(0));
  let logits: tf.Tensor2D | null = net.logitsOf(state);
  // the best finished word so far, and the batch state that holds its row (kept until replaced)
  const found: { best: Finished | null; batch: LstmState | null; row: number } = { best: null, batch: null, row: 0 };
  const beats = (score: number) => score >= floor && (found.best === null || score > found.best.score);
  const keep = (f: Finished, batch: LstmState | null, row = 0) => {
    if (found.batch && found.batch !== batch && found.batch !== state) disposeState(found.batch);
    found.best = f;
    found.batch = batch;
    found.row = row;
  };
  try {
    for (;;) {
      const data = (await logits.data()) as Float32Array;
      logits.dispose();
      logits = null;
      await options.checkpoint?.();
      const V = vocab.size;
      const candidates: { parent: Hypothesis; id: number; logprob: number }[] = [];
      for (const h of live) {
        const lp = logSoftmax(data.subarray(h.row * V, (h.row + 1) * V));
        for (const id of h.guard.bannedIds()) lp[id] = -Infinity;
        // not on the way to a known word (the word's end included): once per hypothesis, not per candidate
        for (const id of h.speller?.bannedIds(vocab) ?? []) lp[id] = -Infinity;
        if (h.hasWord) {
          // the word ends here if a non-word character comes next (an apostrophe may go on with the word)
          let boundary = 0;
          for (let id = 0; id < V; id++) if (!kinds.word[id] && !kinds.apostrophe[id]) boundary += Math.exp(lp[id]);
          const score = h.logprob + Math.log(boundary);
          if (boundary > 0 && beats(score) && (h.speller?.mayEnd ?? true)) {
            keep(
              {
                chars: h.chars,
                logprob: h.logprob,
                score,
                final: false,
                guard: h.guard,
                speller: h.speller,
                inWord: true,
              },
              state,
              h.row,
            );
          }
        }
        if (h.chars.length - from.chars.length >= room) continue;
        for (let id = 0; id < V; id++) {
          const logprob = h.logprob + lp[id];
          if (logprob < floor || logprob === -Infinity) continue;
          const ch = kinds.chars[id];
          const wordChar = kinds.word[id] || (kinds.apostrophe[id] && h.inWord && h.hasWord);
          // after a word found earlier comes the boundary its score counted on
          if (wordChar && ghostHasContent && h.chars.length === from.chars.length) continue;
          if (!wordChar) {
            if (h.hasWord) continue; // counted in the boundary above
            if (h.lead >= MAX_LEAD || (ch === '\n' && newlineEnds)) continue;
            if (phraseEnd?.(ch) && ghostHasContent) {
              // the phrase ends with this punctuation: the ghost may end here, and goes no further
              if (beats(logprob)) {
                const chars = [...h.chars, ch];
                keep(
                  { chars, logprob, score: logprob, final: true, guard: h.guard, speller: null, inWord: false },
                  null,
                );
              }
              continue;
            }
          }
          candidates.push({ parent: h, id, logprob });
        }
      }
      candidates.sort((a, b) => b.logprob - a.logprob);
      const next = candidates.slice(0, width);
      // nothing unfinished can beat the best finished word any more
      if (next.length === 0 || (found.best !== null && found.best.score >= next[0].logprob)) break;
      const advanced = net.step(
        gatherState(
          state,
          Int32Array.from(next, (c) => c.parent.row),
        ),
        Int32Array.from(next, (c) => c.id),
        true,
      );
      if (state !== found.batch) disposeState(state);
      state = advanced.state;
      logits = advanced.logits!;
      counter.steps++;
      live = next.map((c, row) => {
        const ch = kinds.chars[c.id];
        const guard = c.parent.guard.clone();
        guard.push(ch);
        const wordChar = kinds.word[c.id] || (kinds.apostrophe[c.id] && c.parent.inWord && c.parent.hasWord);
        return {
          chars: [...c.parent.chars, ch],
          logprob: c.logprob,
          hasWord: c.parent.hasWord || kinds.word[c.id],
          inWord: wordChar,
          lead: wordChar ? c.parent.lead : c.parent.lead + 1,
          guard,
          speller: c.parent.speller?.push(ch) ?? null,
          row,
        };
      });
    }
    if (found.best && found.batch) {
      found.best.state = gatherState(found.batch, Int32Array.of(found.row));
    }
  } finally {
    logits?.dispose();
    if (found.batch && found.batch !== state) disposeState(found.batch);
    disposeState(state);
  }
  return found.best;
}

/**
 * Ghost text after `state` (one row, not consumed), which stands for `context`
 * (only its last words are read, for the loop guard).
 */
export async function decodeGhost(
  net: StepNetwork,
  vocab: Vocabulary,
  state: LstmState,
  context: string,
  options: GhostOptions,
): Promise<GhostResult> {
  const counter = { steps: 0 };
  const words: GhostWord[] = [];
  const last = [...context.slice(-2)].pop() ?? '';
  const threshold = options.minConfidence > 0 ? Math.log(options.minConfidence) : -Infinity;
  let from: Start = {
    chars: [],
    logprob: 0,
    inWord: last !== '' && isWordChar(last),
    guard: new LoopGuard(vocab, context),
    speller: WordSpeller.after(options.lexicon, context),
    state,
  };
  let shown: GhostWord = { text: '', logprob: 0 };
  let endedBy: GhostResult['endedBy'] = 'budget';
  try {
    while (from.chars.length < options.maxChars) {
      const room = options.maxChars - from.chars.length;
      const found = await nextWord(net, vocab, from, room, threshold, options, counter);
      if (from.state !== state) disposeState(from.state);
      from = { ...from, state };
      if (!found) {
        // no word above the threshold, or none that fits
        if (threshold > -Infinity) endedBy = 'confidence';
        break;
      }
      const text = found.chars.join('');
      words.push({ text, logprob: found.score });
      if (found.score < threshold) {
        if (found.state) disposeState(found.state);
        endedBy = 'confidence';
        break;
      }
      shown = { text, logprob: found.score };
      if (found.final || !found.state || options.stop === 'word') {
        if (found.state) disposeState(found.state);
        endedBy = 'stop';
        break;
      }
      from = {
        chars: found.chars,
        logprob: found.logprob,
        inWord: found.inWord,
        guard: found.guard,
        speller: found.speller,
        state: found.state,
      };
    }
  } finally {
    if (from.state !== state) disposeState(from.state);
  }
  if (options.minConfidence > 0 && !worthShowing(shown.text, options.minFirstWordChars)) {
    shown = { text: '', logprob: 0 };
    endedBy = 'confidence';
  }
  return {
    text: shown.text,
    words,
    confidence: Math.exp(shown.logprob),
    chars: [...shown.text].length,
    endedBy,
    steps: counter.steps,
  };
}

/** Whether accepting the first word of `text` inserts at least `minChars` characters. */
function worthShowing(text: string, minChars = DEFAULT_MIN_FIRST_WORD_CHARS): boolean {
  const first = firstAcceptedWord(text);
  return [...first].length >= minChars;
}

/** The ghost text `result` would show at another confidence threshold (for choosing one). */
export function ghostAt(result: GhostResult, minConfidence: number, minFirstWordChars?: number): string {
  const threshold = minConfidence > 0 ? Math.log(minConfidence) : -Infinity;
  let text = '';
  for (const w of result.words) {
    if (w.logprob < threshold) break;
    text = w.text;
  }
  return minConfidence <= 0 || worthShowing(text, minFirstWordChars) ? text : '';
}
