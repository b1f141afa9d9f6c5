import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentWords } from '../../src/model/suggesting/document-words';
import { SuggestionSession } from '../../src/model/suggesting/session';
import { WordSpeller, trailingWord } from '../../src/model/suggesting/word-constraint';
import { savedShare, typeWithSession } from '../../src/model/suggesting/typing-simulation';
import {
  Lexicon,
  MAX_WORDS,
  WordSet,
  countWords,
  fineTuneWords,
  isListable,
  topWords,
} from '../../src/model/text/word-list';
import { formatWordList, parseWordList } from '../../src/model/storage/word-list-file';
import { aliceText, trainTiny, useTestBackend } from '../helpers';
import { disposeModel } from '../../src/model/storage/persistence';
import { decodeAfter, FakeNet, type Distribution } from './fake-net';

const ALPHABET = "abcdefghijklmnopqrstuvwxyz .,'\n";
const lexiconOf = (...words: string[]) => new Lexicon([new WordSet(words)]);
const bytes = (text: string) => new TextEncoder().encode(text);

describe('word list', () => {
  it('counts words as the loop guard reads them: lower case, apostrophes inside, no digits or unspaced scripts', () => {
    const counts = countWords("The dog's bone. THE Dog’s r2d2 東京に行く don't 'quoted'");
    expect(Object.fromEntries(counts)).toEqual({ the: 2, "dog's": 2, bone: 1, "don't": 1, quoted: 1 });
    expect(isListable('a'.repeat(33))).toBe(false);
    expect(isListable('naïve')).toBe(true);
  });

  it('a word spelled a letter at a time meets the word as it was counted (Greek’s final sigma)', () => {
    const lexicon = new Lexicon([new WordSet(countWords('Η ΟΔΟΣ και η οδός').keys())]);
    expect(lexicon.has('ΟΔΟΣ')).toBe(true);
    expect(lexicon.cursor().follow('ΟΔΟΣ').complete).toBe(true);
    expect(lexicon.cursor().follow('οδός').complete).toBe(true);
  });

  it('keeps the most frequent words, ties in a fixed order', () => {
    const counts = new Map([
      ['b', 2],
      ['a', 2],
      ['c', 5],
      ['d', 1],
    ]);
    expect(topWords(counts, 3)).toEqual([
      ['c', 5],
      ['a', 2],
      ['b', 2],
    ]);
  });

  it('a cursor follows a word as it is spelled', () => {
    const lexicon = lexiconOf('cat', 'cats', 'catalog', 'dog');
    const c = lexicon.cursor().follow('Ca');
    expect(c.alive).toBe(true);
    expect(c.complete).toBe(false);
    expect([...c.nextChars()]).toEqual(['t']);
    const cat = c.next('t');
    expect(cat.complete).toBe(true);
    // "cats", "catalog", and a possessive of "cat"
    expect([...cat.nextChars()].sort()).toEqual(["'", 'a', 's']);
    expect(cat.follow("'s").complete).toBe(true);
    expect(cat.follow("'s").nextChars().size).toBe(0);
    expect(lexicon.cursor().follow('cx').alive).toBe(false);
    expect(lexicon.has("Dog's")).toBe(true);
    expect(lexicon.has('dogs')).toBe(false);
  });

  it('marks whole invented words, and a last word only when no known word begins so', () => {
    const lexicon = lexiconOf('the', 'cat', 'sat');
    const text = ' the drogle sat, the ca';
    expect(lexicon.unknownWords(text).map(([a, b]) => text.slice(a, b))).toEqual(['drogle']);
    expect(lexicon.unknownWords(' the cax').map(([a, b]) => ' the cax'.slice(a, b))).toEqual(['cax']);
    // the writer's "c" and the suggestion's "at" make one word, known
    expect(lexicon.unknownWords('at the', 'c')).toEqual([]);
    expect(lexicon.unknownWords('ow sat', 'c')).toEqual([[0, 2]]);
  });

  it('fine-tuning keeps every word of the writer, however rare beside the base model', () => {
    const base = new Map(Array.from({ length: 10 }, (_, i) => [`base${String.fromCharCode(97 + i)}`, 100 + i]));
    base.set('shared', 50);
    const writer = new Map([
      ['kiche', 1],
      ['shared', 2],
    ]);
    const words = fineTuneWords(base, writer, 6);
    expect(words.size).toBe(6);
    expect(words.get('kiche')).toBe(1);
    expect(words.get('shared')).toBe(52);
    expect(words.has('basej')).toBe(true); // the base's most frequent fill the rest
    expect(words.has('basea')).toBe(false);
  });
});

