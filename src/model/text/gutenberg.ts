/**
 * Project Gutenberg texts for a corpus manifest: cleaning a plain-text
 * edition, and fetching the texts a manifest lists.
 *
 * Cleaning (what the corpora of the default models went through): the UTF-8
 * byte-order mark is removed, line endings become `\n`, and when the edition
 * has the `*** START OF THE PROJECT GUTENBERG EBOOK ... ***` and `*** END OF
 * ... ***` lines only the text between them is kept (the header with its
 * licence summary before, the full licence after). Editions without those
 * lines come with the licence in a separate file and are kept whole. Then,
 * by the manifest's `cleaning` column:
 *
 * - `trim-blank-lines`: blank lines at the start and the end are removed and
 *   the text ends with one newline;
 * - `keep-blank-lines`: the text between the marker lines is kept as it is.
 *
 * Nothing else changes: title pages, contents, footnotes and `[Illustration]`
 * captions are part of the text.
 */
import { promises as fs } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { checksumMismatch, sha256Hex, type CleaningRule, type CorpusManifest } from './corpus-manifest';
import { PenwrightError, isPenwrightError } from '../errors';

const START = /^\*{3}\s*START OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK\b[^\n]*$/im;
const END = /^\*{3}\s*END OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK\b[^\n]*$/im;

/** A raw Project Gutenberg plain-text edition (bytes or text) to the text a corpus keeps. */
export function cleanGutenbergText(raw: Uint8Array | string, cleaning: CleaningRule = 'trim-blank-lines'): string {
  let text = typeof raw === 'string' ? raw : new TextDecoder('utf-8', { fatal: true }).decode(raw);
  text = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const start = START.exec(text);
  if (start) {
    // a long title may wrap the marker over two lines: it ends at the closing ***
    const close = text.indexOf('***', start.index + 3);
    const lineEnd = text.indexOf('\n', close >= 0 && close - start.index < 400 ? close : start.index);
    text = lineEnd < 0 ? '' : text.slice(lineEnd + 1);
    const end = END.exec(text);
    if (end) text = text.slice(0, end.index);
  }
  if (cleaning === 'keep-blank-lines') return text;
  const lines = text.split('\n');
  let first = 0;
  let last = lines.length - 1;
  while (first <= last && lines[first].trim() === '') first++;
  while (last >= first && lines[last].trim() === '') last--;
  return first > last ? '' : `${lines.slice(first, last + 1).join('\n')}\n`;
}

export const GUTENBERG_SITE = 'https://www.gutenberg.org';

/** Where gutenberg.org (or a site with its layout) serves eBook `id` as UTF-8 plain text, most likely first. */
export function gutenbergUrls(id: number, site = GUTENBERG_SITE): string[] {
  return [`${site}/files/${id}/${id}-0.txt`, `${site}/cache/epub/${id}/pg${id}.txt`];
}

/** The part of `fetch` the fetcher uses, so tests can stand in for gutenberg.org. */
export type FetchLike = (
  url: string,
  init?: { headers?: Record<string, string> },
) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }>;

export interface FetchCorpusOptions {
  manifest: CorpusManifest;
  outDir: string;
  /** Default: https://www.gutenberg.org */
  site?: string;
  fetch?: FetchLike;
  /** Pause between downloads, as gutenberg.org asks of robots (default 2 s). */
  delayMs?: number;
  log?: (line: string) => void;
}

export interface FetchCorpusResult {
  /** Already in the folder with the right checksum. */
  present: string[];
  fetched: string[];
  /** One sentence per text that could not be fetched or did not match. */
  failed: { file: string; reason: string }[];
}

async function download(fetchFn: FetchLike, id: number, site: string): Promise<{ url: string; bytes: Uint8Array }> {
  const problems: string[] = [];
  for (const url of gutenbergUrls(id, site)) {
    try {
      const response = await fetchFn(url, { headers: { 'User-Agent': 'penwright-corpus-fetch' } });
      if (response.ok) return { url, bytes: new Uint8Array(await response.arrayBuffer()) };
      problems.push(`${url}: HTTP ${response.status}`);
    } catch (e) {
      problems.push(`${url}: ${(e as Error).message}`);
    }
  }
  throw new PenwrightError('DOWNLOAD_FAILED', `could not download eBook ${id} (${problems.join('; ')})`);
}

/**
 * Makes `outDir` hold every text of the manifest: a text already there with
 * the right sha256 is kept; any other is downloaded from gutenberg.org,
 * cleaned and checked. A text whose cleaned sha256 differs from the
 * manifest's is not written (gutenberg.org may have revised the edition) and
 * is reported with its file name.
 */
export async function fetchCorpus(options: FetchCorpusOptions): Promise<FetchCorpusResult> {
  const fetchFn = options.fetch ?? (globalThis.fetch as unknown as FetchLike);
  const log = options.log ?? (() => {});
  const delayMs = options.delayMs ?? 2000;
  const result: FetchCorpusResult = { present: [], fetched: [], failed: [] };
  let downloads = 0;
  for (const entry of options.manifest.entries) {
    const path = join(resolve(options.outDir), entry.file);
    const existing = await fs.readFile(path).catch(() => null);
    if (existing && sha256Hex(existing) === entry.sha256) {
      result.present.push(entry.file);
      continue;
    }
    try {
      if (entry.gutenbergId === null) {
        throw new PenwrightError('DOWNLOAD_FAILED', 'the manifest gives no gutenberg_id to fetch it by');
      }
      if (downloads++ > 0 && delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      log(`${entry.file}: eBook ${entry.gutenbergId} (${entry.title || 'untitled'})`);
      const { url, bytes } = await download(fetchFn, entry.gutenbergId, options.site ?? GUTENBERG_SITE);
      const cleaned = new TextEncoder().encode(cleanGutenbergText(bytes, entry.cleaning));
      const actual = sha256Hex(cleaned);
      if (actual !== entry.sha256) {
        throw new PenwrightError(
          'CHECKSUM_MISMATCH',
          `${checksumMismatch(entry, path, actual).message} It was cleaned from ${url}; gutenberg.org may have revised that edition since the manifest was made.`,
        );
      }
      await fs.mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.part`;
      await fs.writeFile(tmp, cleaned);
      await fs.rename(tmp, path);
      result.fetched.push(entry.file);
    } catch (e) {
      if (!isPenwrightError(e)) throw e;
      const reason = e.code === 'CHECKSUM_MISMATCH' ? e.message : `${entry.file}: ${e.message}`;
      result.failed.push({ file: entry.file, reason });
      log(reason);
    }
  }
  return result;
}
