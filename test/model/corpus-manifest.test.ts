import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_MANIFEST,
  parseManifest,
  readManifest,
  sha256Hex,
  verifyCorpus,
  type CorpusManifest,
} from '../../src/model/text/corpus-manifest';
import { DEFAULT_MODEL_DIR } from '../../src/model/storage/default-model';
import { cleanGutenbergText, fetchCorpus, gutenbergUrls, type FetchLike } from '../../src/model/text/gutenberg';
import { FIXTURE_CORPORA, tempDir } from '../helpers';

const RAW = readFileSync(join(FIXTURE_CORPORA, 'gutenberg-raw-sample.txt'));
const ALICE = readFileSync(join(FIXTURE_CORPORA, 'alice-in-wonderland.txt'), 'utf8');
/** The sample holds the first 59 lines of the Alice slice between its markers, then three blank lines. */
const BODY = `${ALICE.split('\n').slice(0, 59).join('\n')}\n`;

const HEADER = 'file\tgutenberg_id\ttitle\tauthor\tcharacters\tsha256';
const row = (file: string, id: number | '', sha: string, extra = '') =>
  `${file}\t${id}\tA title\tAn author\t10\t${sha}${extra ? `\t${extra}` : ''}`;

describe('the cleaner (Project Gutenberg raw format to corpus text)', () => {
  it('the committed sample really is in the raw format: BOM, CRLF, header, markers, licence', () => {
    const text = RAW.toString('utf8');
    expect(text.startsWith('\uFEFFThe Project Gutenberg eBook of')).toBe(true);
    expect(text.split('\r\n').length).toBeGreaterThan(100);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/\n/);
    expect(text).toMatch(/^\*\*\* START OF THE PROJECT GUTENBERG EBOOK .* \*\*\*\r$/m);
    expect(text).toMatch(/^\*\*\* END OF THE PROJECT GUTENBERG EBOOK .* \*\*\*\r$/m);
    expect(text).toMatch(/THE FULL PROJECT GUTENBERG LICENSE/);
  });

  it('keeps only the text between the marker lines, with LF endings and no BOM', () => {
    const kept = cleanGutenbergText(RAW, 'keep-blank-lines');
    expect(kept).toBe(`${BODY}\n\n\n`);
    const trimmed = cleanGutenbergText(RAW);
    expect(trimmed).toBe(BODY);
    for (const out of [kept, trimmed]) {
      expect(out).not.toMatch(/\r|\uFEFF|Gutenberg|LICENSE|\*\*\*/);
      expect(out.startsWith('[Illustration]\n\n\n\n\nAlice’s Adventures in Wonderland')).toBe(true);
    }
    // the same text as the committed Alice slice, which came through the same cleaning
    expect(ALICE.startsWith(kept.trimEnd())).toBe(true);
  });

  it('trims blank edge lines only, keeping a first line’s indentation; one final newline', () => {
    const raw =
      '*** START OF THE PROJECT GUTENBERG EBOOK X ***\r\n\r\n  \r\n     Title\r\n\r\nText.  \r\n\r\n\r\n*** END OF THE PROJECT GUTENBERG EBOOK X ***\r\nLicence';
    expect(cleanGutenbergText(raw)).toBe('     Title\n\nText.  \n');
    expect(cleanGutenbergText(raw, 'keep-blank-lines')).toBe('\n  \n     Title\n\nText.  \n\n\n');
  });

  it('reads the older THIS marker, a marker wrapped over two lines, and an edition without markers', () => {
    expect(
      cleanGutenbergText(
        'h\n*** START OF THIS PROJECT GUTENBERG EBOOK X ***\nBody\n*** END OF THIS PROJECT GUTENBERG EBOOK X ***\n',
      ),
    ).toBe('Body\n');
    const wrapped =
      'Header\r\n*** START OF THE PROJECT GUTENBERG EBOOK THE STRANGE CASE OF DR. JEKYLL AND\r\nMR. HYDE ***\r\nBody\r\n*** END OF THE PROJECT GUTENBERG EBOOK THE STRANGE CASE ***\r\n';
    expect(cleanGutenbergText(wrapped)).toBe('Body\n');
    expect(cleanGutenbergText('\uFEFF\r\nA novel\r\nwith no markers.\r\n\r\n')).toBe('A novel\nwith no markers.\n');
  });
});

