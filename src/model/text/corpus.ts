/**
 * Collects training text from files and folders (recursively): `.txt` and
 * `.md` only, each decoded and normalised, with a summary of what was used,
 * what was skipped and why. A Markdown file gives its prose only: its code
 * blocks, front matter, link targets and HTML are left out (and counted in
 * the summary), so a model learns the writer's sentences, not their YAML.
 */
import { promises as fs } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { decodeText } from './decode';
import { PenwrightError, isPenwrightError, throwIfAborted } from '../errors';
import { readRegularFile } from '../disk/safe-read';
import type { CorpusSummary } from './corpus-summary';
import { countCodePoints } from './vocab';
import { MARKDOWN_EXTENSIONS, markdownProse } from '../../shared/markdown-spans';

export type { CorpusSummary };

export const TEXT_EXTENSIONS = ['.txt', '.md', '.markdown'];
/** Files over this size are skipped: a novel is 1-2 MB; 50 MB is not prose. */
export const DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024;

export interface CorpusDocument {
  path: string;
  text: string;
}

export interface Corpus {
  documents: CorpusDocument[];
  summary: CorpusSummary;
}

export interface ReadCorpusOptions {
  maxFileBytes?: number;
  /** Stop after this many files, so a mistaken drop of a whole disk ends quickly. */
  maxFiles?: number;
  /** Stop after looking at this many folder entries (a disk of folders with no text in them). */
  maxEntries?: number;
  /** Stop reading once the files read hold this many bytes in all (a writer's corpus is tens of MB). */
  maxTotalBytes?: number;
  /** false: only the summary is wanted; no file's text is kept once counted. */
  keepText?: boolean;
  /** Cancels the walk and the reading (a PenwrightError CANCELLED). */
  signal?: AbortSignal;
}

/** All the text a corpus may hold: it is kept in memory to train on. */
export const DEFAULT_MAX_TOTAL_BYTES = 256 * 1024 * 1024;

/** What a walk has found so far. */
interface Walk {
  files: string[];
  skipped: CorpusSummary['skipped'];
  /** Folders and files already met, by device and inode: links are followed once, loops end. */
  folders: Set<string>;
  fileNames: Map<string, string>;
  entries: number;
  /** A cap was reached: nothing more is collected. */
  full: boolean;
  maxFiles: number;
  maxEntries: number;
  signal?: AbortSignal;
}

const WHAT = 'Reading your writing';

async function collectFiles(path: string, walk: Walk, explicit: boolean): Promise<void> {
  throwIfAborted(walk.signal, WHAT);
  if (walk.full) return;
  let stat;
  try {
    stat = await fs.stat(path, { bigint: true });
  } catch {
    if (explicit) throw new PenwrightError('FILE_NOT_FOUND', `${path} does not exist.`);
    return;
  }
  const id = `${stat.dev}:${stat.ino}`;
  if (stat.isDirectory()) {
    if (walk.folders.has(id)) return; // a link back to a folder already read
    walk.folders.add(id);
    let entries;
    try {
      entries = await fs.readdir(path, { withFileTypes: true });
    } catch (e) {
      if (explicit) throw e;
      walk.skipped.push({ path, reason: 'the folder could not be read' });
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      if (++walk.entries > walk.maxEntries) {
        walk.full = true;
        walk.skipped.push({
          path: join(path, entry.name),
          reason: `more than ${walk.maxEntries} files and folders; the rest were not looked at`,
        });
        return;
      }
      await collectFiles(join(path, entry.name), walk, false);
      if (walk.full) return;
    }
  } else if (stat.isFile()) {
    if (!TEXT_EXTENSIONS.includes(extname(path).toLowerCase())) {
      walk.skipped.push({ path, reason: `not a .txt or .md file` });
      return;
    }
    const first = walk.fileNames.get(id);
    if (first !== undefined) {
      if (first !== path) walk.skipped.push({ path, reason: `the same file as ${basename(first)}` });
      return;
    }
    if (walk.files.length >= walk.maxFiles) {
      walk.full = true;
      walk.skipped.push({ path, reason: `more than ${walk.maxFiles} files; the rest were not read` });
      return;
    }
    walk.fileNames.set(id, path);
    walk.files.push(path);
  } else if (explicit) {
    walk.skipped.push({ path, reason: 'not a file or a folder' });
  }
}

/** Reads one text file with the same checks as a corpus (size, binary, encoding). */
export async function readTextFile(path: string, maxFileBytes = DEFAULT_MAX_FILE_BYTES): Promise<string> {
  const { bytes } = await readRegularFile(path, { maxBytes: maxFileBytes });
  return decodeText(bytes, basename(path));
}

export async function readCorpus(paths: string[], options: ReadCorpusOptions = {}): Promise<Corpus> {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const walk: Walk = {
    files: [],
    skipped: [],
    folders: new Set(),
    fileNames: new Map(),
    entries: 0,
    full: false,
    maxFiles: options.maxFiles ?? 10_000,
    maxEntries: options.maxEntries ?? 200_000,
    signal: options.signal,
  };
  for (const p of paths) await collectFiles(resolve(p), walk, true);
  const { skipped } = walk;
  const documents: CorpusDocument[] = [];
  const used: CorpusSummary['files'] = [];
  const seen = new Set<number>();
  let characters = 0;
  let markdownDropped = 0;
  const maxTotalBytes = options.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES;
  let totalBytes = 0;
  for (const path of walk.files) {
    throwIfAborted(options.signal, WHAT);
    try {
      const { bytes } = await readRegularFile(path, { maxBytes: maxFileBytes });
      if (totalBytes + bytes.length > maxTotalBytes) {
        skipped.push({ path, reason: `more than ${maxTotalBytes} bytes of text in all; the rest were not read` });
        break;
      }
      let text = decodeText(bytes, basename(path));
      if (text.trim().length === 0) {
        skipped.push({ path, reason: 'the file is empty' });
        continue;
      }
      totalBytes += bytes.length;
      if (MARKDOWN_EXTENSIONS.includes(extname(path).toLowerCase())) {
        const prose = markdownProse(text);
        markdownDropped += prose.dropped;
        text = prose.text;
        if (text.trim().length === 0) {
          skipped.push({ path, reason: 'only code, front matter and links: no prose to learn from' });
          continue;
        }
      }
      const n = countCodePoints(text);
      for (const ch of text) seen.add(ch.codePointAt(0)!);
      if (options.keepText !== false) documents.push({ path, text });
      used.push({ path, characters: n });
      characters += n;
    } catch (e) {
      if (!isPenwrightError(e)) throw e;
      skipped.push({ path, reason: e.message });
    }
  }
  return {
    documents,
    summary: { files: used, skipped, characters, distinctCharacters: seen.size, markdownDropped },
  };
}

/** Throws a clear error when nothing usable was found. */
export function requireText(corpus: Corpus, minCharacters = 2): void {
  if (corpus.summary.characters >= minCharacters) return;
  const why = corpus.summary.skipped.map((s) => `${basename(s.path)}: ${s.reason}`).join('; ');
  throw new PenwrightError(
    'EMPTY_CORPUS',
    corpus.summary.files.length === 0
      ? `No usable text was found${why ? ` (${why})` : ''}. Add .txt or .md files with some writing in them.`
      : `There is too little text to train on (${corpus.summary.characters} characters).`,
  );
}
