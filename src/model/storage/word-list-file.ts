/**
 * words.txt: a model's word list (text/word-list.ts), one `word<TAB>count`
 * per line, most frequent first, after one comment line. Plain text so a
 * writer can read what their model knows. Checked without tfjs, so the
 * loader and the thread that unpacks an imported archive check it alike:
 * within its caps, every word a listable word, each once, every count a
 * positive whole number. Words are read as this version spells them
 * (normalizeWord), so a list from before a spelling rule changed still loads.
 */
import { MAX_WORDS, MAX_WORD_CHARS, isListable, normalizeWord, topWords } from '../text/word-list';
import { corrupt } from './model-files';

export const WORDS_TXT = 'words.txt';
/** Every word at its longest (4 bytes a character), a tab, a count and a line break, with room to spare. */
export const MAX_WORD_LIST_BYTES = MAX_WORDS * (MAX_WORD_CHARS * 4 + 16);
/** The format version from which a model folder holds words.txt. */
export const WORD_LIST_FORMAT_VERSION = 2;

const HEADER = '# Penwright word list: word<TAB>count, most frequent first';

/** words.txt's text for these counts (capped to the most frequent MAX_WORDS). */
export function formatWordList(counts: ReadonlyMap<string, number>): string {
  const lines = topWords(new Map(counts)).map(([w, n]) => `${w}\t${n}`);
  return `${HEADER}\n${lines.join('\n')}${lines.length ? '\n' : ''}`;
}

/** words.txt's counts, checked; `dir` names the model in errors. */
export function parseWordList(bytes: Uint8Array, dir: string): Map<string, number> {
  if (bytes.length > MAX_WORD_LIST_BYTES) {
    throw corrupt(dir, `${WORDS_TXT} is ${bytes.length} bytes, more than a word list can be`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw corrupt(dir, `${WORDS_TXT} is not UTF-8 text`);
  }
  // a writer may have opened it in an editor that saved a byte-order mark or CRLF line endings
  const lines = text.replace(/^\uFEFF/u, '').split(/\r?\n/u);
  if (lines[0] !== HEADER) throw corrupt(dir, `${WORDS_TXT} does not begin with its header line`);
  const counts = new Map<string, number>();
  const seen = new Set<string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === '' && i === lines.length - 1) break;
    const tab = line.indexOf('\t');
    const word = line.slice(0, tab);
    const count = Number(line.slice(tab + 1));
    const bad = (why: string) => corrupt(dir, `${WORDS_TXT} line ${i + 1}: ${why}`);
    if (tab < 0) throw bad('no tab between word and count');
    if (!/^[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*$/u.test(word) || !isListable(word)) throw bad('not a listed word');
    if (!Number.isSafeInteger(count) || count < 1 || !/^\d+$/.test(line.slice(tab + 1))) throw bad('bad count');
    if (seen.has(word)) throw bad(`"${word}" is listed twice`);
    seen.add(word);
    // read as this version spells words (a list written before a spelling rule changed still loads)
    const key = normalizeWord(word);
    if (!counts.has(key) && counts.size >= MAX_WORDS) {
      throw corrupt(dir, `${WORDS_TXT} lists more than ${MAX_WORDS} words`);
    }
    counts.set(key, (counts.get(key) ?? 0) + count);
  }
  return counts;
}