describe('corpus manifests', () => {
  it('the default corpus manifest lists the 29 novels the committed default model was trained on, in order, without Jack London', async () => {
    const manifest = await readManifest(DEFAULT_MANIFEST);
    const meta = JSON.parse(readFileSync(join(DEFAULT_MODEL_DIR, 'penwright.json'), 'utf8'));
    // the model records file names (its corpus folder's layout is the trainer's business)
    expect(manifest.entries.map((e) => ({ path: basename(e.file), characters: e.characters }))).toEqual(
      meta.corpus.files,
    );
    expect(manifest.entries).toHaveLength(29);
    expect(manifest.entries.slice(0, 5).map((e) => e.gutenbergId)).toEqual([1661, 84, 11, 2701, 174]);
    // the writer benchmark's held-out writer: The Call of the Wild (215), White Fang (910)
    expect(
      manifest.entries.filter((e) => /london/i.test(e.author) || [215, 910].includes(e.gutenbergId ?? -1)),
    ).toEqual([]);
    for (const e of manifest.entries) expect(e.sha256).toMatch(/^[0-9a-f]{64}$/);
    // the first default model's corpus, kept for the benchmark's reference model
    const v1 = await readManifest(join(dirname(DEFAULT_MANIFEST), 'default-v1.tsv'));
    expect(v1.entries.map((e) => e.gutenbergId)).toEqual([1661, 84, 11, 2701, 174]);
    // the committed test and benchmark copies are those texts (or slices of them)
    const moby = manifest.entries.find((e) => e.file === 'moby-dick.txt')!;
    expect(sha256Hex(readFileSync(join(import.meta.dirname, '..', '..', 'bench', 'data', 'moby-dick.txt')))).toBe(
      moby.sha256,
    );
  });

  it('reads the layout of the Gutenberg mirror’s MANIFEST.tsv as it is (cleaning defaults to trimming)', () => {
    const text =
      'file\tgutenberg_id\ttitle\tauthor\tcharacters\tsha256\n' +
      'anne-of-green-gables.txt\t45\tAnne of Green Gables\tL. M. Montgomery\t560902\te3ee77c88ecdb4a51d7aab86f2d73cfebbc35c0af2e075208125a7769a1473a6\n' +
      'call-of-the-wild.txt\t215\tThe Call of the Wild\tJack London\t175591\td4833aa8bcfcbe2512fde65ebdbbbb617b05a6bf0fb4c84c74d07f6cf601a3dc\n';
    const manifest = parseManifest(text, 'MANIFEST.tsv');
    expect(manifest.entries).toEqual([
      {
        file: 'anne-of-green-gables.txt',
        gutenbergId: 45,
        title: 'Anne of Green Gables',
        author: 'L. M. Montgomery',
        characters: 560902,
        sha256: 'e3ee77c88ecdb4a51d7aab86f2d73cfebbc35c0af2e075208125a7769a1473a6',
        cleaning: 'trim-blank-lines',
      },
      expect.objectContaining({ file: 'call-of-the-wild.txt', gutenbergId: 215, author: 'Jack London' }),
    ]);
  });

  it('refuses a manifest it cannot trust, naming the line', () => {
    const sha = 'a'.repeat(64);
    expect(() => parseManifest('file\ttitle\nx.txt\tX\n', 'm.tsv')).toThrow(/m\.tsv, line 1: .*"sha256" column/);
    expect(() => parseManifest(`${HEADER}\n${row('x.txt', 1, 'abc')}\n`, 'm.tsv')).toThrow(
      /line 2: the sha256 of x\.txt/,
    );
    expect(() => parseManifest(`${HEADER}\n${row('../x.txt', 1, sha)}\n`)).toThrow(/not a file name inside/);
    expect(() => parseManifest(`${HEADER}\n${row('x.txt', 1, sha)}\n${row('x.txt', 2, sha)}\n`)).toThrow(
      /line 3: x\.txt is listed twice/,
    );
    expect(() => parseManifest(`${HEADER}\tcleaning\n${row('x.txt', 1, sha, 'scrub')}\n`)).toThrow(/cleaning/);
    expect(() => parseManifest(`${HEADER}\n`, 'm.tsv')).toThrow(/lists no texts/);
  });

  describe('checking a corpus folder against its manifest', () => {
    const tmp = tempDir();
    afterAll(() => tmp.cleanup());
    const write = (name: string, text: string) => {
      mkdirSync(join(tmp.path, 'corpus', 'sub'), { recursive: true });
      writeFileSync(join(tmp.path, 'corpus', name), text);
      return sha256Hex(Buffer.from(text));
    };

    it('gives the files in manifest order when every checksum matches', async () => {
      const a = write('b-first.txt', 'First text.\n');
      const b = write('sub/a-second.txt', 'Second text.\n');
      const manifest = parseManifest(`${HEADER}\n${row('b-first.txt', 1, a)}\n${row('sub/a-second.txt', 2, b)}\n`);
      expect(await verifyCorpus(manifest, join(tmp.path, 'corpus'))).toEqual([
        join(tmp.path, 'corpus', 'b-first.txt'),
        join(tmp.path, 'corpus', 'sub', 'a-second.txt'),
      ]);
    });

    it('a checksum mismatch is an error that names the file', async () => {
      write('changed.txt', 'Changed text.\n');
      const manifest = parseManifest(`${HEADER}\n${row('changed.txt', 3, 'b'.repeat(64))}\n`);
      await expect(verifyCorpus(manifest, join(tmp.path, 'corpus'))).rejects.toThrow(
        /changed\.txt is not the text the manifest lists .*sha256 is [0-9a-f]{64}, the manifest says b{64}/,
      );
    });

    it('a missing text is an error that names it and says how to fetch it', async () => {
      const manifest: CorpusManifest = parseManifest(
        `${HEADER}\n${row('absent.txt', 4, 'c'.repeat(64))}\n`,
        '/x/m.tsv',
      );
      await expect(verifyCorpus(manifest, join(tmp.path, 'corpus'))).rejects.toThrow(
        /lacks absent\.txt of m\.tsv; fetch them from gutenberg\.org with: npx penwright fetch-corpus --manifest \/x\/m\.tsv --out DIR/,
      );
      const defaultManifest = { ...manifest, source: DEFAULT_MANIFEST };
      await expect(verifyCorpus(defaultManifest, join(tmp.path, 'corpus'))).rejects.toThrow(
        /npm run corpus:fetch -- --out DIR/,
      );
    });
  });
});

