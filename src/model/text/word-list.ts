/**
 * The words a model knows: every word of the text it was trained on (the
 * most frequent, up to a cap), kept beside its weights so that low-temperature
 * suggestions can prefer real words to the ones a character model invents
 * ("druggling", "desprudged").
 *
 * A word is what the loop guard reads as one (loop-guard.ts): a run of
 * letters and digits, with an apostrophe inside it ("don't"), compared in
 * lower case with ’ read as '. Words of scripts written without spaces
 * (Chinese, Japanese, Thai...) are never constrained: a "word" there is a
 * whole clause, so a list of them says nothing.
 *
 * `WordSet` is a sorted array (a few hundred KB for 60,000 words, where a
 * trie of Maps would take tens of MB); a `WordCursor` follows a word as it
 * is spelled, narrowing the range of words that begin with it.
 */

/** Most words a model's list keeps (the most frequent). */
export const MAX_WORDS = 60_000;
/** Longer runs of letters are not words worth listing (URLs, tables, noise). */
export const MAX_WORD_CHARS = 32;

/** A word: letters and digits, with apostrophes inside (global: for matchAll, which copies it). */
export const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;
const UNSPACED_SCRIPT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const DIGIT = /\p{N}/u;

/**
 * A word as lists hold it: lower case, ’ as ', and Greek's final sigma as
 * sigma (lower-casing a whole word gives ς at its end, a letter at a time σ:
 * a word spelled as it is typed must meet the word as it was counted).
 */
export function normalizeWord(word: string): string {
  return word.toLowerCase().replace(/’/gu, "'").replace(/ς/gu, 'σ');
}

/** Whether a word of this spelling can be checked against a list at all. */
export function isListable(word: string): boolean {
  return [...word].length <= MAX_WORD_CHARS && !UNSPACED_SCRIPT.test(word) && !DIGIT.test(word);
}

/** Adds the words of `text` to `counts` (normalised; unlistable ones left out). */
export function countWords(text: string, counts: Map<string, number> = new Map()): Map<string, number> {
  for (const m of text.matchAll(WORD)) {
    if (!isListable(m[0])) continue;
    const w = normalizeWord(m[0]);
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return counts;
}

/** The `max` most frequent words of `counts` (ties in code-point order), most frequent first. */
export function topWords(counts: Map<string, number>, max = MAX_WORDS): [string, number][] {
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, max);
}

/**
 * A fine-tuned model's words: the writer's (their most frequent, up to half
 * the cap) all kept, however rare next to the base model's, then the base
 * model's most frequent up to the cap; counts added.
 */
export function fineTuneWords(
  base: ReadonlyMap<string, number> | undefined,
  writer: ReadonlyMap<string, number>,
  max = MAX_WORDS,
): Map<string, number> {
  const out = new Map(topWords(new Map(writer), Math.floor(max / 2)));
  for (const [w, n] of topWords(new Map(base ?? []), Infinity)) {
    const mine = out.get(w);
    if (mine !== undefined) out.set(w, mine + n);
    else if (out.size < max) out.set(w, n);
  }
  return out;
}

