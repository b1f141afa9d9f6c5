/**
 * How many keystrokes ghost text saves a writer: a simulated writer types a
 * text one character at a time and presses accept-word once instead of typing
 * whenever the ghost text's next word is exactly what comes next and
 * accepting it saves at least 2 keys (README, "Writer's benchmark").
 *
 * `npm run bench:writer` drives the editor's own ghost-text state with these
 * rules (bench/writer-sim.ts); this is the same writer without an editor, for
 * what runs outside the renderer: telling the writer, when a model finishes
 * training, what it would have saved on their own held-out text.
 */
import { firstAcceptedWord } from '../../shared/vocabulary';
import { VALIDATION_FRACTION } from '../training/batches';
import { countCodePoints } from '../text/vocab';
import { isWordChar } from './loop-guard';
import type { SuggestionSession } from './session';
import type { StopRule } from './stop-rules';

/** The accept-word unit of ghost text: leading spaces, then the word with its punctuation. */
export function nextGhostWord(rest: string): string {
  return firstAcceptedWord(rest);
}

/**
 * Whether inserting `word` at the start of `rest` is exactly what the writer
 * was going to type: the same characters, ending where a word of the text ends
 * (not in the middle of one).
 */
export function matchesText(word: string, rest: string): boolean {
  if (!word || !rest.startsWith(word)) return false;
  const last = [...word].pop()!;
  if (!isWordChar(last)) return true;
  const after = [...rest.slice(word.length, word.length + 4)];
  if (after.length === 0) return true;
  if (isWordChar(after[0])) return false;
  // "don" before "’t" is inside a word
  return !(/['’]/u.test(after[0]) && after[1] !== undefined && isWordChar(after[1]));
}

/** Keys that accepting `word` saves: its characters, less the one accept key. */
export const keysSaved = (word: string) => [...word].length - 1;

export interface TypingTally {
  /** Characters (code points) typed or accepted. */
  chars: number;
  /** Keys pressed: characters typed plus accepts. */
  keys: number;
  accepts: number;
  /** Ghost texts that appeared, and how many the writer accepted on sight. */
  shows: number;
  rightShows: number;
}

/** Share of keystrokes saved. */
export const savedShare = (t: TypingTally) => (t.chars ? (t.chars - t.keys) / t.chars : 0);

/**
 * Types `text`, asking `ghostAfter` for ghost text wherever none is showing.
 * Typing a character the ghost text begins with keeps the rest of it showing;
 * any other character clears it. `enough()`, asked before each request, ends
 * the typing early: the tally then counts the characters typed so far.
 */
export async function simulateTyping(
  text: string,
  ghostAfter: (textBefore: string) => Promise<string>,
  enough?: () => boolean,
): Promise<TypingTally> {
  const t: TypingTally = { chars: countCodePoints(text), keys: 0, accepts: 0, shows: 0, rightShows: 0 };
  let pos = 0;
  let ghost = '';
  let fresh = false;
  while (pos < text.length) {
    if (!ghost) {
      if (enough?.()) {
        t.chars = countCodePoints(text.slice(0, pos));
        break;
      }
      ghost = await ghostAfter(text.slice(0, pos));
      fresh = ghost !== '';
      if (fresh) t.shows++;
    }
    const rest = text.slice(pos);
    if (ghost) {
      const word = nextGhostWord(ghost);
      if (matchesText(word, rest) && keysSaved(word) >= 2) {
        t.keys++;
        t.accepts++;
        if (fresh) t.rightShows++;
        pos += word.length;
        ghost = ghost.slice(word.length);
        // the rest of the ghost text stays: the next word is a new offer
        fresh = ghost !== '';
        if (fresh) t.shows++;
        continue;
      }
    }
    const ch = String.fromCodePoint(rest.codePointAt(0)!);
    t.keys++;
    pos += ch.length;
    ghost = ghost.startsWith(ch) ? ghost.slice(ch.length) : '';
    fresh = false;
  }
  return t;
}

/** The UTF-16 offset of code point `n` of `text` (without copying it: corpora are large). */
export function offsetOfCodePoint(text: string, n: number): number {
  let i = 0;
  for (let k = 0; k < n && i < text.length; k++) i += (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
  return i;
}

/** Where the held-out part of a document begins (UTF-16), as the validation split cuts it. */
export function heldOutStart(document: string, fraction = VALIDATION_FRACTION): number {
  return offsetOfCodePoint(document, Math.round(countCodePoints(document) * (1 - fraction)));
}

/**
 * Up to `maxChars` of the text training held out (the last part of each
 * document, as the validation split takes it), from the start of a word.
 */
export function heldOutText(documents: readonly string[], maxChars: number, fraction = VALIDATION_FRACTION): string {
  let joined = '';
  for (const d of documents) {
    if (countCodePoints(joined) >= maxChars + 200) break;
    const from = heldOutStart(d, fraction);
    // enough of it: maxChars code points fit in twice as many UTF-16 units, and a word's start is near
    const part = d.slice(from, from + 2 * maxChars + 400);
    joined += joined ? `\n\n${part}` : part;
  }
  const start = /\s\S/u.exec(joined.slice(0, 200));
  const from = start ? start.index + 1 : 0;
  const rest = joined.slice(from);
  return rest.slice(0, offsetOfCodePoint(rest, maxChars));
}

export interface GhostSettings {
  minConfidence: number;
  maxChars: number;
  stop: StopRule;
}

/** The simulated writer on `text` with ghost text from `session` (the context it sees: what came before). */
export async function typeWithSession(
  session: SuggestionSession,
  text: string,
  settings: GhostSettings,
  enough?: () => boolean,
): Promise<TypingTally> {
  return simulateTyping(
    text,
    async (before) => {
      session.setText(before);
      return (await session.ghost(settings)).text;
    },
    enough,
  );
}
