/**
 * Ghost-text suggestions for CodeMirror 6: the state (a StateField driven by
 * StateEffects), its rendering (a widget at the cursor), and the commands to
 * accept all, accept a word, cycle, dismiss or insert a given suggestion
 * (accepting to a phrase's or sentence's end, and taking an accept back, are
 * in finer-accepts.ts).
 *
 * A set-effect carries the document and cursor it was computed for; when
 * either has moved on, the answer is stale and the field ignores it (the
 * renderer's one check against stale answers: see suggestion-fetcher.ts). The
 * first suggestion is the ghost text; the others are alternatives to cycle to
 * or pick from the panel. When the ghost text is empty (the model was not
 * sure enough to suggest anything) nothing shows until the writer cycles,
 * unless the writer asked with Ctrl+Space. Typing the same characters as the
 * ghost text keeps the rest of it in place (and keeps only the alternatives
 * that agree with what was typed); any other edit or cursor move clears it,
 * and so does typing past it with nothing shown, so a fresh suggestion comes
 * after the next pause.
 */
import {
  EditorSelection,
  StateEffect,
  StateField,
  type EditorState,
  type Text,
  type Transaction,
} from '@codemirror/state';
import { Decoration, EditorView, WidgetType, type DecorationSet } from '@codemirror/view';
import { firstAcceptedWord, type SuggestionText } from '../../../shared/vocabulary';
import { machineInsert } from './authorship';

export type GhostSuggestion = SuggestionText;

export interface GhostState {
  /** Suggestions that agree with what has been typed since they arrived. */
  suggestions: GhostSuggestion[];
  /** The one shown; -1 for none (the model was not sure enough: cycle to see the alternatives). */
  index: number;
  /** Where the suggestions start. */
  from: number;
  /** Characters (UTF-16 units) of them already typed by the writer. */
  typed: number;
}

export interface SetSuggestions {
  suggestions: GhostSuggestion[];
  /** The cursor position they continue from. */
  pos: number;
  /** The document they were computed for. */
  doc: Text;
  /** Asked for by the writer (Ctrl+Space): show an alternative even when there is no ghost text. */
  explicit?: boolean;
}

export const setSuggestions = StateEffect.define<SetSuggestions>();

export interface AddSuggestions {
  /** The alternatives that follow the ghost text (suggestion-fetcher.ts asks for them after it). */
  suggestions: GhostSuggestion[];
  pos: number;
  doc: Text;
  /** The ghost text they follow was empty (the model not sure): they come in unshown, for cycling. */
  ghostEmpty: boolean;
}

/** Alternatives join the ghost text shown from the same place; stale ones (typed past, moved away, cleared) drop. */
export const addSuggestions = StateEffect.define<AddSuggestions>();
/** Text was accepted from the ghost text; carries the ghost state as it was before (finer-accepts.ts keeps them to take back). */
export const accepted = StateEffect.define<GhostState>();
/** Puts a ghost state back, in the transaction that removes the text accepted from it (finer-accepts.ts). */
export const restoreGhost = StateEffect.define<GhostState>();
export const cycleSuggestion = StateEffect.define<1 | -1>();
export const clearSuggestions = StateEffect.define<null>();

/** The ghost text still to come: the shown suggestion minus what was typed ('' when none is shown). */
export function remainingText(g: GhostState): string {
  return g.index < 0 ? '' : g.suggestions[g.index].text.slice(g.typed);
}

/** Whether ghost text is showing. */
export const ghostVisible = (g: GhostState | null | undefined): g is GhostState => !!g && g.index >= 0;

export function cursorAt(state: EditorState): number | null {
  const sel = state.selection.main;
  return state.selection.ranges.length === 1 && sel.empty ? sel.head : null;
}

/** A single insertion at `pos`, or null for any other change. */
function insertionAt(tr: Transaction, pos: number): string | null {
  let inserted: string | null = null;
  let other = false;
  tr.changes.iterChanges((fromA, toA, _fromB, _toB, text) => {
    if (fromA === pos && toA === pos && inserted === null) inserted = text.toString();
    else other = true;
  });
  return other ? null : inserted;
}

function update(value: GhostState | null, tr: Transaction): GhostState | null {
  for (const e of tr.effects) {
    if (e.is(clearSuggestions)) return null;
    if (e.is(restoreGhost)) return e.value;
    if (e.is(setSuggestions)) {
      // stale: the ghost text shown now (perhaps being typed through) stays
      if (e.value.doc !== tr.state.doc || cursorAt(tr.state) !== e.value.pos) continue;
      const usable = e.value.suggestions.filter((s) => s.text.length > 0);
      if (usable.length === 0) return null;
      const ghost = e.value.suggestions[0].text.length > 0;
      return { suggestions: usable, index: ghost || e.value.explicit ? 0 : -1, from: e.value.pos, typed: 0 };
    }
    if (e.is(addSuggestions)) {
      const add = e.value;
      if (add.doc !== tr.state.doc || cursorAt(tr.state) !== add.pos) continue;
      const usable = add.suggestions.filter((s) => s.text.length > 0);
      if (usable.length === 0) continue;
      if (value && value.from === add.pos && value.typed === 0) {
        value = { ...value, suggestions: [...value.suggestions, ...usable] };
      } else if (!value && add.ghostEmpty) {
        value = { suggestions: usable, index: -1, from: add.pos, typed: 0 };
      }
      continue;
    }
    if (e.is(cycleSuggestion) && value) {
      const n = value.suggestions.length;
      const index = value.index < 0 ? (e.value > 0 ? 0 : n - 1) : (value.index + e.value + n) % n;
      value = { ...value, index };
    }
  }
  if (!value) return null;
  const at = value.from + value.typed;
  if (tr.docChanged) {
    // text being composed by an input method (Chinese, Japanese, Korean...) is
    // provisional: no ghost text beside it
    if (tr.isUserEvent('input.type.compose')) return null;
    const typed = insertionAt(tr, at);
    if (typed === null || typed === '' || value.index < 0) return null;
    const prefix = value.suggestions[value.index].text.slice(0, value.typed) + typed;
    const agreeing = value.suggestions.filter((s) => s.text.startsWith(prefix) && s.text.length > prefix.length);
    const shown = value.suggestions[value.index];
    const index = agreeing.indexOf(shown);
    // the shown suggestion no longer agrees: clear, so the next pause asks afresh
    if (index < 0) return null;
    const next = { ...value, suggestions: agreeing, index, typed: prefix.length };
    return cursorAt(tr.state) === next.from + next.typed ? next : null;
  }
  if (tr.selection && cursorAt(tr.state) !== at) return null;
  return value;
}

