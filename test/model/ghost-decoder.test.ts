import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ghostAt } from '../../src/model/suggesting/ghost-decoder';
import { LoopGuard, repeatsWordTrigram } from '../../src/model/suggesting/loop-guard';
import { SuggestionSession } from '../../src/model/suggesting/session';
import { useTestBackend } from '../helpers';
import { decodeAfter, FakeNet, type Distribution } from './fake-net';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz .,\n';

/** Next-character probabilities by the text so far. */
const table =
  (t: Record<string, Record<string, number>>): Distribution =>
  (text) =>
    t[text] ?? {};

/** 'd' is the likeliest first letter, but "cat" is the likeliest word. */
const CAT = table({
  '': { d: 0.45, c: 0.4 },
  d: { o: 0.999 },
  do: { g: 0.33, e: 0.33, n: 0.33 },
  dog: { ' ': 0.99 },
  doe: { ' ': 0.99 },
  don: { ' ': 0.99 },
  c: { a: 0.999 },
  ca: { t: 0.999 },
  cat: { ' ': 0.9 },
  'cat ': { s: 0.999 },
  'cat s': { a: 0.999 },
  'cat sa': { t: 0.999 },
  'cat sat': { '.': 0.9 },
  'cat sat.': { ' ': 0.9 },
});

const ghost = decodeAfter;