/** First index in sorted `words` (within [lo, hi)) whose word is >= `key`. */
function lowerBound(words: readonly string[], key: string, lo: number, hi: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (words[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A set of normalised words that answers "is this a word?" and "does any word begin so?". */
export class WordSet {
  /** Sorted, distinct. */
  private readonly words: string[];

  constructor(words: Iterable<string>) {
    this.words = [...new Set(words)].sort();
  }

  get size(): number {
    return this.words.length;
  }

  has(word: string): boolean {
    const i = lowerBound(this.words, word, 0, this.words.length);
    return this.words[i] === word;
  }

  /** [lo, hi) of the words that begin with `prefix`, searched within [from, to). */
  range(prefix: string, from = 0, to = this.words.length): [number, number] {
    const lo = lowerBound(this.words, prefix, from, to);
    // every word beginning with `prefix` sorts before prefix + the highest code unit
    const hi = lowerBound(this.words, `${prefix}\uffff`, lo, to);
    return [lo, hi];
  }

  wordAt(i: number): string {
    return this.words[i];
  }
}

/**
 * Where a word being spelled stands against one or more word sets: which
 * words it may still become, and whether it is one now. A possessive ('s or
 * a bare ') after a known word is known too ("Kiche's" once "Kiche" is).
 * Immutable: `next` returns a new cursor.
 */
export class WordCursor {
  private constructor(
    private readonly sets: readonly WordSet[],
    /** What has been spelled, normalised. */
    readonly spelled: string,
    /** Per set, the range of its words that begin with `spelled`. */
    private readonly ranges: readonly (readonly [number, number])[],
    /** 1 after a known word and an apostrophe, 2 after its 's: a possessive. */
    private readonly possessive: 0 | 1 | 2,
  ) {}

  static start(sets: readonly WordSet[]): WordCursor {
    return new WordCursor(
      sets,
      '',
      sets.map((s) => [0, s.size] as const),
      0,
    );
  }

  /** Some word of the sets begins with what has been spelled (or a possessive could). */
  get alive(): boolean {
    return this.possessive > 0 || this.ranges.some(([lo, hi]) => lo < hi);
  }

  /** What has been spelled is a word of the sets (or a known word's possessive). */
  get complete(): boolean {
    if (this.possessive > 0) return true;
    return this.sets.some((s, i) => {
      const [lo, hi] = this.ranges[i];
      return lo < hi && s.wordAt(lo) === this.spelled;
    });
  }

  /** The cursor after one more character (a letter, a digit or an apostrophe) of the word. */
  next(ch: string): WordCursor {
    const c = normalizeWord(ch);
    const spelled = this.spelled + c;
    const ranges = this.sets.map((s, i) => {
      const [lo, hi] = this.ranges[i];
      return lo < hi ? s.range(spelled, lo, hi) : ([lo, lo] as const);
    });
    let possessive: 0 | 1 | 2 = 0;
    if (c === "'" && this.possessive === 0 && this.complete) possessive = 1;
    else if (c === 's' && this.possessive === 1) possessive = 2;
    return new WordCursor(this.sets, spelled, ranges, possessive);
  }

  /**
   * The characters (normalised, one code point each) that keep the word alive:
   * found by jumping from one first-differing word to the next, so a range of
   * thousands of words costs a few dozen binary searches.
   */
  nextChars(): Set<string> {
    const out = new Set<string>();
    const n = this.spelled.length;
    this.sets.forEach((s, i) => {
      let [lo] = this.ranges[i];
      const hi = this.ranges[i][1];
      while (lo < hi) {
        const w = s.wordAt(lo);
        if (w.length === n) {
          lo++;
          continue;
        }
        const ch = String.fromCodePoint(w.codePointAt(n)!);
        out.add(ch);
        lo = s.range(this.spelled + ch, lo, hi)[1];
      }
    });
    if (this.possessive === 0 && this.complete) out.add("'");
    if (this.possessive === 1) out.add('s');
    return out;
  }

  /** The cursor after `word` (e.g. the part of a word the writer has typed). */
  follow(word: string): WordCursor {
    return [...word].reduce<WordCursor>((cursor, ch) => cursor.next(ch), this);
  }
}

/** The words of a model's list plus the words of the open document: what a suggestion may spell. */
export class Lexicon {
  constructor(private readonly sets: readonly WordSet[]) {}

  get empty(): boolean {
    return this.sets.every((s) => s.size === 0);
  }

  cursor(): WordCursor {
    return WordCursor.start(this.sets);
  }

  has(word: string): boolean {
    const w = normalizeWord(word);
    return this.sets.some((s) => s.has(w)) || this.cursor().follow(word).complete;
  }

  /** Words of `text` that are not in the lexicon, as [from, to) UTF-16 offsets; `lead` is the word part before `text`. */
  unknownWords(text: string, lead = ''): [number, number][] {
    const out: [number, number][] = [];
    const joined = lead + text;
    for (const m of joined.matchAll(WORD)) {
      const end = m.index + m[0].length;
      if (end <= lead.length) continue;
      if (!isListable(m[0]) || this.has(m[0])) continue;
      // a word that runs on past the end may be finished later: only one no known word begins so is unknown
      if (end === joined.length && this.cursor().follow(m[0]).alive) continue;
      out.push([Math.max(0, m.index - lead.length), end - lead.length]);
    }
    return out;
  }
}
