/**
 * How surprising each word of a paragraph is to a model: the per-character
 * log-loss (nats) from one whole-sequence pass (sequence-scorer.ts), summed
 * per word. Each paragraph is read after a fixed stretch of the text before
 * it (CONTEXT_CHARS code points), never the whole document, so its score
 * depends only on that stretch and itself: an edit rescores its own paragraph
 * (and the next one when the edit falls in that one's context), and results
 * can be cached by (model, context + text).
 *
 * Characters the model's vocabulary lacks are read as its unknown symbol (as
 * suggestions read them) and are not scored: the model never predicts the
 * unknown symbol, so its loss there would measure the vocabulary, not the
 * writing. They count in `unknown`, not in `chars` or any loss. A paragraph
 * at the very start of a document reads a line break before it, so its first
 * character is scored as the start of a paragraph.
 *
 * The voice check compares two models on the same characters: with
 * `alsoKnownBy` (the other model's vocabulary), `shared` sums only the
 * characters both know. Otherwise a model with the smaller vocabulary would
 * skip the rare, costly characters the other one pays for, and look better
 * for it.
 */
import type { CharModel } from '../storage/persistence';
import { UNKNOWN_ID, type Vocabulary } from '../text/vocab';
import { sequenceLosses, type SequenceScoreOptions } from './sequence-scorer';
import { wordSpans } from './words';

/** Code points of preceding text each paragraph is read after. */
export const CONTEXT_CHARS = 256;
/** At most this many paragraphs share one pass. */
const MAX_BATCH = 16;
/**
 * Sequences share a pass only when the longest is at most this much longer
 * than the shortest: padding is wasted work, but a step costs about the same
 * for 1 sequence as for 16, so fuller batches win.
 */
const LENGTH_SLACK = 2;

export interface ParagraphInput {
  /** Text before the paragraph (only its last CONTEXT_CHARS code points are read). */
  context: string;
  text: string;
}

export interface ParagraphScore {
  /** Summed loss of the scored characters, in nats. */
  loss: number;
  /** Characters scored (code points in the vocabulary). */
  chars: number;
  /** Characters outside the vocabulary: read, not scored. */
  unknown: number;
  /** Each word: [start, end) in UTF-16 code units of the paragraph, and its summed loss in nats. */
  words: [number, number, number][];
  /** Loss and characters over the characters `alsoKnownBy` knows too (all scored ones without it). */
  shared: { loss: number; chars: number };
}

export interface ParagraphScoreOptions extends SequenceScoreOptions {
  /** Another model's vocabulary: `shared` counts only characters it knows too (the voice check). */
  alsoKnownBy?: Vocabulary;
}

/** The last `n` code points of `text`. */
export function lastCodePoints(text: string, n: number): string {
  const cps = [...text.slice(-2 * n)];
  return cps.slice(-n).join('');
}

interface Prepared {
  index: number;
  ids: Int32Array;
  /** Sequence index of the paragraph's first code point. */
  offset: number;
  text: string;
}

export async function scoreParagraphs(
  model: CharModel,
  paragraphs: readonly ParagraphInput[],
  options: ParagraphScoreOptions = {},
): Promise<ParagraphScore[]> {
  const results: ParagraphScore[] = paragraphs.map(() => ({
    loss: 0,
    chars: 0,
    unknown: 0,
    words: [],
    shared: { loss: 0, chars: 0 },
  }));
  const prepared: Prepared[] = [];
  paragraphs.forEach(({ context, text }, index) => {
    if (!text) return;
    const ctx = lastCodePoints(context, CONTEXT_CHARS) || '\n';
    const ctxIds = model.vocab.encode(ctx);
    const textIds = model.vocab.encode(text);
    const ids = new Int32Array(ctxIds.length + textIds.length);
    ids.set(ctxIds);
    ids.set(textIds, ctxIds.length);
    prepared.push({ index, ids, offset: ctxIds.length, text });
  });
  prepared.sort((a, b) => a.ids.length - b.ids.length);
  for (let i = 0; i < prepared.length;) {
    const group = [prepared[i]];
    while (
      i + group.length < prepared.length &&
      group.length < MAX_BATCH &&
      prepared[i + group.length].ids.length <= group[0].ids.length * LENGTH_SLACK
    ) {
      group.push(prepared[i + group.length]);
    }
    i += group.length;
    const losses = await sequenceLosses(
      model.params,
      group.map((g) => g.ids),
      options,
    );
    group.forEach((g, k) => (results[g.index] = summarize(g, losses[k], options.alsoKnownBy)));
  }
  return results;
}

/** Per-character losses of the paragraph's own characters, summed per word and in all. */
function summarize(p: Prepared, losses: Float32Array, other: Vocabulary | undefined): ParagraphScore {
  // loss of code point j of the paragraph, by its UTF-16 offset
  const byOffset = new Map<number, number>();
  let loss = 0;
  let chars = 0;
  let unknown = 0;
  const shared = { loss: 0, chars: 0 };
  let offset = 0;
  let j = 0;
  for (const ch of p.text) {
    const at = p.offset + j;
    if (p.ids[at] === UNKNOWN_ID) unknown++;
    else {
      const l = losses[at - 1];
      byOffset.set(offset, l);
      loss += l;
      chars++;
      if (!other || other.has(ch.codePointAt(0)!)) {
        shared.loss += l;
        shared.chars++;
      }
    }
    offset += ch.length;
    j++;
  }
  const words = wordSpans(p.text).map(([start, end]): [number, number, number] => {
    let sum = 0;
    for (let o = start; o < end; o++) sum += byOffset.get(o) ?? 0;
    return [start, end, sum];
  });
  return { loss, chars, unknown, words, shared };
}
