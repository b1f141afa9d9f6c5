import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCorpus, readTextFile, requireText } from '../../src/model/text/corpus';
import { decodeText, detectEncoding, encodeText } from '../../src/model/text/decode';
import { isPenwrightError } from '../../src/model/errors';
import { splitDocuments, validationBatches, sampleBatch } from '../../src/model/training/batches';
import { Rng } from '../../src/model/rng';
import { Vocabulary, UNKNOWN_ID, countCodePoints } from '../../src/model/text/vocab';
import { tempDir } from '../helpers';

const utf16 = (text: string, bigEndian: boolean) => {
  const le = Buffer.from(text, 'utf16le');
  if (bigEndian) le.swap16();
  return Buffer.concat([Buffer.from(bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]), le]);
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isPenwrightError(e) ? e.code : `not a PenwrightError: ${String(e)}`;
  }
  return undefined;
}

describe('decoding text files', () => {
  const sample = 'Café — “quoted”\r\nنص عربي 中文 🦊\rend';
  const expected = 'Café — “quoted”\nنص عربي 中文 🦊\nend';

  it('reads UTF-8 with and without BOM, UTF-16 LE and BE with BOM, and normalises line ends', () => {
    expect(decodeText(Buffer.from(sample), 'a.txt')).toBe(expected);
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(sample)]), 'a.txt')).toBe(expected);
    expect(decodeText(utf16(sample, false), 'a.txt')).toBe(expected);
    expect(decodeText(utf16(sample, true), 'a.txt')).toBe(expected);
  });

  it('writes text back in the encoding it came in', () => {
    for (const encoding of ['utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be'] as const) {
      expect(detectEncoding(encodeText(expected, encoding)), encoding).toBe(encoding);
      expect(decodeText(encodeText(expected, encoding), 'a.txt'), encoding).toBe(expected);
    }
  });

  it('normalises to NFC', () => {
    const decomposed = 'Cafe\u0301';
    expect(decodeText(Buffer.from(decomposed), 'a.txt')).toBe('Caf\u00e9');
  });

  it('refuses binary files, naming them', () => {
    expect(codeOf(() => decodeText(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]), 'photo.png'))).toBe(
      'BINARY_FILE',
    );
    expect(codeOf(() => decodeText(Buffer.from('%PDF-1.7 ...'), 'book.pdf'))).toBe('BINARY_FILE');
    expect(codeOf(() => decodeText(Buffer.from([0x41, 0x00, 0x42, 0x43]), 'data.txt'))).toBe('BINARY_FILE');
    expect(() => decodeText(Buffer.from([1, 0, 2]), 'data.txt')).toThrow(/data\.txt/);
  });

  it('refuses text in an encoding it cannot read, with advice', () => {
    const latin1 = Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x6e, 0x6f, 0x69, 0x72]); // "Café noir" in Windows-1252
    expect(codeOf(() => decodeText(latin1, 'old.txt'))).toBe('UNDECODABLE_FILE');
    expect(() => decodeText(latin1, 'old.txt')).toThrow(/old\.txt.*UTF-8/);
    expect(codeOf(() => decodeText(Buffer.from([0xff, 0xfe, 0x41]), 'odd.txt'))).toBe('UNDECODABLE_FILE');
  });
});