describe('words.txt', () => {
  it('round-trips, most frequent first, capped', () => {
    const counts = new Map([
      ['the', 9],
      ["don't", 2],
      ['naïve', 1],
    ]);
    const text = formatWordList(counts);
    expect(text.split('\n')[1]).toBe('the\t9');
    expect(parseWordList(bytes(text), 'm')).toEqual(counts);
    const letters = (i: number) => [...i.toString(26)].map((d) => String.fromCharCode(97 + parseInt(d, 26))).join('');
    const many = new Map(Array.from({ length: MAX_WORDS + 5 }, (_, i) => [`w${letters(i)}`, 1]));
    expect(parseWordList(bytes(formatWordList(many)), 'm').size).toBe(MAX_WORDS);
  });

  it.each([
    ['no header', 'the\t1\n', 'header'],
    ['a word twice', '# Penwright word list: word<TAB>count, most frequent first\nthe\t1\nthe\t2\n', 'twice'],
    ['a bad count', '# Penwright word list: word<TAB>count, most frequent first\nthe\t-1\n', 'bad count'],
    ['no tab', '# Penwright word list: word<TAB>count, most frequent first\nthe 1\n', 'no tab'],
    ['not a word', '# Penwright word list: word<TAB>count, most frequent first\nthe cat\t1\n', 'not a listed word'],
  ])('refuses %s with a clear message', (_, text, why) => {
    expect(() => parseWordList(bytes(text), '/models/x')).toThrow(why);
    try {
      parseWordList(bytes(text), '/models/x');
    } catch (e) {
      expect((e as { code?: string }).code).toBe('CORRUPT_MODEL');
    }
  });

  it('reads a list an editor saved with a byte-order mark and CRLF line endings', () => {
    const text = '\uFEFF# Penwright word list: word<TAB>count, most frequent first\r\nthe\t9\r\nwolf\t2\r\n';
    expect(parseWordList(bytes(text), 'm')).toEqual(
      new Map([
        ['the', 9],
        ['wolf', 2],
      ]),
    );
  });

  it('reads words as this version spells them, so an older list still loads', () => {
    const text = '# Penwright word list: word<TAB>count, most frequent first\nThe\t3\nthe\t2\nοδος\t1\nοδοσ\t1\n';
    expect(parseWordList(bytes(text), 'm')).toEqual(
      new Map([
        ['the', 5],
        ['οδοσ', 2],
      ]),
    );
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(() => parseWordList(Uint8Array.of(0x23, 0xff, 0xfe, 0x0a), 'm')).toThrow('not UTF-8');
  });
});

