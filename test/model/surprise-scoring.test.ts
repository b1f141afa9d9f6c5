/**
 * The surprise map's scores against losses computed independently: the
 * one-step network (inference.ts) read character by character from the same
 * weights gives each -log p(next character); the whole-sequence scorer must
 * give the same numbers, per position, summed per word, with each paragraph
 * read after exactly CONTEXT_CHARS code points of the text before it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InferenceNet, disposeState } from '../../src/model/network/inference';
import { disposeParams, initParams } from '../../src/model/network/params';
import { evaluateLoss } from '../../src/model/network/sequence-lstm';
import { CONTEXT_CHARS, scoreParagraphs } from '../../src/model/scoring/paragraph-scores';
import { sequenceLosses } from '../../src/model/scoring/sequence-scorer';
import { wordSpans } from '../../src/model/scoring/words';
import type { CharModel } from '../../src/model/storage/persistence';
import { Vocabulary } from '../../src/model/text/vocab';
import { useTestBackend } from '../helpers';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz ,.\n’';

function tinyModel(hidden: number[], seed: number): CharModel {
  const vocab = Vocabulary.fromText([ALPHABET]);
  const params = initParams({ embedDim: 6, hidden, dropout: 0 }, vocab.size, seed);
  return { vocab, params, meta: { network: { hidden } } } as unknown as CharModel;
}

/** -log p(ids[i + 1] | ids[..i]) by the one-step network, one character at a time. */
function stepLosses(net: InferenceNet, ids: Int32Array): number[] {
  let state = net.zeroState(1);
  const out: number[] = [];
  for (let i = 0; i + 1 < ids.length; i++) {
    const r = net.step(state, Int32Array.of(ids[i]), true);
    state = r.state;
    const logp = tf.tidy(() => tf.logSoftmax(r.logits!).dataSync());
    r.logits!.dispose();
    out.push(-logp[ids[i + 1]]);
  }
  disposeState(state);
  return out;
}

/** The paragraph's own characters' losses, by hand: context (or "\n") + text, read step by step. */
function handLosses(net: InferenceNet, model: CharModel, context: string, text: string): number[] {
  const ctx = [...context].slice(-CONTEXT_CHARS).join('') || '\n';
  const ids = model.vocab.encode(ctx + text);
  return stepLosses(net, ids).slice([...ctx].length - 1);
}