describe('reading a corpus', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const folder = join(tmp.path, 'novel');
  mkdirSync(join(folder, 'chapters', 'drafts'), { recursive: true });
  mkdirSync(join(folder, '.git'), { recursive: true });
  writeFileSync(join(folder, 'chapters', 'one.md'), '# One\n\nIt was a dark and stormy night.');
  writeFileSync(join(folder, 'chapters', 'drafts', 'two.txt'), 'The rain fell in torrents.');
  writeFileSync(join(folder, 'chapters', 'empty.txt'), '   \n');
  writeFileSync(join(folder, 'cover.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]));
  writeFileSync(join(folder, 'binary.txt'), Buffer.from([0x41, 0, 0, 0x42]));
  writeFileSync(join(folder, 'big.txt'), 'x'.repeat(5000));
  writeFileSync(join(folder, '.git', 'HEAD.txt'), 'ref: main');

  it('reads folders recursively and reports what it skipped and why', async () => {
    const corpus = await readCorpus([folder], { maxFileBytes: 4096 });
    expect(corpus.documents.map((d) => d.path.split('/').pop())).toEqual(['two.txt', 'one.md']);
    const reasons = Object.fromEntries(corpus.summary.skipped.map((s) => [s.path.split('/').pop(), s.reason]));
    expect(reasons['empty.txt']).toMatch(/empty/);
    expect(reasons['cover.png']).toMatch(/not a \.txt or \.md/);
    expect(reasons['binary.txt']).toMatch(/binary/);
    expect(reasons['big.txt']).toMatch(/MB; the limit/);
    expect(reasons['HEAD.txt']).toBeUndefined();
    expect(corpus.summary.characters).toBe(countCodePoints('# One\n\nIt was a dark and stormy night.') + 26);
    expect(corpus.summary.distinctCharacters).toBeGreaterThan(15);
  });

  it('names a missing path and refuses an empty corpus', async () => {
    await expect(readCorpus([join(tmp.path, 'missing.txt')])).rejects.toThrow(/missing\.txt does not exist/);
    const empty = await readCorpus([join(folder, 'chapters', 'empty.txt')]);
    expect(() => requireText(empty)).toThrow(/No usable text.*empty/);
  });

  it('reads only the prose of Markdown files, and says how much it left out', async () => {
    const md = join(tmp.path, 'markdown');
    mkdirSync(md);
    const front = '---\ntitle: Night\n---\n\n';
    const code = '```js\nconsole.log(1);\n```\n\n';
    writeFileSync(join(md, 'story.md'), `${front}It was [dark](http://x.org) and stormy.\n\n${code}The end.`);
    // a .txt file is not Markdown: its fences stay
    writeFileSync(join(md, 'notes.txt'), `Plain.\n\n${code}`);
    writeFileSync(join(md, 'config.markdown'), `${front}${code}[x]: http://y.org\n`);
    const corpus = await readCorpus([md]);
    const text = Object.fromEntries(corpus.documents.map((d) => [d.path.split('/').pop(), d.text]));
    expect(text['story.md']).toBe('It was [dark] and stormy.\n\nThe end.');
    expect(text['notes.txt']).toBe(`Plain.\n\n${code}`);
    const reasons = Object.fromEntries(corpus.summary.skipped.map((s) => [s.path.split('/').pop(), s.reason]));
    expect(reasons['config.markdown']).toMatch(/only code, front matter and links/);
    const dropped = (front + '(http://x.org)' + code).length + (front + code + '[x]: http://y.org\n').length;
    expect(corpus.summary.markdownDropped).toBe(dropped);
    expect(corpus.summary.characters).toBe(text['story.md'].length + text['notes.txt'].length);
  });

  it('refuses a huge single file with its size', async () => {
    await expect(readTextFile(join(folder, 'big.txt'), 1000)).rejects.toThrow(/big\.txt is 0\.0 MB/);
  });
});

describe('vocabulary and batches', () => {
  it('works in code points: emoji and CJK are one symbol each', () => {
    const text = 'a🦊b中😀';
    const vocab = Vocabulary.fromText([text]);
    expect(vocab.size).toBe(6); // 5 characters + unknown
    const ids = vocab.encode(text);
    expect(ids.length).toBe(5);
    expect(vocab.decode(ids)).toBe(text);
    expect(vocab.idOf('🦊'.codePointAt(0)!)).not.toBe(UNKNOWN_ID);
  });

  it('maps unseen characters to the unknown symbol, which decodes to nothing', () => {
    const vocab = Vocabulary.fromText(['abc']);
    const ids = vocab.encode('abz');
    expect(ids[2]).toBe(UNKNOWN_ID);
    expect(vocab.decode(ids)).toBe('ab');
  });

  it('caps the vocabulary, keeping the most frequent characters', () => {
    const vocab = Vocabulary.fromText(['aaaabbbc'], 3);
    expect(vocab.size).toBe(3);
    expect(vocab.has('c'.codePointAt(0)!)).toBe(false);
  });

  it('takes the last 10 % of every document for validation', () => {
    const docs = ['a'.repeat(90) + 'b'.repeat(10), 'c'.repeat(45) + 'd'.repeat(5)];
    const vocab = Vocabulary.fromText([...docs, '\n']);
    const split = splitDocuments(docs, vocab);
    expect(vocab.decode(split.validation)).toBe('b'.repeat(10) + '\n\n' + 'd'.repeat(5));
    expect(vocab.decode(split.train)).toBe('a'.repeat(90) + '\n\n' + 'c'.repeat(45));
  });

  it('lays batches out time-major with targets one character ahead', () => {
    const vocab = Vocabulary.fromText(['abcdefghij']);
    const ids = vocab.encode('abcdefghij');
    const batch = sampleBatch(ids, 3, 4, new Rng(1));
    for (let b = 0; b < 3; b++) {
      for (let t = 0; t < 4; t++) {
        expect(batch.targets[t * 3 + b]).toBe(batch.inputs[t * 3 + b] + 1);
        if (t > 0) expect(batch.inputs[t * 3 + b]).toBe(batch.inputs[(t - 1) * 3 + b] + 1);
      }
    }
    const windows = [...validationBatches(ids, 2, 3)];
    expect(windows.map((w) => w.batch)).toEqual([2, 1]);
    expect(windows.reduce((n, w) => n + w.batch * w.steps, 0)).toBe(9);
  });
});
