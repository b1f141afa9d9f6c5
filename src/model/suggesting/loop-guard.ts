/**
 * Loops: low-temperature text from a character LSTM falls into "the state of
 * the state of the state". A loop here is a word 3-gram that occurs twice in
 * a continuation, counting the two words of context just before it (so a
 * loop that starts in the writer's text is caught too, but the writer's own
 * repetitions further back are not).
 *
 * Words are runs of letters and digits, with an apostrophe inside a word
 * ("don’t") kept, compared in lower case. `LoopGuard` reads a continuation
 * as it is generated and, at the start of each word, names the characters
 * that may not begin it: the first letter of every word that has already
 * followed the last two words. So no word 3-gram can repeat, whatever the
 * temperature, and the cost is a ban on one or two letters at the rare word
 * starts that follow a repeated pair of words.
 */
import { UNKNOWN_ID, type Vocabulary } from '../text/vocab';

const WORD_CHAR = /^[\p{L}\p{N}]$/u;
/** An apostrophe, straight or curly: inside a word ("don’t") it belongs to it. */
export const APOSTROPHE = /^['’]$/u;

export function isWordChar(ch: string): boolean {
  return WORD_CHAR.test(ch);
}

/** Splits text into words as it arrives, one character at a time. */
class WordReader {
  /** Completed words, lower case. */
  words: string[] = [];
  /** The word being read (lower case), '' between words. */
  current = '';
  /** An apostrophe after a word: part of it if a letter follows. */
  private apostrophe = false;

  push(ch: string): string | null {
    if (isWordChar(ch)) {
      if (this.apostrophe) this.current += "'";
      this.apostrophe = false;
      this.current += ch.toLowerCase();
      return null;
    }
    if (APOSTROPHE.test(ch) && this.current && !this.apostrophe) {
      this.apostrophe = true;
      return null;
    }
    this.apostrophe = false;
    return this.end();
  }

  /** Ends the current word (if any) and returns it. */
  end(): string | null {
    const word = this.current;
    this.current = '';
    if (!word) return null;
    this.words.push(word);
    return word;
  }

  copyFrom(other: WordReader): void {
    this.words = [...other.words];
    this.current = other.current;
    this.apostrophe = other.apostrophe;
  }
}

/**
 * Where the loop check starts in `context`: two whole words before the word
 * the continuation begins or continues.
 */
export function loopWindowStart(context: string): number {
  const from = Math.max(0, context.length - 400);
  const tail = context.slice(from);
  const words = [...tail.matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*['’]?/gu)];
  if (words.length === 0) return context.length;
  const last = words[words.length - 1];
  // a word touching the end of the context may go on in the continuation
  const open = last.index + last[0].length === tail.length;
  const keep = open ? 3 : 2;
  const first = words[Math.max(0, words.length - keep)];
  return from + first.index;
}

/** Words of the continuation with the context's two words before it. */
export function loopWindowWords(context: string, continuation: string): string[] {
  const reader = new WordReader();
  for (const ch of context.slice(loopWindowStart(context)) + continuation) reader.push(ch);
  reader.end();
  return reader.words;
}

/** Whether a word 3-gram occurs twice in the continuation (with its two words of context). */
export function repeatsWordTrigram(context: string, continuation: string): boolean {
  const words = loopWindowWords(context, continuation);
  const seen = new Set<string>();
  for (let i = 2; i < words.length; i++) {
    const key = `${words[i - 2]} ${words[i - 1]} ${words[i]}`;
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

/** Per vocabulary: the lower-case character each id would start a word with, or null. */
const firstKeys = new WeakMap<Vocabulary, (string | null)[]>();
function wordStartKeys(vocab: Vocabulary): (string | null)[] {
  let keys = firstKeys.get(vocab);
  if (!keys) {
    keys = vocab.codePoints.map((_, id) => {
      const ch = id === UNKNOWN_ID ? '' : vocab.charOf(id);
      return ch && isWordChar(ch) ? [...ch.toLowerCase()][0] : null;
    });
    firstKeys.set(vocab, keys);
  }
  return keys;
}

const NONE: readonly number[] = [];

/** Blocks repeated word 3-grams in one continuation as it is generated. */
export class LoopGuard {
  private readonly reader = new WordReader();
  /** "w1 w2" -> first letters of the words that have followed it. */
  private readonly followers = new Map<string, Set<string>>();

  /** `context`: the text before the continuation (only its last words matter). */
  constructor(
    private readonly vocab: Vocabulary,
    context = '',
  ) {
    for (const ch of context.slice(loopWindowStart(context))) this.push(ch);
  }

  /** Reads the next character of the continuation. */
  push(ch: string): void {
    if (!ch) return;
    const ended = this.reader.push(ch);
    if (ended === null) return;
    const w = this.reader.words;
    if (w.length < 3) return;
    const pair = `${w[w.length - 3]} ${w[w.length - 2]}`;
    let set = this.followers.get(pair);
    if (!set) this.followers.set(pair, (set = new Set()));
    set.add([...ended][0]);
  }

  /** Ids that may not come next: the letters that would start a repeat. */
  bannedIds(): readonly number[] {
    const w = this.reader.words;
    if (this.reader.current || w.length < 2) return NONE;
    const firsts = this.followers.get(`${w[w.length - 2]} ${w[w.length - 1]}`);
    if (!firsts) return NONE;
    const keys = wordStartKeys(this.vocab);
    const banned: number[] = [];
    for (let id = 0; id < keys.length; id++) if (keys[id] !== null && firsts.has(keys[id]!)) banned.push(id);
    return banned;
  }

  /** Sets the banned ids' logits to -Infinity in `row` (in place). */
  mask(row: Float32Array): void {
    for (const id of this.bannedIds()) row[id] = -Infinity;
  }

  clone(): LoopGuard {
    const copy = new LoopGuard(this.vocab);
    copy.reader.copyFrom(this.reader);
    for (const [k, v] of this.followers) copy.followers.set(k, new Set(v));
    return copy;
  }
}
