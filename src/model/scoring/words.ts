/**
 * What counts as a word when losses are summed per word and when the model's
 * expected words are spelled: letters, marks and digits, with an apostrophe
 * inside a word ("don't", "writer’s") kept in it. Spaces and punctuation
 * between words belong to no word.
 */
const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;
const APOSTROPHES = new Set(["'", '’']);

export function isWordChar(ch: string): boolean {
  return WORD_CHAR.test(ch);
}

/** [start, end) of every word in `text`, in UTF-16 code units. */
export function wordSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  const chars = [...text];
  let offset = 0;
  let start = -1;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    const inWord =
      isWordChar(ch) || (APOSTROPHES.has(ch) && start >= 0 && i + 1 < chars.length && isWordChar(chars[i + 1]));
    if (inWord && start < 0) start = offset;
    if (!inWord && start >= 0) {
      spans.push([start, offset]);
      start = -1;
    }
    offset += ch.length;
  }
  if (start >= 0) spans.push([start, offset]);
  return spans;
}
