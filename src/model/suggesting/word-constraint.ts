/**
 * Real words at low temperature: a continuation below
 * VARIETY_TEMPERATURE may only spell words of the lexicon (the model's
 * word list plus the open document's words, word-list.ts). `WordSpeller`
 * follows a continuation one character at a time and says which characters
 * may come next: inside a word, only letters that keep it on the way to a
 * known word, and a word's end only once it is one.
 *
 * A word the lexicon cannot judge is left free: one that begins in a script
 * written without spaces or with a digit, and one the writer has begun that
 * no known word begins so (a new name is theirs to spell). A model without a
 * list constrains nothing.
 */
import { UNKNOWN_ID, type Vocabulary } from '../text/vocab';
import { isListable, type Lexicon, type WordCursor } from '../text/word-list';
import { APOSTROPHE, charKinds } from './char-kinds';
import { isWordChar } from './loop-guard';

/** The word part at the end of `context` ('' when it does not end inside a word). */
export function trailingWord(context: string): string {
  return /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]*)*$/u.exec(context)?.[0] ?? '';
}

/** Where a continuation stands against the lexicon. Immutable: `push` returns the next one. */
export class WordSpeller {
  private constructor(
    private readonly lexicon: Lexicon,
    /** The word being spelled ('' between words). */
    private readonly word: string,
    /** Its place in the lexicon; null when this word is free. */
    private readonly cursor: WordCursor | null,
  ) {}

  /** A speller after `context` (the end of the text before the continuation); null when nothing is constrained. */
  static after(lexicon: Lexicon | undefined, context: string): WordSpeller | null {
    if (!lexicon || lexicon.empty) return null;
    const word = trailingWord(context);
    return new WordSpeller(lexicon, '', lexicon.cursor()).pushAll(word);
  }

  private pushAll(text: string): WordSpeller {
    return [...text].reduce<WordSpeller>((s, ch) => s.push(ch), this);
  }

  /** Inside a word (so a non-word character would end it). */
  get inWord(): boolean {
    return this.word !== '';
  }

  /** The word may end here: between words, a free word, or a known one. */
  get mayEnd(): boolean {
    return this.cursor === null || !this.inWord || this.cursor.complete;
  }

  /** Whether `ch` is a word character here (an apostrophe is, right after letters). */
  static continuesWord(ch: string, inWord: boolean): boolean {
    return isWordChar(ch) || (inWord && APOSTROPHE.test(ch));
  }

  push(ch: string): WordSpeller {
    if (!WordSpeller.continuesWord(ch, this.inWord)) {
      return this.inWord ? new WordSpeller(this.lexicon, '', this.lexicon.cursor()) : this;
    }
    const word = this.word + ch;
    if (this.cursor === null) return new WordSpeller(this.lexicon, word, null);
    if (!isListable(word)) return new WordSpeller(this.lexicon, word, null);
    const next = this.cursor.next(ch);
    // a word the writer began that nothing known begins so: theirs, left free
    return new WordSpeller(this.lexicon, word, next.alive ? next : null);
  }

  /**
   * Ids that may not come next. `all` when every id would be banned (the
   * caller then leaves the row alone rather than sample from nothing).
   */
  bannedIds(vocab: Vocabulary): number[] {
    if (this.cursor === null) return [];
    const k = charKinds(vocab);
    const allowed = this.cursor.nextChars();
    const mayEnd = this.mayEnd;
    const banned: number[] = [];
    for (let id = 0; id < k.normal.length; id++) {
      if (id === UNKNOWN_ID) continue;
      const wordChar = k.word[id] || (this.inWord && k.apostrophe[id]);
      if (!wordChar) {
        if (!mayEnd) banned.push(id);
        continue;
      }
      const ch = k.normal[id];
      if (allowed.has(ch)) continue;
      // unlistable letters (digits, unspaced scripts) stay free; a letter that lower-cases to two is checked in full
      if (!isListable(this.word + ch)) continue;
      if ([...ch].length > 1 && this.cursor.next(ch).alive) continue;
      banned.push(id);
    }
    return banned;
  }
}
