/**
 * What each id of a vocabulary is, for the decoders that read words as they
 * spell them (ghost-decoder.ts, word-constraint.ts): its character, that
 * character as word lists hold it, and whether it is a letter or digit or an
 * apostrophe. Computed once per vocabulary.
 */
import { UNKNOWN_ID, type Vocabulary } from '../text/vocab';
import { normalizeWord } from '../text/word-list';
import { APOSTROPHE, isWordChar } from './loop-guard';

export { APOSTROPHE };

export interface CharKinds {
  /** By id ('' for the unknown symbol). */
  chars: string[];
  /** Lower case, ’ as ' (word-list.ts). */
  normal: string[];
  word: boolean[];
  apostrophe: boolean[];
}

const cache = new WeakMap<Vocabulary, CharKinds>();

export function charKinds(vocab: Vocabulary): CharKinds {
  let k = cache.get(vocab);
  if (!k) {
    const chars = vocab.codePoints.map((_, id) => (id === UNKNOWN_ID ? '' : vocab.charOf(id)));
    k = {
      chars,
      normal: chars.map((ch) => normalizeWord(ch)),
      word: chars.map((ch) => ch !== '' && isWordChar(ch)),
      apostrophe: chars.map((ch) => APOSTROPHE.test(ch)),
    };
    cache.set(vocab, k);
  }
  return k;
}