describe('the document’s own words', () => {
  it('takes finished words of new text only, and none the model knows', () => {
    const known = new WordSet(['the', 'sat']);
    const doc = new DocumentWords(known);
    doc.read('The wolf Kiche sat by Grey Bea');
    expect([...['wolf', 'kiche', 'grey']].every((w) => doc.set().has(w))).toBe(true);
    expect(doc.set().has('bea')).toBe(false); // not finished yet
    expect(doc.set().has('the')).toBe(false);
    doc.read('The wolf Kiche sat by Grey Beaver and');
    expect(doc.set().has('beaver')).toBe(true);
    expect(doc.set().has('bea')).toBe(false);
    // a window that slid: the anchor is found again, and only the new part is read
    const long = `${'word '.repeat(30)}Lip-lip came`;
    doc.read(long);
    doc.read(`${long.slice(20)} running`);
    expect(doc.set().has('came')).toBe(true);
    expect(doc.set().has('lip')).toBe(true);
  });

  it('never takes the tail of a word cut by a sliding window for a word', () => {
    const doc = new DocumentWords(new WordSet([]));
    const words = ['extraordinarily', 'understanding', 'wonderful', 'blackberries', 'shadowy'];
    let text = Array.from({ length: 400 }, (_, i) => words[i % words.length]).join(' ');
    doc.read(text);
    // the window slides by a few characters at a time, cutting words anywhere
    for (let i = 0; i < 40; i++) {
      text = `${text.slice(7)} ${words[i % words.length]}`;
      doc.read(text);
    }
    const all = doc.set();
    expect(all.size).toBe(words.length);
    for (const w of words) expect(all.has(w)).toBe(true);
  });

  it('reads a whole document a slice at a time, letting other work run, and stops when told', async () => {
    const names = Array.from(
      { length: 3000 },
      (_, i) =>
        `name${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + (Math.floor(i / 26) % 26))}x${String.fromCharCode(97 + Math.floor(i / 676))}`,
    );
    const text = names.join(' ') + ' end.';
    const doc = new DocumentWords(new WordSet(['end']));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    await doc.readAll(text);
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0); // the reading yielded
    expect(doc.set().size).toBe(3000); // 'end' is the model's
    expect(doc.set().has(names[2999])).toBe(true);
    const stopped = new DocumentWords();
    let slices = 0;
    await stopped.readAll(text, () => ++slices > 1);
    expect(stopped.size).toBeGreaterThan(0);
    expect(stopped.size).toBeLessThan(3000);
  });

  it('the trailing word is the part of a word before the cursor', () => {
    expect(trailingWord('the do')).toBe('do');
    expect(trailingWord("the don'")).toBe("don'");
    expect(trailingWord('the dog ')).toBe('');
  });
});

/** The model would rather invent "drogle" than say "dog". */
const INVENTS: Distribution = (whole) => {
  // a session reads the document separator first
  const text = whole.startsWith('\n\n') ? whole.slice(2) : whole;
  const t: Record<string, Record<string, number>> = {
    '': { d: 0.95 },
    d: { r: 0.8, o: 0.19 },
    dr: { o: 0.99 },
    dro: { g: 0.99 },
    drog: { l: 0.99 },
    drogl: { e: 0.99 },
    drogle: { ' ': 0.99 },
    do: { g: 0.99 },
    dog: { ' ': 0.99 },
  };
  return t[text] ?? {};
};

