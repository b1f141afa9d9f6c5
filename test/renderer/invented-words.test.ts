import { describe, expect, it } from 'vitest';
import { inventedParts } from '../../src/renderer/src/lib/invented-words';

describe('invented words in a suggestion', () => {
  it('cuts the text at the marked words', () => {
    expect(inventedParts(' the drogle sat', [[5, 11]])).toEqual([
      { text: ' the ', invented: false },
      { text: 'drogle', invented: true },
      { text: ' sat', invented: false },
    ]);
    expect(inventedParts('drogle', [[0, 6]])).toEqual([{ text: 'drogle', invented: true }]);
  });

  it('keeps all the text whatever the ranges say', () => {
    const text = 'a cat sat';
    for (const ranges of [
      [],
      [[4, 2]],
      [[0, 99]],
      [
        [2, 5],
        [3, 4],
      ],
      [[-1, 2]],
      [[1.5, 3]],
    ] as [number, number][][]) {
      const parts = inventedParts(text, ranges);
      expect(parts.map((p) => p.text).join('')).toBe(text);
    }
    expect(inventedParts('', [])).toEqual([{ text: '', invented: false }]);
  });
});