describe('ghost text decoder', () => {
  beforeAll(useTestBackend);

  it('finds the most probable word, where following the likeliest letter would not', async () => {
    const net = new FakeNet(ALPHABET, CAT);
    const g = await ghost(net, '', { stop: 'word' });
    expect(g.text).toBe('cat');
    // P(c) P(a) P(t) P(a non-word character next): 0.4 x 0.999 x 0.999 x (0.9 + the rest's share)
    expect(g.confidence).toBeGreaterThan(0.36);
    expect(g.confidence).toBeLessThan(0.4);
    // greedy decoding starts with "d" and ends in a word a third as likely
    const probs = (await net.logitsOf(net.stateAfter('')).data()) as Float32Array;
    expect(net.vocab.charOf(probs.indexOf(Math.max(...probs)))).toBe('d');
  });

  it('ends at a word, or after the punctuation that ends a phrase', async () => {
    const net = new FakeNet(ALPHABET, CAT);
    expect((await ghost(net, '', { stop: 'word' })).text).toBe('cat');
    expect((await ghost(net, '', { stop: 'phrase' })).text).toBe('cat sat.');
    const none = await ghost(net, '', { stop: 'none', maxChars: 12 });
    expect(none.words.map((w) => w.text).slice(0, 2)).toEqual(['cat', 'cat sat']);
    expect(none.chars).toBeLessThanOrEqual(12);
  });

  it('shows only as much as the model is sure of, and nothing when it is not sure of the first word', async () => {
    const net = new FakeNet(ALPHABET, CAT);
    const all = await ghost(net, '', { stop: 'phrase' });
    const [cat, catSat] = all.words.map((w) => Math.exp(w.logprob));
    expect(catSat).toBeLessThan(cat);
    expect((await ghost(net, '', { stop: 'phrase', minConfidence: (cat + catSat) / 2 })).text).toBe('cat');
    expect((await ghost(net, '', { stop: 'phrase', minConfidence: cat + 0.01 })).text).toBe('');
    // deciding on the full search afterwards gives what the app shows at each threshold
    for (const t of [0, 0.1, 0.3, catSat, (cat + catSat) / 2, cat, 0.5, 0.9]) {
      expect(ghostAt(all, t)).toBe((await ghost(net, '', { stop: 'phrase', minConfidence: t })).text);
    }
  });

  it('shows nothing when accepting its first word would save fewer than 2 keys', async () => {
    const net = new FakeNet(ALPHABET, table({ x: { ' ': 0.99 }, 'x ': { a: 0.95 }, 'x a': { ' ': 0.95 } }));
    expect((await ghost(net, 'x', { stop: 'word', minConfidence: 0.5 })).text).toBe('');
    expect((await ghost(net, 'x', { stop: 'word', minConfidence: 0.5, minFirstWordChars: 1 })).text).toBe(' a');
    // 0 means "always show the best guess"
    expect((await ghost(net, 'x', { stop: 'word', minConfidence: 0 })).text).toBe(' a');
  });

  it('completes the word the writer is in the middle of', async () => {
    const net = new FakeNet(ALPHABET, table({ desol: { a: 0.9 }, desola: { t: 0.9 }, desolat: { e: 0.9 } }));
    const g = await ghost(net, 'desol', { stop: 'word' });
    expect(g.text).toBe('ate');
  });

  it('frees every tensor it makes', async () => {
    const net = new FakeNet(ALPHABET, CAT);
    await ghost(net, '', { stop: 'none' });
    const before = tf.memory().numTensors;
    for (const stop of ['word', 'phrase', 'none'] as const) await ghost(net, '', { stop, minConfidence: 0.2 });
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** A model that loves "the state of the state of the state". */
const LOOP = 'the state of ';
const loving: Distribution = (text) => {
  const body = text.replace(/^\n\n/, '');
  return { [LOOP[body.length % LOOP.length]]: 0.95 };
};

describe('loop block', () => {
  let net: FakeNet;
  beforeAll(async () => {
    await useTestBackend();
    net = new FakeNet(ALPHABET, loving);
  });
  afterAll(() => net.dispose());

  it('keeps a repeated word 3-gram out of ghost text', async () => {
    const context = 'the state of ';
    // the model alone would write "the state of the state of the state"
    expect(repeatsWordTrigram(context, 'the state of the state')).toBe(true);
    const g = await ghost(net, context, { stop: 'none', maxChars: 40 });
    expect(g.words.length).toBeGreaterThan(2);
    for (const w of g.words) expect(repeatsWordTrigram(context, w.text), w.text).toBe(false);
  });

  it('is what stops the loop (without it, this model loops at low temperature)', async () => {
    const spy = vi.spyOn(LoopGuard.prototype, 'bannedIds').mockReturnValue([]);
    try {
      const session = new SuggestionSession({ net: net.asInferenceNet(), vocab: net.vocab });
      session.setText('the state of ');
      const out = await session.suggest({ temperatures: [0, 0.2], maxChars: 60, stop: 'none', seed: 1 });
      for (const s of out) expect(repeatsWordTrigram('the state of ', s.text), s.text).toBe(true);
      const g = await ghost(net, 'the state of ', { stop: 'none', maxChars: 40 });
      expect(repeatsWordTrigram('the state of ', g.words.at(-1)!.text)).toBe(true);
      session.dispose();
    } finally {
      spy.mockRestore();
    }
  });

  it('keeps it out of every suggestion and draft, at every temperature', async () => {
    const session = new SuggestionSession({ net: net.asInferenceNet(), vocab: net.vocab });
    const context = 'the state of ';
    session.setText(context);
    for (let seed = 1; seed <= 4; seed++) {
      const out = await session.suggest({
        temperatures: [0, 0.2, 0.5, 0.8, 1.2, 2],
        maxChars: 120,
        stop: 'none',
        seed,
        ghost: { minConfidence: 0 },
      });
      expect(out).toHaveLength(6);
      for (const s of out) {
        expect(s.text.length).toBeGreaterThan(0);
        expect(repeatsWordTrigram(context, s.text), `${s.temperature}: ${s.text}`).toBe(false);
      }
    }
    session.dispose();
  });

  it('decodes the lowest temperature below 0.8 as ghost text, first in the answer; the others are sampled', async () => {
    const session = new SuggestionSession({ net: net.asInferenceNet(), vocab: net.vocab });
    session.setText('the state of ');
    const out = await session.suggest({
      temperatures: [1.2, 0.5, 0.2, 0.9],
      maxChars: 30,
      seed: 3,
      ghost: { minConfidence: 0 },
    });
    expect(out.map((s) => s.temperature)).toEqual([0.2, 1.2, 0.5, 0.9]);
    expect(out.map((s) => s.ghost ?? false)).toEqual([true, false, false, false]);
    const hot = await session.suggest({ temperatures: [0.8, 1.2], maxChars: 30, seed: 3, ghost: { minConfidence: 0 } });
    expect(hot.every((s) => !s.ghost)).toBe(true);
    session.dispose();
  });
});
