import { ChangeSet, Text } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { countCodePoints, countWords, statsOf, updateStats } from '../../src/renderer/src/editor/text-stats';

/** Counted the slow, obvious way: the whole text at once. */
const slow = (doc: Text) => ({ words: countWords(doc.toString()), characters: [...doc.toString()].length });

const PIECES = ['word', ' ', '\n', 'don’t', 'mother-in-law', '🦊', 'في', 'البدء', '12', ',', '.', '\n\n', 'é', '—'];

function randomText(rand: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(rand() * PIECES.length)];
  return s;
}

/** A small deterministic generator, so a failure can be replayed. */
function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('word and character counts', () => {
  it('count words with apostrophes and hyphens, in any script, and emoji as one character', () => {
    expect(countWords('Don’t stop, mother-in-law — في البدء 42 times.')).toBe(7);
    expect(countCodePoints('a🦊b')).toBe(3);
    expect(statsOf(Text.of(['two words', '', 'and 🦊']))).toEqual({ words: 3, characters: 16 });
  });

  it('follow any sequence of edits exactly as a full recount would', () => {
    const rand = mulberry32(7);
    let doc = Text.of(randomText(rand, 200).split('\n'));
    let stats = statsOf(doc);
    expect(stats).toEqual(slow(doc));
    for (let step = 0; step < 500; step++) {
      // one to three changes at once (multiple cursors), in order, not overlapping
      const points = Array.from({ length: 2 * (1 + Math.floor(rand() * 3)) }, () =>
        Math.floor(rand() * (doc.length + 1)),
      ).sort((a, b) => a - b);
      const specs = [];
      for (let i = 0; i < points.length; i += 2) {
        // never split a surrogate pair: editors do not
        const safe = (p: number) => (/[\uDC00-\uDFFF]/.test(doc.sliceString(p, p + 1)) ? p - 1 : p);
        specs.push({
          from: safe(points[i]),
          to: safe(points[i + 1]),
          insert: randomText(rand, Math.floor(rand() * 4)),
        });
      }
      const changes = ChangeSet.of(specs, doc.length);
      const next = changes.apply(doc);
      stats = updateStats(stats, doc, next, changes);
      doc = next;
      expect(stats, `after edit ${step}`).toEqual(slow(doc));
    }
  });
});
