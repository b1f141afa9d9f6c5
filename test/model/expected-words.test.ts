/**
 * The words the model expected where a word stands, on a network whose
 * probabilities the test writes down (fake-net.ts), so each word's
 * probability is known by hand.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectedWords } from '../../src/model/scoring/expected-words';
import { useTestBackend } from '../helpers';
import { FakeNet } from './fake-net';

// After "the ": cat 0.5 (then ' ' 0.8 or 's' 0.2 → "cats" 0.1), dog 0.3, bee 0.15, ant 0.05.
const net = new FakeNet('abcdefghijklmnopqrstuvwxyz .', (text) => {
  const word = text.slice(text.lastIndexOf(' ') + 1);
  if (!text.endsWith(' ') && word === '') return { ' ': 1 };
  const table: Record<string, Record<string, number>> = {
    '': { c: 0.5, d: 0.3, b: 0.15, a: 0.05 },
    c: { a: 1 },
    ca: { t: 1 },
    cat: { ' ': 0.8, s: 0.2 },
    cats: { '.': 1 },
    d: { o: 1 },
    do: { g: 1 },
    dog: { ' ': 1 },
    b: { e: 1 },
    be: { e: 1 },
    bee: { '.': 1 },
    a: { n: 1 },
    an: { t: 1 },
    ant: { ' ': 1 },
  };
  return table[word] ?? { ' ': 1 };
});

describe('expected words', () => {
  beforeAll(useTestBackend);

  it('gives the three most likely words with their probabilities, each word ending at a space or punctuation', async () => {
    const words = await expectedWords(net.asInferenceNet(), net.vocab, 'once upon a time the ');
    expect(words.map((w) => w.text)).toEqual(['cat', 'dog', 'bee']);
    expect(words[0].probability).toBeCloseTo(0.4, 4);
    expect(words[1].probability).toBeCloseTo(0.3, 4);
    expect(words[2].probability).toBeCloseTo(0.15, 4);
    const more = await expectedWords(net.asInferenceNet(), net.vocab, 'the ', { count: 5 });
    expect(more.map((w) => [w.text, Number(w.probability.toFixed(4))])).toEqual([
      ['cat', 0.4],
      ['dog', 0.3],
      ['bee', 0.15],
      ['cats', 0.1],
      ['ant', 0.05],
    ]);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      expectedWords(net.asInferenceNet(), net.vocab, 'the ', { signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