class GhostWidget extends WidgetType {
  constructor(
    readonly text: string,
    readonly position: string,
  ) {
    super();
  }
  override eq(other: GhostWidget): boolean {
    return other.text === this.text && other.position === this.position;
  }
  toDOM(): HTMLElement {
    const span = document.createElement('span');
    span.className = 'cm-ghost-text';
    span.textContent = this.text;
    span.setAttribute('aria-label', `Suggestion ${this.position}: ${this.text}`);
    span.setAttribute('data-testid', 'ghost-text');
    return span;
  }
  override ignoreEvent(): boolean {
    return false;
  }
}

export const ghostField = StateField.define<GhostState | null>({
  create: () => null,
  update,
  provide: (field) =>
    EditorView.decorations.from(field, (g): DecorationSet => {
      if (!ghostVisible(g)) return Decoration.none;
      const widget = new GhostWidget(remainingText(g), `${g.index + 1} of ${g.suggestions.length}`);
      return Decoration.set([Decoration.widget({ widget, side: 1 }).range(g.from + g.typed)]);
    }),
});

export type Target = { state: EditorState; dispatch: (tr: Transaction) => void };

/** Inserts `text` at the cursor, as accepted from the ghost state `from` (with any `effects` of the caller's). */
export function insertAccepted(
  target: Target,
  text: string,
  from: GhostState,
  effects: StateEffect<unknown>[] = [],
): boolean {
  const { state } = target;
  const pos = cursorAt(state);
  if (pos === null) return false;
  target.dispatch(
    state.update({
      changes: { from: pos, insert: text },
      selection: EditorSelection.cursor(pos + text.length),
      effects: [accepted.of(from), ...effects],
      userEvent: 'input.complete',
      scrollIntoView: true,
      // the authorship record keeps it as the machine's, and one undo takes it back
      ...machineInsert,
    }),
  );
  return true;
}

/** Tab: the whole suggestion. False when there is none, so Tab indents as usual. */
export function acceptSuggestion(target: Target): boolean {
  const g = target.state.field(ghostField, false);
  return ghostVisible(g) ? insertAccepted(target, remainingText(g), g) : false;
}

/** Accept a word (Ctrl+→; Ctrl+' on macOS): up to the end of the next word. */
export function acceptWord(target: Target): boolean {
  const g = target.state.field(ghostField, false);
  if (!ghostVisible(g)) return false;
  const rest = remainingText(g);
  // leading spaces, then the word with any punctuation attached to it
  const word = firstAcceptedWord(rest);
  return insertAccepted(target, word, g);
}

export function nextSuggestion(target: Target): boolean {
  const g = target.state.field(ghostField, false);
  if (!g || (g.index >= 0 && g.suggestions.length < 2)) return false;
  target.dispatch(target.state.update({ effects: cycleSuggestion.of(1) }));
  return true;
}

export function previousSuggestion(target: Target): boolean {
  const g = target.state.field(ghostField, false);
  if (!g || (g.index >= 0 && g.suggestions.length < 2)) return false;
  target.dispatch(target.state.update({ effects: cycleSuggestion.of(-1) }));
  return true;
}

/** Escape: hide the ghost text. False when there is none, so Escape does its usual job. */
export function dismissSuggestion(target: Target): boolean {
  if (!ghostVisible(target.state.field(ghostField, false))) return false;
  target.dispatch(target.state.update({ effects: clearSuggestions.of(null) }));
  return true;
}

/** Alt+1..9 (Ctrl+1..9 on macOS) and the panel: insert suggestion `i` (what remains of it). */
export function insertSuggestion(i: number) {
  return (target: Target): boolean => {
    const g = target.state.field(ghostField, false);
    if (!g || i < 0 || i >= g.suggestions.length) return false;
    return insertAccepted(target, g.suggestions[i].text.slice(g.typed), g);
  };
}

/**
 * The ghost text's one style: the app's muted text colour, grey yet readable
 * (WCAG AA contrast on both themes), rather than faded by opacity.
 */
export const ghostTheme = EditorView.baseTheme({
  '.cm-ghost-text': { color: 'var(--muted)', fontStyle: 'normal', pointerEvents: 'none', whiteSpace: 'pre-wrap' },
});
