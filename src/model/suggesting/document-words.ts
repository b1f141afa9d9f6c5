/**
 * The open document's own words (its characters' names, its places), which a
 * low-temperature suggestion may spell though the model's list lacks them.
 *
 * Two ways in: the whole document once, when it is opened (`readAll`: in
 * slices, yielding between them, so a novel never holds up typing), and the
 * text the editor sends before the cursor as it arrives (`read`: only what is
 * new since the last read is scanned, as the window slides; a word touching
 * the end is not taken until it is finished). Shared by a document's
 * suggestion sessions (its editor's and its drafts').
 */
import { MAX_WORD_CHARS, WORD, WordSet, isListable, normalizeWord } from '../text/word-list';

/** Most distinct words a document adds (a bound on memory; a long novel has 15,000-20,000). */
export const MAX_DOCUMENT_WORDS = 50_000;
/** A UTF-16 unit inside a word (letters, digits, the halves of a surrogate pair, an apostrophe). */
const WORD_CHAR = /[\p{L}\p{N}'’\uD800-\uDFFF]/u;
/** How much of the previous text marks where new text begins. */
const ANCHOR_CHARS = 64;
/** `readAll` reads this much between yields (a few milliseconds). */
const SLICE_CHARS = 4096;

export class DocumentWords {
  /** Every listable word seen, normalised. */
  private readonly words = new Set<string>();
  /** Those the model's list lacks, searchable; rebuilt only when one of them arrives or the model changes. */
  private cached: WordSet | null = null;
  private known: WordSet | null;
  private last = '';

  /** `known`: the model's words, which need no place here. */
  constructor(known: WordSet | null = null) {
    this.known = known;
  }

  /** Distinct words seen (the model's included). */
  get size(): number {
    return this.words.size;
  }

  /** Every word seen, normalised (the model's included): what a model kept from this document adds to its list. */
  list(): string[] {
    return [...this.words];
  }

  private add(raw: string): void {
    if (this.words.size >= MAX_DOCUMENT_WORDS || !isListable(raw)) return;
    const w = normalizeWord(raw);
    if (this.words.has(w)) return;
    this.words.add(w);
    if (!this.known?.has(w)) this.cached = null;
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
      this.add(m[0]);
    }
  }

  /**
   * Takes every word of a whole document, a slice at a time, letting other
   * work run between slices; `stop()` ends it early (the document closed).
   */
  async readAll(text: string, stop: () => boolean = () => false): Promise<void> {
    let from = 0;
    while (from < text.length && !stop()) {
      let to = Math.min(text.length, from + SLICE_CHARS);
      // end the slice between words
      while (to < text.length && WORD_CHAR.test(text[to])) to++;
      for (const m of text.slice(from, to).matchAll(WORD)) this.add(m[0]);
      from = to;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** The words the model (`known`) lacks, as a set a lexicon can search. */
  set(known: WordSet | null = this.known): WordSet {
    if (known !== this.known) {
      this.known = known;
      this.cached = null;
    }
    this.cached ??= new WordSet([...this.words].filter((w) => !known?.has(w)));
    return this.cached;
  }
}