describe('surprise scoring', () => {
  let one: CharModel;
  let two: CharModel;
  let net1: InferenceNet;
  let net2: InferenceNet;
  beforeAll(async () => {
    await useTestBackend();
    one = tinyModel([10], 3);
    two = tinyModel([8, 7], 4);
    net1 = new InferenceNet(one);
    net2 = new InferenceNet(two);
  });
  afterAll(() => {
    net1.dispose();
    net2.dispose();
    disposeParams(one.params);
    disposeParams(two.params);
  });

  it('gives every position the loss the one-step network gives, across windows and sequences of different lengths', async () => {
    for (const [model, net] of [
      [one, net1],
      [two, net2],
    ] as const) {
      const texts = ['the cat sat on the mat.', 'a dog', 'once upon a time, there was\na fox', 'x'];
      const seqs = texts.map((t) => model.vocab.encode(t));
      // 3 rows per window with 4 sequences: one step per window, the state carried between them
      for (const windowRows of [3, 256]) {
        const got = await sequenceLosses(model.params, seqs, { windowRows });
        seqs.forEach((ids, k) => {
          const want = stepLosses(net, ids);
          expect(got[k].length).toBe(ids.length - 1);
          want.forEach((w, i) => expect(got[k][i], `${texts[k]} @${i}`).toBeCloseTo(w, 4));
        });
      }
    }
  });

  it('sums to the training pass’s loss on a batch of equal-length sequences', async () => {
    const seqs = ['hello there', 'what a day.', 'sing, o muse'].map((t) => two.vocab.encode(t.slice(0, 11)));
    const losses = await sequenceLosses(two.params, seqs);
    const steps = 10;
    const inputs = new Int32Array(steps * 3);
    const targets = new Int32Array(steps * 3);
    seqs.forEach((s, b) => {
      for (let t = 0; t < steps; t++) {
        inputs[t * 3 + b] = s[t];
        targets[t * 3 + b] = s[t + 1];
      }
    });
    const { lossSum } = await evaluateLoss(two.params, { batch: 3, steps, inputs, targets });
    const total = losses.reduce((n, l) => n + l.reduce((a, b) => a + b, 0), 0);
    expect(total).toBeCloseTo(lossSum, 3);
  });

  it('sums the per-character losses per word, in UTF-16 offsets of the paragraph', async () => {
    const context = 'it was the best of times, it was the worst of times.\n';
    const text = 'the writer’s fox, running. once';
    const [score] = await scoreParagraphs(two, [{ context, text }]);
    const hand = handLosses(net2, two, context, text);
    expect(score.chars).toBe([...text].length);
    expect(score.unknown).toBe(0);
    expect(score.loss).toBeCloseTo(
      hand.reduce((a, b) => a + b, 0),
      3,
    );
    expect(score.words.map(([s, e]) => text.slice(s, e))).toEqual(['the', 'writer’s', 'fox', 'running', 'once']);
    for (const [start, end, loss] of score.words) {
      const want = hand.slice(start, end).reduce((a, b) => a + b, 0); // one code unit per character here
      expect(loss, text.slice(start, end)).toBeCloseTo(want, 4);
    }
  });

  it('reads exactly CONTEXT_CHARS code points before a paragraph: what lies further back changes nothing', async () => {
    const near = 'and so on and on. '.repeat(20).slice(0, CONTEXT_CHARS);
    const text = 'the end came.';
    const [a, b, c] = await scoreParagraphs(one, [
      { context: 'zzzz' + near, text },
      { context: 'qqqqqqqqqqqq' + near, text },
      { context: near.slice(1) + 'x', text },
    ]);
    expect(a).toEqual(b);
    expect(a.loss).toBeCloseTo(
      handLosses(net1, one, near, text).reduce((x, y) => x + y, 0),
      3,
    );
    // the last character of the context does count
    expect(c.loss).not.toBeCloseTo(a.loss, 4);
  });

  it('scores a document’s first paragraph after a line break, and leaves characters outside the vocabulary unscored', async () => {
    const [first, odd, empty] = await scoreParagraphs(one, [
      { context: '', text: 'a fox' },
      { context: 'so ', text: 'a 🦊 fox' },
      { context: 'so ', text: '' },
    ]);
    const hand = handLosses(net1, one, '\n', 'a fox');
    expect(first.loss).toBeCloseTo(
      hand.reduce((x, y) => x + y, 0),
      3,
    );
    expect(first.words.map(([, , l]) => l)).toEqual([
      expect.closeTo(hand[0], 4),
      expect.closeTo(hand[2] + hand[3] + hand[4], 4),
    ]);
    // the fox emoji: read (as the unknown symbol), not scored, and part of no word
    expect(odd).toMatchObject({ chars: 6, unknown: 1 });
    const oddHand = handLosses(net1, one, 'so ', 'a 🦊 fox');
    // code points: a, space, 🦊 (skipped), space, f, o, x
    expect(odd.loss).toBeCloseTo(oddHand[0] + oddHand[1] + oddHand[3] + oddHand[4] + oddHand[5] + oddHand[6], 3);
    expect(odd.words.map(([s, e]) => 'a 🦊 fox'.slice(s, e))).toEqual(['a', 'fox']);
    expect(empty).toEqual({ loss: 0, chars: 0, unknown: 0, words: [], shared: { loss: 0, chars: 0 } });
    expect(first.shared).toEqual({ loss: first.loss, chars: first.chars });
  });

  it('sums, for the voice check, only the characters another vocabulary knows too', async () => {
    const text = 'a big fox, by the bay.';
    const other = Vocabulary.fromText(['abc ']); // no f, o, x, ...
    const [score] = await scoreParagraphs(one, [{ context: 'so ', text }], { alsoKnownBy: other });
    const hand = handLosses(net1, one, 'so ', text);
    const both = [...text].map((ch, i) => ({ ch, l: hand[i] })).filter(({ ch }) => 'abc '.includes(ch));
    expect(score.shared.chars).toBe(both.length);
    expect(score.shared.loss).toBeCloseTo(
      both.reduce((n, { l }) => n + l, 0),
      3,
    );
    // the map's score is the whole paragraph's, as without the other vocabulary
    expect(score.chars).toBe([...text].length);
    expect(score.loss).toBeCloseTo(
      hand.reduce((x, y) => x + y, 0),
      3,
    );
  });

  it('stops when its signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      sequenceLosses(one.params, [one.vocab.encode('abc abc abc')], { signal: controller.signal, windowRows: 1 }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('words', () => {
  it('keeps apostrophes inside words, and marks and digits, but not spaces or punctuation', () => {
    const text = "don't 'quote' café 42nd—naïve";
    expect(wordSpans(text).map(([s, e]) => text.slice(s, e))).toEqual(["don't", 'quote', 'café', '42nd', 'naïve']);
    expect(wordSpans('')).toEqual([]);
    expect(wordSpans('🦊 ok').map(([s, e]) => '🦊 ok'.slice(s, e))).toEqual(['ok']);
  });
});
