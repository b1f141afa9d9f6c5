/**
 * The open document's own words (its characters' names, its places), which a
 * low-temperature suggestion may spell though the model's list lacks them.
 * Read from the text the editor sends before the cursor as it arrives: only
 * what is new since the last read is scanned (the window slides as the writer
 * types), and a word touching the end is not taken until it is finished.
 */
import { MAX_WORD_CHARS, WORD, WordSet, isListable, normalizeWord } from '../text/word-list';

/** Most words a document adds (a bound on memory; a novel has a few thousand of its own). */
export const MAX_DOCUMENT_WORDS = 20_000;
/** A UTF-16 unit inside a word (letters, digits, the halves of a surrogate pair, an apostrophe). */
const WORD_CHAR = /[\p{L}\p{N}'’\uD800-\uDFFF]/u;
/** How much of the previous text marks where new text begins. */
const ANCHOR_CHARS = 64;

export class DocumentWords {
  private readonly words = new Set<string>();
  private cached: WordSet | null = null;
  private last = '';

  /** `known`: the model's words, not worth repeating here. */
  constructor(private readonly known: WordSet | null) {}

  get size(): number {
    return this.words.size;
  }

  /** Takes the finished words of `text` (the text before the cursor) not read before. */
  read(text: string): void {
    let from = 0;
    const anchor = this.last.slice(-ANCHOR_CHARS);
    if (anchor.length === ANCHOR_CHARS || (anchor && this.last.length < ANCHOR_CHARS)) {
      const at = text.lastIndexOf(anchor);
      // back over the longest word that may straddle the anchor's start
      if (at >= 0) from = Math.max(0, at - MAX_WORD_CHARS - 2);
    }
    this.last = text;
    // a start inside a word would take its tail for a word: begin after it
    while (from > 0 && from < text.length && WORD_CHAR.test(text[from - 1])) from++;
    const part = text.slice(from);
    for (const m of part.matchAll(WORD)) {
      if (m.index + m[0].length === part.length) break; // may go on
      if (this.words.size >= MAX_DOCUMENT_WORDS) break;
      if (!isListable(m[0])) continue;
      const w = normalizeWord(m[0]);
      if (this.words.has(w) || this.known?.has(w)) continue;
      this.words.add(w);
      this.cached = null;
    }
  }

  /** The words as a set a lexicon can search. */
  set(): WordSet {
    this.cached ??= new WordSet(this.words);
    return this.cached;
  }
}
