import { ChangeSet, Text } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { countCodePoints, countWords, statsOf, updateStats } from '../../src/renderer/src/editor/text-stats';

/** Counted the slow, obvious way: the whole text at once. */
const slow = (doc: Text) => ({ words: countWords(doc.toString()), characters: [...doc.toString()].length });

const PIECES = ['word', ' ', '\n', 'don’t', 'mother-in-law', '🦊', 'في', 'البدء', '12', ',', '.', '\n\n', 'é', '—'];

function randomText(rand: () => number, n: number, pieces = PIECES): string {
  let s = '';
  for (let i = 0; i < n; i++) s += pieces[Math.floor(rand() * pieces.length)];
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
  it('recount only around an edit in a line longer than the recount window, and get it right', () => {
    const line = 'word '.repeat(1000) + 'hello world';
    const cases: [string, { from: number; to?: number; insert?: string }][] = [
      ['delete the end of the last word', { from: line.length - 3 }],
      ['join two words', { from: line.length - 6, to: line.length - 5 }],
      ['split a word', { from: line.length - 8, insert: ' ' }],
      ['add an emoji', { from: line.length, insert: ' 🦊' }],
      ['type inside the line', { from: 2500, insert: 'x y' }],
    ];
    for (const [what, change] of cases) {
      const doc = Text.of([line]);
      const changes = ChangeSet.of(
        [{ to: change.to ?? (change.insert ? change.from : line.length), ...change }],
        doc.length,
      );
      const next = changes.apply(doc);
      expect(updateStats(statsOf(doc), doc, next, changes), what).toEqual(slow(next));
    }
  });

  it('count words with apostrophes and hyphens, in any script, and emoji as one character', () => {
    expect(countWords('Don’t stop, mother-in-law — في البدء 42 times.')).toBe(7);
    expect(countCodePoints('a🦊b')).toBe(3);
    expect(statsOf(Text.of(['two words', '', 'and 🦊']))).toEqual({ words: 3, characters: 16 });
  });

  it.each([
    ['short lines', 200, PIECES],
    ['one very long line', 8000, PIECES.filter((p) => !p.includes('\n'))],
  ])('follow any sequence of edits exactly as a full recount would: %s', (_name, size, pieces) => {
    const rand = mulberry32(7);
    let doc = Text.of(randomText(rand, size, pieces).split('\n'));
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
