/**
 * The character vocabulary: Unicode code points (never UTF-16 units), saved
 * with the model. Id 0 is the unknown symbol: characters the model has not
 * seen map to it on input, and it is never emitted.
 */
export const UNKNOWN_ID = 0;
/** Shown for the unknown symbol in listings; never part of generated text. */
export const UNKNOWN_LABEL = '\uFFFD';

/** Vocabularies are capped: rare characters beyond this become unknown. */
export const MAX_VOCAB = 4000;

export class Vocabulary {
  /** Code points by id; index 0 (unknown) holds -1. */
  readonly codePoints: readonly number[];
  private readonly ids: Map<number, number>;

  constructor(codePoints: readonly number[]) {
    this.codePoints = [-1, ...codePoints];
    this.ids = new Map(codePoints.map((cp, i) => [cp, i + 1]));
    if (this.ids.size !== codePoints.length) throw new Error('duplicate characters in vocabulary');
  }

  /** Builds the vocabulary from text, most frequent first when capped, sorted by code point. */
  static fromText(texts: Iterable<string>, maxSize = MAX_VOCAB): Vocabulary {
    const counts = new Map<number, number>();
    for (const text of texts) {
      for (const ch of text) {
        const cp = ch.codePointAt(0)!;
        counts.set(cp, (counts.get(cp) ?? 0) + 1);
      }
    }
    let cps = [...counts.keys()];
    if (cps.length > maxSize - 1) {
      cps = cps.sort((a, b) => counts.get(b)! - counts.get(a)! || a - b).slice(0, maxSize - 1);
    }
    return new Vocabulary(cps.sort((a, b) => a - b));
  }

  /** Symbols including the unknown one. */
  get size(): number {
    return this.codePoints.length;
  }

  has(codePoint: number): boolean {
    return this.ids.has(codePoint);
  }

  idOf(codePoint: number): number {
    return this.ids.get(codePoint) ?? UNKNOWN_ID;
  }

  /** Text to ids, one per code point. */
  encode(text: string): Int32Array {
    const out = new Int32Array(countCodePoints(text));
    let i = 0;
    for (const ch of text) out[i++] = this.idOf(ch.codePointAt(0)!);
    return out;
  }

  /** Id to its character; the unknown symbol decodes to the empty string. */
  charOf(id: number): string {
    const cp = this.codePoints[id];
    return cp === undefined || cp < 0 ? '' : String.fromCodePoint(cp);
  }

  decode(ids: Iterable<number>): string {
    let s = '';
    for (const id of ids) s += this.charOf(id);
    return s;
  }

  /** A vocabulary with `extra` characters appended (ids of existing characters unchanged). */
  extendedWith(texts: Iterable<string>): { vocab: Vocabulary; added: number[] } {
    const seen = Vocabulary.fromText(texts, Number.MAX_SAFE_INTEGER);
    const added = seen.codePoints.filter((cp) => cp >= 0 && !this.ids.has(cp));
    const room = Math.max(0, MAX_VOCAB - this.size);
    const kept = added.slice(0, room);
    return { vocab: new Vocabulary([...this.codePoints.slice(1), ...kept]), added: kept };
  }

  /** The code points without the unknown symbol, as saved in penwright.json. */
  toJSON(): number[] {
    return this.codePoints.slice(1);
  }
}

export function countCodePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // a high surrogate followed by a low one is one code point
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}
