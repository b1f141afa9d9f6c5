/**
 * Collects training text from files and folders (recursively): `.txt` and
 * `.md` only, each decoded and normalised, with a summary of what was used,
 * what was skipped and why.
 */
import { promises as fs } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { decodeText } from './decode';
import { PenwrightError, isPenwrightError } from './errors';
import { readRegularFile } from './safe-read';
import type { CorpusSummary } from './corpus-summary';
import { countCodePoints } from './vocab';

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
}

async function collectFiles(
  path: string,
  out: string[],
  skipped: CorpusSummary['skipped'],
  explicit: boolean,
): Promise<void> {
  let stat;
  try {
    stat = await fs.stat(path);
  } catch {
    if (explicit) throw new PenwrightError('FILE_NOT_FOUND', `${path} does not exist.`);
    return;
  }
  if (stat.isDirectory()) {
    const entries = await fs.readdir(path, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      await collectFiles(join(path, entry.name), out, skipped, false);
    }
  } else if (stat.isFile()) {
    if (TEXT_EXTENSIONS.includes(extname(path).toLowerCase())) out.push(path);
    else skipped.push({ path, reason: `not a .txt or .md file` });
  }
}

/** Reads one text file with the same checks as a corpus (size, binary, encoding). */
export async function readTextFile(path: string, maxFileBytes = DEFAULT_MAX_FILE_BYTES): Promise<string> {
  const { bytes } = await readRegularFile(path, { maxBytes: maxFileBytes });
  return decodeText(bytes, basename(path));
}

export async function readCorpus(paths: string[], options: ReadCorpusOptions = {}): Promise<Corpus> {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const maxFiles = options.maxFiles ?? 10_000;
  const files: string[] = [];
  const skipped: CorpusSummary['skipped'] = [];
  for (const p of paths) await collectFiles(resolve(p), files, skipped, true);
  const documents: CorpusDocument[] = [];
  const used: CorpusSummary['files'] = [];
  const seen = new Set<number>();
  let characters = 0;
  for (const path of [...new Set(files)]) {
    if (documents.length >= maxFiles) {
      skipped.push({ path, reason: `more than ${maxFiles} files; the rest were not read` });
      continue;
    }
    try {
      const text = await readTextFile(path, maxFileBytes);
      if (text.trim().length === 0) {
        skipped.push({ path, reason: 'the file is empty' });
        continue;
      }
      const n = countCodePoints(text);
      for (const ch of text) seen.add(ch.codePointAt(0)!);
      documents.push({ path, text });
      used.push({ path, characters: n });
      characters += n;
    } catch (e) {
      if (!isPenwrightError(e)) throw e;
      skipped.push({ path, reason: e.message });
    }
  }
  return { documents, summary: { files: used, skipped, characters, distinctCharacters: seen.size } };
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
