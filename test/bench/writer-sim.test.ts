import { describe, expect, it } from 'vitest';
import { matchesText, nextGhostWord, simulateWriter, type Answer } from '../../bench/writer-sim';
import { heldOutText, savedShare, simulateTyping } from '../../src/model/suggesting/typing-simulation';

const S = (text: string) => ({ text, temperature: 0.2, logprob: -1 });
/** Answers from a table of text-before -> ghost text; nothing elsewhere. */
const from =
  (table: Record<string, string[]>) =>
  async (before: string): Promise<Answer> => ({ suggestions: (table[before] ?? []).map(S), ms: 1 });

describe('the simulated writer', () => {
  it('accepts the next word when it is exactly what comes next, and the rest of the ghost text stays', async () => {
    const t = await simulateWriter('The cat sat on the mat.', from({ The: [' cat sat'] }));
    // "The" typed, " cat" and " sat" accepted, " on the mat." typed
    expect(t).toMatchObject({ chars: 23, keys: 3 + 2 + 12, accepts: 2, acceptedChars: 8, shows: 2, rightShows: 2 });
    // a request at every position without ghost text: 0-3, then 11-22
    expect(t.requests).toBe(4 + 12);
    expect(t.positions).toBe(17);
    expect(t.shownPositions).toBe(2);
  });

  it('counts a show as right only if accepting it at once saves at least 2 keys', async () => {
    // " a" saves one key: typed; then " man" is accepted, but the show was not right when it appeared
    const t = await simulateWriter('See a man run', from({ See: [' a man'] }));
    expect(t).toMatchObject({ accepts: 1, acceptedChars: 4, shows: 1, rightShows: 0 });
    expect(t.keys).toBe(3 + 2 + 1 + 4);
  });

  it('types through ghost text that agrees, and asks again where it stops agreeing', async () => {
    const t = await simulateWriter('Hello there', from({ Hello: [' thermos'] }));
    // " the" agrees, "r" agrees, "e" does not: the ghost text goes and the editor asks again
    expect(t.accepts).toBe(0);
    expect(t.shows).toBe(1);
    expect(t.keys).toBe(11);
  });

  it('counts loops among the suggestions', async () => {
    const t = await simulateWriter('It was', from({ It: [' the state of the state of the state', ' was'] }));
    expect(t.suggestions).toBe(2);
    expect(t.loopy).toBe(1);
  });

  it('takes a word as Ctrl+Right does, and matches it only where the text’s word ends', () => {
    expect(nextGhostWord(' the cat')).toBe(' the');
    expect(nextGhostWord('trees, and')).toBe('trees,');
    expect(matchesText(' the', ' the cat')).toBe(true);
    expect(matchesText(' the', ' then')).toBe(false);
    expect(matchesText(' trees', ' trees, and')).toBe(true);
    expect(matchesText(' trees,', ' trees. And')).toBe(false);
    expect(matchesText('don', 'don’t')).toBe(false);
    expect(matchesText(' end', ' end')).toBe(true);
  });
});

describe('the writer without an editor (what a finished training reports)', () => {
  const cases: [string, Record<string, string[]>][] = [
    ['The cat sat on the mat.', { The: [' cat sat'] }],
    ['See a man run', { See: [' a man'] }],
    ['Hello there', { Hello: [' thermos'] }],
    [
      'It was the best of times, it was the worst',
      { 'It was': [' the best of'], 'It was the best of times, it': [' was the worst'] },
    ],
  ];
  it.each(cases)('counts what the editor-driven writer counts: %s', async (text, table) => {
    const editor = await simulateWriter(text, from(table));
    const plain = await simulateTyping(text, async (before) => table[before]?.[0] ?? '');
    expect(plain).toEqual({
      chars: editor.chars,
      keys: editor.keys,
      accepts: editor.accepts,
      shows: editor.shows,
      rightShows: editor.rightShows,
    });
    expect(savedShare(plain)).toBeCloseTo((editor.chars - editor.keys) / editor.chars, 10);
  });

  it('types the held-out tenth of each document, from the start of a word', () => {
    const doc = `${'a'.repeat(900)} ${'word '.repeat(20)}`;
    const text = heldOutText([doc, 'x'.repeat(50) + ' tail end'], 40);
    expect(text.startsWith('word ')).toBe(true);
    expect([...text].length).toBe(40);
  });
});
