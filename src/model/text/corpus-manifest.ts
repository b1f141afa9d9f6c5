/**
 * A corpus manifest: the list of texts a model is trained on, so a training
 * run can be reproduced on another computer. A tab-separated file with a
 * header line, one text a line:
 *
 *   file  gutenberg_id  title  author  characters  sha256  [cleaning]
 *
 * `file` is a path relative to the corpus folder, `sha256` the SHA-256 of the
 * cleaned file's bytes, `characters` its length in code points. `cleaning`
 * says how the Project Gutenberg edition was cleaned (see gutenberg.ts):
 * `trim-blank-lines` (the default when the column is absent) or
 * `keep-blank-lines`. Columns are found by name, so any extra column is
 * ignored and the Gutenberg mirror's MANIFEST.tsv reads as it is.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, isAbsolute, join, normalize, resolve } from 'node:path';
import { PenwrightError } from '../errors';
import { RESOURCES_DIR } from '../resources';

/** The manifest of the bundled default model's corpus. */
export const DEFAULT_MANIFEST = join(RESOURCES_DIR, 'corpus', 'default.tsv');

export const CLEANING_RULES = ['trim-blank-lines', 'keep-blank-lines'] as const;
export type CleaningRule = (typeof CLEANING_RULES)[number];

export interface ManifestEntry {
  /** Relative to the corpus folder, with `/` separators. */
  file: string;
  gutenbergId: number | null;
  title: string;
  author: string;
  characters: number | null;
  sha256: string;
  cleaning: CleaningRule;
}

export interface CorpusManifest {
  /** Where the manifest was read from (for messages). */
  source: string;
  entries: ManifestEntry[];
}

/** The one sentence that tells a user how to get the texts of a manifest. */
export function fetchHint(manifestPath: string): string {
  const command =
    resolve(manifestPath) === DEFAULT_MANIFEST
      ? 'npm run corpus:fetch -- --out DIR'
      : `npx penwright fetch-corpus --manifest ${manifestPath} --out DIR`;
  return `fetch them from gutenberg.org with: ${command}`;
}

function bad(source: string, line: number | null, message: string): PenwrightError {
  return new PenwrightError('BAD_MANIFEST', `${basename(source)}${line === null ? '' : `, line ${line}`}: ${message}`);
}

export function parseManifest(text: string, source = 'manifest'): CorpusManifest {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split('\t').map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  for (const required of ['file', 'sha256']) {
    if (col(required) < 0) {
      throw bad(
        source,
        1,
        `the header line has no "${required}" column (tab-separated: file, gutenberg_id, title, author, characters, sha256)`,
      );
    }
  }
  const entries: ManifestEntry[] = [];
  const seen = new Set<string>();
  lines.slice(1).forEach((raw, i) => {
    const lineNo = i + 2;
    if (raw.trim() === '') return;
    const cells = raw.split('\t');
    const cell = (name: string) => (col(name) >= 0 ? (cells[col(name)] ?? '').trim() : '');
    const file = cell('file').replace(/\\/g, '/');
    if (!file || isAbsolute(file) || normalize(file).split(/[\\/]/).includes('..')) {
      throw bad(source, lineNo, `"${file}" is not a file name inside the corpus folder`);
    }
    if (seen.has(file)) throw bad(source, lineNo, `${file} is listed twice`);
    seen.add(file);
    const sha256 = cell('sha256').toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw bad(source, lineNo, `the sha256 of ${file} is not 64 hex digits`);
    const id = cell('gutenberg_id');
    if (id && !/^\d+$/.test(id)) throw bad(source, lineNo, `the gutenberg_id of ${file} is not a number: "${id}"`);
    const characters = cell('characters');
    if (characters && !/^\d+$/.test(characters)) {
      throw bad(source, lineNo, `the characters of ${file} is not a number: "${characters}"`);
    }
    const cleaning = cell('cleaning') || 'trim-blank-lines';
    if (!(CLEANING_RULES as readonly string[]).includes(cleaning)) {
      throw bad(source, lineNo, `the cleaning of ${file} must be ${CLEANING_RULES.join(' or ')}, not "${cleaning}"`);
    }
    entries.push({
      file,
      gutenbergId: id ? Number(id) : null,
      title: cell('title'),
      author: cell('author'),
      characters: characters ? Number(characters) : null,
      sha256,
      cleaning: cleaning as CleaningRule,
    });
  });
  if (entries.length === 0) throw bad(source, null, 'it lists no texts');
  return { source, entries };
}

export async function readManifest(path: string): Promise<CorpusManifest> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch {
    throw new PenwrightError('FILE_NOT_FOUND', `The corpus manifest ${path} does not exist.`);
  }
  return parseManifest(text, path);
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function checksumMismatch(entry: ManifestEntry, path: string, actual: string): PenwrightError {
  return new PenwrightError(
    'CHECKSUM_MISMATCH',
    `${path} is not the text the manifest lists (${entry.title || entry.file}): its sha256 is ${actual}, the manifest says ${entry.sha256}.`,
  );
}

/**
 * The paths of a manifest's texts in `corpusDir`, in manifest order, after
 * checking that each is there and has the listed sha256. A missing file or a
 * checksum mismatch is an error that names the file.
 */
export async function verifyCorpus(manifest: CorpusManifest, corpusDir: string): Promise<string[]> {
  const paths: string[] = [];
  const missing: string[] = [];
  for (const entry of manifest.entries) {
    const path = join(resolve(corpusDir), entry.file);
    let bytes: Uint8Array;
    try {
      bytes = await fs.readFile(path);
    } catch {
      missing.push(entry.file);
      continue;
    }
    const actual = sha256Hex(bytes);
    if (actual !== entry.sha256) throw checksumMismatch(entry, path, actual);
    paths.push(path);
  }
  if (missing.length > 0) {
    const list =
      missing.length > 3 ? `${missing.slice(0, 3).join(', ')} and ${missing.length - 3} more` : missing.join(', ');
    throw new PenwrightError(
      'FILE_NOT_FOUND',
      `${resolve(corpusDir)} lacks ${list} of ${basename(manifest.source)}; ${fetchHint(manifest.source)}.`,
    );
  }
  return paths;
}
