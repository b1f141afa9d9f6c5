/**
 * What the model expected where a word stands: its most likely next words
 * after the text before it (the same CONTEXT_CHARS the surprise map reads),
 * found by a small beam search over the one-step network. A word ends where
 * the model puts a character that is not part of a word (a space, a comma);
 * that character's probability counts, so "the" and "then" are told apart.
 *
 * It runs on main's thread beside the suggestions: reading the context is up
 * to CONTEXT_CHARS one-step calls, so it awaits `pause` (where the caller
 * yields and lets a suggestion being computed finish first) before it starts,
 * every READ_STEPS_PER_PAUSE characters of the context, and between the
 * search's steps.
 */
import * as tf from '@tensorflow/tfjs-core';
import { disposeState, type InferenceNet, type LstmState } from '../network/inference';
import { cancelledError } from '../errors';
import { UNKNOWN_ID, type Vocabulary } from '../text/vocab';
import { CONTEXT_CHARS, lastCodePoints } from './paragraph-scores';
import { isWordChar } from './words';

export interface ExpectedWord {
  text: string;
  /** Probability of the word and the character that ends it, given the context. */
  probability: number;
}

export interface ExpectedOptions {
  count?: number;
  beamWidth?: number;
  /** Longest word spelled. */
  maxChars?: number;
  signal?: AbortSignal;
  /** Awaited before the work, while reading the context, and between the search's steps. */
  pause?: () => Promise<void>;
}

/** One-step calls between pauses while the context is read (each is well under a millisecond on the M model). */
const READ_STEPS_PER_PAUSE = 32;

interface Beam {
  text: string;
  logp: number;
}

/** Reads `ids` into a fresh one-stream state, pausing every READ_STEPS_PER_PAUSE characters. */
async function read(net: InferenceNet, ids: Int32Array, options: ExpectedOptions): Promise<LstmState> {
  let state = net.zeroState(1);
  try {
    for (let i = 0; i < ids.length; i++) {
      if (i % READ_STEPS_PER_PAUSE === 0) {
        await options.pause?.();
        if (options.signal?.aborted) throw cancelledError('Looking up expected words');
      }
      state = net.step(state, Int32Array.of(ids[i]), false).state;
    }
  } catch (e) {
    disposeState(state);
    throw e;
  }
  return state;
}

export async function expectedWords(
  net: InferenceNet,
  vocab: Vocabulary,
  textBefore: string,
  options: ExpectedOptions = {},
): Promise<ExpectedWord[]> {
  const count = options.count ?? 3;
  const width = options.beamWidth ?? 8;
  const maxChars = options.maxChars ?? 24;
  const wordIds = new Set<number>();
  for (let id = 1; id < vocab.size; id++) if (isWordChar(vocab.charOf(id))) wordIds.add(id);
  const context = vocab.encode(lastCodePoints(textBefore, CONTEXT_CHARS) || '\n');
  await options.pause?.();
  let state = await read(net, context.subarray(0, context.length - 1), options);
  let beams: Beam[] = [{ text: '', logp: 0 }];
  let lastIds = Int32Array.of(context[context.length - 1]);
  let rows = new Int32Array(1); // which beam each state row belongs to
  const finished: Beam[] = [];
  try {
    for (let step = 0; step <= maxChars && beams.length; step++) {
      if (step > 0) await options.pause?.();
      if (options.signal?.aborted) throw cancelledError('Looking up expected words');
      // advance the states of the surviving beams by the characters they chose
      const picked = tf.tidy(() => ({
        h: state.h.map((t) => tf.gather(t, rows)),
        c: state.c.map((t) => tf.gather(t, rows)),
      }));
      disposeState(state);
      const next = net.step(picked as LstmState, lastIds, true);
      state = next.state;
      const logp = tf.tidy(() => tf.logSoftmax(next.logits!));
      next.logits!.dispose();
      const values = await logp.data();
      logp.dispose();
      const candidates: { beam: number; id: number; logp: number }[] = [];
      beams.forEach((b, k) => {
        let ending = -Infinity; // log p(the word ends here): any character that is not part of a word
        for (let id = 1; id < vocab.size; id++) {
          if (id === UNKNOWN_ID) continue;
          const score = b.logp + values[k * vocab.size + id];
          if (!wordIds.has(id)) ending = logAdd(ending, score);
          else if (step < maxChars) candidates.push({ beam: k, id, logp: score });
        }
        if (b.text) finished.push({ text: b.text, logp: ending });
      });
      candidates.sort((a, b) => b.logp - a.logp);
      const best = bestDistinct(finished, count);
      // scores only fall as a word grows: stop when no beam can still beat the words found
      const bar = best.length === count ? best[count - 1].logp : -Infinity;
      const kept = candidates.slice(0, width).filter((c) => c.logp > bar);
      beams = kept.map((c) => ({ text: beams[c.beam].text + vocab.charOf(c.id), logp: c.logp }));
      rows = Int32Array.from(kept, (c) => c.beam);
      lastIds = Int32Array.from(kept, (c) => c.id);
    }
  } finally {
    disposeState(state);
  }
  return bestDistinct(finished, count).map((b) => ({ text: b.text, probability: Math.exp(b.logp) }));
}

/** The `n` most likely words, each once (summing the ways it can end). */
function bestDistinct(words: Beam[], n: number): Beam[] {
  const byText = new Map<string, number>();
  for (const w of words) byText.set(w.text, logAdd(byText.get(w.text) ?? -Infinity, w.logp));
  return [...byText]
    .map(([text, logp]) => ({ text, logp }))
    .sort((a, b) => b.logp - a.logp)
    .slice(0, n);
}

function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}
