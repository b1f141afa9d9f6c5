/**
 * The simulated writer of `npm run bench:writer`: types a text one character
 * at a time into the editor's own ghost-text state (the real `ghostField`
 * and `acceptWord` of src/renderer/src/editor/ghost-text.ts, headless), and
 * presses accept-word once instead of typing whenever the ghost text's next
 * word is exactly what comes next and accepting it saves at least 2 keys.
 *
 * - Wherever no ghost text is visible, the writer pauses and the editor asks
 *   for suggestions (what suggestion-fetcher does after the pause); the
 *   answer goes in through `setSuggestions`, as in the app.
 * - The writer never cycles to another suggestion and never presses Tab.
 */
import { EditorState, type Transaction } from '@codemirror/state';
import {
  acceptWord,
  ghostField,
  remainingText,
  setSuggestions,
  type GhostState,
  type GhostSuggestion,
} from '../src/renderer/src/editor/ghost-text';
import { textBeforeCursor } from '../src/renderer/src/editor/suggestion-fetcher';
import { repeatsWordTrigram } from '../src/model/suggesting/loop-guard';
import { keysSaved, matchesText, nextGhostWord } from '../src/model/suggesting/typing-simulation';

export interface Answer {
  suggestions: GhostSuggestion[];
  /** How long the suggestion call took. */
  ms: number;
}

export interface WriterTally {
  /** Characters (code points) of the text typed. */
  chars: number;
  /** Keys pressed: characters typed plus accepts. */
  keys: number;
  accepts: number;
  /** Characters inserted by accepts. */
  acceptedChars: number;
  /** Moments the writer was about to press a key... */
  positions: number;
  /** ...and of those, the ones with ghost text visible. */
  shownPositions: number;
  /** Ghost text appearances (see README) and how many the writer accepted on sight. */
  shows: number;
  rightShows: number;
  /** Shows where the shown suggestion died and another that agreed took its place. */
  replacedShows: number;
  requests: number;
  /** Suggestion call times, ms. */
  latencies: number[];
  /** Suggestions with text, and how many of them repeat a word 3-gram. */
  suggestions: number;
  loopy: number;
}

// the writer's rules, shared with the editor-less writer that reports what a newly trained model saves
export { keysSaved, matchesText, nextGhostWord };

const visible = (g: GhostState | null): g is GhostState => g !== null && g.index >= 0 && remainingText(g).length > 0;

export async function simulateWriter(
  text: string,
  request: (textBefore: string) => Promise<Answer>,
  onProgress?: (done: number, total: number) => void,
): Promise<WriterTally> {
  let state = EditorState.create({ doc: '', extensions: [ghostField] });
  const target = {
    get state() {
      return state;
    },
    dispatch: (tr: Transaction) => {
      state = tr.state;
    },
  };
  const t: WriterTally = {
    chars: [...text].length,
    keys: 0,
    accepts: 0,
    acceptedChars: 0,
    positions: 0,
    shownPositions: 0,
    shows: 0,
    rightShows: 0,
    replacedShows: 0,
    requests: 0,
    latencies: [],
    suggestions: 0,
    loopy: 0,
  };
  let pos = 0; // UTF-16 offset into `text` (CodeMirror's unit)
  let freshShow = false; // the ghost text visible now has just appeared
  let lastReport = 0;
  while (pos < text.length) {
    let g = state.field(ghostField);
    if (!visible(g)) {
      // the writer pauses: the editor asks
      const before = textBeforeCursor(state);
      const answer = await request(before);
      t.requests++;
      t.latencies.push(answer.ms);
      for (const s of answer.suggestions) {
        if (!s.text) continue;
        t.suggestions++;
        if (repeatsWordTrigram(before, s.text)) t.loopy++;
      }
      target.dispatch(
        state.update({
          effects: setSuggestions.of({ suggestions: answer.suggestions, pos: state.doc.length, doc: state.doc }),
        }),
      );
      g = state.field(ghostField);
      freshShow = visible(g);
      if (freshShow) t.shows++;
    }
    t.positions++;
    const rest = text.slice(pos);
    if (visible(g)) {
      t.shownPositions++;
      const word = nextGhostWord(remainingText(g));
      if (matchesText(word, rest) && keysSaved(word) >= 2) {
        acceptWord(target);
        t.keys++;
        t.accepts++;
        t.acceptedChars += [...word].length;
        if (freshShow) t.rightShows++;
        pos += word.length;
        // the rest of the ghost text stays: the next word is a new offer
        freshShow = visible(state.field(ghostField));
        if (freshShow) t.shows++;
        continue;
      }
    }
    const shown = visible(g) ? g.suggestions[g.index] : null;
    const ch = String.fromCodePoint(rest.codePointAt(0)!);
    target.dispatch(
      state.update({
        changes: { from: state.doc.length, insert: ch },
        selection: { anchor: state.doc.length + ch.length },
        userEvent: 'input.type',
      }),
    );
    t.keys++;
    pos += ch.length;
    const now = state.field(ghostField);
    // the shown suggestion died and another agreeing one took its place: a new show
    freshShow = shown !== null && visible(now) && now.suggestions[now.index] !== shown;
    if (freshShow) {
      t.shows++;
      t.replacedShows++;
    }
    if (onProgress && pos - lastReport >= 500) {
      lastReport = pos;
      onProgress(pos, text.length);
    }
  }
  return t;
}