describe('fetching a corpus (gutenberg.org stood in for)', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const cleaned = cleanGutenbergText(RAW, 'keep-blank-lines');
  const goodSha = sha256Hex(new TextEncoder().encode(cleaned));

  /** Serves the raw sample as eBook 11 at the second URL only (the first is a 404), nothing else. */
  function fakeGutenberg(requests: string[]): FetchLike {
    return async (url) => {
      requests.push(url);
      const ok = url === gutenbergUrls(11)[1];
      return {
        ok,
        status: ok ? 200 : 404,
        arrayBuffer: async () => RAW.buffer.slice(RAW.byteOffset, RAW.byteOffset + RAW.byteLength) as ArrayBuffer,
      };
    };
  }

  it('downloads, cleans and checks each text; keeps what is already there; names a mismatch and writes nothing for it', async () => {
    const out = join(tmp.path, 'out');
    mkdirSync(out);
    const presentText = 'Already here.\n';
    writeFileSync(join(out, 'present.txt'), presentText);
    const manifest = parseManifest(
      `${HEADER}\tcleaning\n` +
        `${row('present.txt', 99, sha256Hex(Buffer.from(presentText)), 'keep-blank-lines')}\n` +
        `${row('alice.txt', 11, goodSha, 'keep-blank-lines')}\n` +
        `${row('alice-trimmed.txt', 11, goodSha)}\n` +
        `${row('missing.txt', 12345, goodSha)}\n`,
      'tiny.tsv',
    );
    const requests: string[] = [];
    const logged: string[] = [];
    const result = await fetchCorpus({
      manifest,
      outDir: out,
      fetch: fakeGutenberg(requests),
      delayMs: 0,
      log: (l) => logged.push(l),
    });
    expect(result.present).toEqual(['present.txt']);
    expect(result.fetched).toEqual(['alice.txt']);
    expect(readFileSync(join(out, 'alice.txt'), 'utf8')).toBe(cleaned);
    expect(result.failed.map((f) => f.file)).toEqual(['alice-trimmed.txt', 'missing.txt']);
    // trimming gives other bytes than the manifest lists: an error naming the file, and no file
    expect(result.failed[0].reason).toMatch(
      /alice-trimmed\.txt is not the text the manifest lists.*gutenberg\.org may have revised/,
    );
    expect(existsSync(join(out, 'alice-trimmed.txt'))).toBe(false);
    expect(result.failed[1].reason).toMatch(/^missing\.txt: could not download eBook 12345 .*HTTP 404/);
    expect(requests).not.toContain(expect.stringContaining('/99/'));
    expect(requests.slice(0, 2)).toEqual(gutenbergUrls(11));
    expect(logged.join('\n')).toMatch(/alice\.txt: eBook 11/);
  });
});