describe('real words in suggestions', () => {
  beforeAll(useTestBackend);
  let net: FakeNet;
  beforeAll(() => {
    net = new FakeNet(ALPHABET, INVENTS);
  });
  afterAll(() => net?.dispose());

  const ghost = (context: string, lexicon?: Lexicon) =>
    decodeAfter(net, context, { maxChars: 20, stop: 'word', lexicon });

  it('ghost text spells a known word where the model would invent one', async () => {
    expect((await ghost('')).text).toBe('drogle');
    expect((await ghost('', lexiconOf('dog', 'cat'))).text).toBe('dog');
  });

  it('a word the writer began that no known word begins so stays free', async () => {
    const speller = WordSpeller.after(lexiconOf('dog'), 'the dr')!;
    const banned = (s: WordSpeller, ch: string) => s.bannedIds(net.vocab).includes(net.vocab.idOf(ch.codePointAt(0)!));
    expect(banned(speller, 'x')).toBe(false);
    expect(speller.bannedIds(net.vocab)).toEqual([]);
    // ...while one on the way to a known word must reach it
    const on = WordSpeller.after(lexiconOf('dog'), 'the d')!;
    expect(banned(on, ' ')).toBe(true);
    expect(banned(on, 'o')).toBe(false);
    expect(banned(on, 'r')).toBe(true);
  });

  it('samples only known words below 0.8, and marks the invented ones above', async () => {
    const words = new WordSet(['dog', 'cat']);
    const session = new SuggestionSession({ net: net.asInferenceNet(), vocab: net.vocab, words });
    try {
      session.setText('');
      let invented = 0;
      for (let seed = 1; seed <= 12; seed++) {
        const [low, high] = await session.suggest({ temperatures: [0.5, 1.2], maxChars: 7, stop: 'word', seed });
        expect(low.text).toMatch(/^(dog|cat)\b/u);
        expect(low.invented).toEqual([]);
        for (const [a, b] of high.invented ?? []) {
          expect(['dog', 'cat']).not.toContain(high.text.slice(a, b));
          invented++;
        }
      }
      expect(invented).toBeGreaterThan(0);
    } finally {
      session.dispose();
    }
  });

  it('a model without a word list constrains nothing and marks nothing', async () => {
    const session = new SuggestionSession({ net: net.asInferenceNet(), vocab: net.vocab });
    try {
      session.setText('');
      const [low] = await session.suggest({ temperatures: [0.2], maxChars: 7, stop: 'word', seed: 3 });
      expect(low.text).toBe('drogle');
      expect(low.invented).toBeUndefined();
    } finally {
      session.dispose();
    }
  });
});

describe('a model keeps the words of its text', () => {
  beforeAll(useTestBackend);

  it('a new model lists its text’s words; fine-tuning adds the writer’s to the base model’s', async () => {
    const base = (await trainTiny({ documents: [aliceText(4000)], maxSteps: 2 })).model;
    expect(base.wordCounts?.get('alice')).toBeGreaterThan(0);
    const writer = 'Kiche the she-wolf ran with Grey Beaver. '.repeat(40);
    const tuned = (await trainTiny({ documents: [writer], maxSteps: 2, base })).model;
    expect(tuned.wordCounts?.get('kiche')).toBe(40);
    expect(tuned.wordCounts?.get('alice')).toBe(base.wordCounts?.get('alice'));
    expect(tuned.wordCounts?.get('the')).toBe((base.wordCounts?.get('the') ?? 0) + 40);
    disposeModel(base);
    disposeModel(tuned);
  });
});

describe('keystrokes a model saves', () => {
  beforeAll(useTestBackend);

  it('a model that knows the text saves keys; one that does not saves none', async () => {
    const text = 'the cat sat on the mat and the dog ran to the log';
    // after any text that is a start of `text`, the next character of it, almost surely
    const knows: Distribution = (whole) => {
      const t = whole.startsWith('\n\n') ? whole.slice(2) : whole;
      return text.startsWith(t) && t.length < text.length ? { [text[t.length]]: 0.99 } : {};
    };
    const settings = { minConfidence: 0.35, maxChars: 48, stop: 'phrase' as const };
    const typed = async (d: Distribution) => {
      const net = new FakeNet(ALPHABET, d);
      const session = new SuggestionSession({ net: net.asInferenceNet(), vocab: net.vocab });
      try {
        return await typeWithSession(session, text, settings);
      } finally {
        session.dispose();
      }
    };
    const good = await typed(knows);
    expect(savedShare(good)).toBeGreaterThan(0.5);
    expect(good.rightShows).toBe(good.shows);
    expect(savedShare(await typed(() => ({})))).toBe(0);
    // stopped early, it counts what it typed
    const net = new FakeNet(ALPHABET, knows);
    const session = new SuggestionSession({ net: net.asInferenceNet(), vocab: net.vocab });
    let asked = 0;
    const part = await typeWithSession(session, text, settings, () => ++asked > 1);
    session.dispose();
    expect(part.chars).toBeLessThan(text.length);
    expect(part.chars).toBeGreaterThan(0);
    expect(part.keys).toBeLessThanOrEqual(part.chars);
  });
});
