/**
 * Word and character counts for the status bar, kept up to date from each
 * edit instead of recounted from the whole text: in a novel-length document
 * (a million characters) a full recount on every keystroke took tens of
 * milliseconds and made typing stutter.
 *
 * Words never cross a line break (or any whitespace), so only the lines an
 * edit touched are recounted: everything before the first changed line and
 * after the last is the same text in the old and the new document.
 */
import type { ChangeSet, Text } from '@codemirror/state';

export interface TextStats {
  words: number;
  /** Unicode code points, as a writer counts characters (an emoji is one). */
  characters: number;
}

const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;

export function countWords(text: string): number {
  return text.match(WORD)?.length ?? 0;
}

export function countCodePoints(text: string): number {
  let surrogatePairs = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        surrogatePairs++;
        i++;
      }
    }
  }
  return text.length - surrogatePairs;
}

function statsOfString(text: string): TextStats {
  return { words: countWords(text), characters: countCodePoints(text) };
}

export function statsOf(doc: Text): TextStats {
  let words = 0;
  let characters = 0;
  // line by line: never one string of the whole document
  for (let i = 1; i <= doc.lines; i++) {
    const line = doc.line(i).text;
    words += countWords(line);
    characters += countCodePoints(line);
  }
  return { words, characters: characters + doc.lines - 1 };
}

/** How far around an edit to recount in a very long line: enough to reach a space. */
const LONG_LINE_WINDOW = 1000;

/**
 * The stretch around [from, to) that holds every word an edit can touch: the
 * whole lines, or in a very long line (a file without line breaks) the
 * stretch out to the nearest whitespace, which no word crosses either.
 * Returned as distances, so the same stretch can be found in the new text.
 */
function reach(doc: Text, from: number, to: number): { back: number; forward: number } {
  const lineStart = doc.lineAt(from).from;
  const lineEnd = doc.lineAt(to).to;
  let back = from - lineStart;
  let forward = lineEnd - to;
  if (back > LONG_LINE_WINDOW) {
    const head = doc.sliceString(from - LONG_LINE_WINDOW, from);
    const space = head.search(/\s\S*$/u);
    if (space >= 0) back = LONG_LINE_WINDOW - space;
  }
  if (forward > LONG_LINE_WINDOW) {
    const space = doc.sliceString(to, to + LONG_LINE_WINDOW).search(/\s/u);
    if (space >= 0) forward = space;
  }
  return { back, forward };
}

/** The counts of `after`, from the counts of `before` and the changes between them. */
export function updateStats(stats: TextStats, before: Text, after: Text, changes: ChangeSet): TextStats {
  if (changes.empty) return stats;
  let fromA = Infinity;
  let toA = -Infinity;
  let fromB = Infinity;
  let toB = -Infinity;
  changes.iterChangedRanges((fa, ta, fb, tb) => {
    fromA = Math.min(fromA, fa);
    toA = Math.max(toA, ta);
    fromB = Math.min(fromB, fb);
    toB = Math.max(toB, tb);
  });
  // The text before fromA and after toA is the same text as before fromB and
  // after toB, so the same distances reach the same boundaries in both.
  const { back, forward } = reach(before, fromA, toA);
  const removed = statsOfString(before.sliceString(fromA - back, toA + forward));
  const added = statsOfString(after.sliceString(fromB - back, toB + forward));
  return {
    words: stats.words - removed.words + added.words,
    characters: stats.characters - removed.characters + added.characters,
  };
}
