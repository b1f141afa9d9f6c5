import { EditorState, type Transaction } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import {
  acceptSuggestion,
  addSuggestions,
  acceptWord,
  dismissSuggestion,
  ghostField,
  insertSuggestion,
  nextSuggestion,
  previousSuggestion,
  remainingText,
  setSuggestions,
  type GhostSuggestion,
} from '../../src/renderer/src/editor/ghost-text';

const S = (text: string, temperature: number): GhostSuggestion => ({ text, temperature, logprob: -1 });
const SUGGESTIONS = [S(' the cat sat.', 0.2), S(' the dog ran', 0.8), S(' a bird', 1.2)];

/** A headless editor: state plus a dispatch that applies transactions. */
class Harness {
  state: EditorState;
  constructor(doc: string) {
    this.state = EditorState.create({ doc, selection: { anchor: doc.length }, extensions: [ghostField] });
  }
  dispatch = (tr: Transaction) => {
    this.state = tr.state;
  };
  get ghost() {
    return this.state.field(ghostField);
  }
  get doc() {
    return this.state.doc.toString();
  }
  offer(suggestions = SUGGESTIONS, doc = this.state.doc, pos = this.state.selection.main.head) {
    this.dispatch(this.state.update({ effects: setSuggestions.of({ suggestions, pos, doc }) }));
  }
  type(text: string, userEvent = 'input.type') {
    const pos = this.state.selection.main.head;
    this.dispatch(
      this.state.update({
        changes: { from: pos, insert: text },
        selection: { anchor: pos + text.length },
        userEvent,
      }),
    );
  }
}

describe('ghost-text state', () => {
  it('shows the first suggestion at the cursor', () => {
    const h = new Harness('Once upon a time');
    h.offer();
    expect(h.ghost).toMatchObject({ index: 0, from: 16, typed: 0 });
    expect(remainingText(h.ghost!)).toBe(' the cat sat.');
  });

  it('Tab accepts it all and moves the cursor after it', () => {
    const h = new Harness('Once');
    h.offer();
    expect(acceptSuggestion(h)).toBe(true);
    expect(h.doc).toBe('Once the cat sat.');
    expect(h.state.selection.main.head).toBe(h.doc.length);
    expect(h.ghost).toBeNull();
    expect(acceptSuggestion(h)).toBe(false); // nothing left: Tab falls through
  });

  it('accepts one word at a time', () => {
    const h = new Harness('Once');
    h.offer();
    expect(acceptWord(h)).toBe(true);
    expect(h.doc).toBe('Once the');
    expect(remainingText(h.ghost!)).toBe(' cat sat.');
    acceptWord(h);
    acceptWord(h);
    expect(h.doc).toBe('Once the cat sat.');
    expect(h.ghost).toBeNull();
  });

  it('cycles through the suggestions both ways', () => {
    const h = new Harness('Once');
    h.offer();
    nextSuggestion(h);
    expect(remainingText(h.ghost!)).toBe(' the dog ran');
    nextSuggestion(h);
    nextSuggestion(h);
    expect(h.ghost!.index).toBe(0);
    previousSuggestion(h);
    expect(remainingText(h.ghost!)).toBe(' a bird');
  });

  it('Escape dismisses it, and says so only when there was one', () => {
    const h = new Harness('Once');
    h.offer();
    expect(dismissSuggestion(h)).toBe(true);
    expect(h.ghost).toBeNull();
    expect(dismissSuggestion(h)).toBe(false);
  });

  it('typing the same characters keeps the rest, and only the suggestions that agree', () => {
    const h = new Harness('Once');
    h.offer();
    h.type(' the ');
    expect(h.ghost!.suggestions.map((s) => s.temperature)).toEqual([0.2, 0.8]);
    expect(remainingText(h.ghost!)).toBe('cat sat.');
    nextSuggestion(h);
    h.type('d');
    expect(h.ghost!.suggestions.map((s) => s.temperature)).toEqual([0.8]);
    expect(remainingText(h.ghost!)).toBe('og ran');
    acceptSuggestion(h);
    expect(h.doc).toBe('Once the dog ran');
  });

  it('typing past the shown suggestion clears it, though another agrees (a fresh one comes after the pause)', () => {
    const h = new Harness('Once');
    h.offer();
    h.type(' the d');
    expect(h.ghost).toBeNull();
  });

  it('clears it while an input method composes, even text that agrees with it', () => {
    const h = new Harness('Once');
    h.offer([S(' the', 0.2)]);
    h.type(' ', 'input.type.compose');
    expect(h.ghost).toBeNull();
  });

  it('any other edit clears it', () => {
    const h = new Harness('Once');
    h.offer();
    h.type('X');
    expect(h.ghost).toBeNull();
    h.offer();
    // an edit elsewhere in the document
    h.dispatch(h.state.update({ changes: { from: 0, insert: 'Yes. ' } }));
    expect(h.ghost).toBeNull();
  });

  it('a cursor move clears it', () => {
    const h = new Harness('Once upon');
    h.offer();
    h.dispatch(h.state.update({ selection: { anchor: 2 }, userEvent: 'select' }));
    expect(h.ghost).toBeNull();
  });

  it('drops a stale answer: computed for another document or another cursor position', () => {
    const h = new Harness('Once');
    const asked = h.state.doc;
    h.type(' upon');
    h.offer(SUGGESTIONS, asked, 4);
    expect(h.ghost).toBeNull();
    h.offer(SUGGESTIONS, h.state.doc, 2);
    expect(h.ghost).toBeNull();
  });

  it('leaves the ghost text being typed through alone when a stale answer arrives', () => {
    // the renderer cancels nothing (suggestion-fetcher.ts): an answer asked for before the writer typed still arrives
    const h = new Harness('Once');
    const asked = h.state.doc;
    h.offer();
    h.type(' th');
    h.offer([S(' upon a time', 0.2)], asked, 4);
    expect(remainingText(h.ghost!)).toBe('e cat sat.');
  });

  it('inserts a chosen suggestion (Alt+number, or a click in the panel)', () => {
    const h = new Harness('Once');
    h.offer();
    expect(insertSuggestion(2)(h)).toBe(true);
    expect(h.doc).toBe('Once a bird');
    h.offer();
    expect(insertSuggestion(5)(h)).toBe(false);
  });

  it('ignores empty suggestions, and an answer with none', () => {
    const h = new Harness('Once');
    h.offer([S(' yes', 0.2), S('', 0.5), S(' no', 1)]);
    expect(h.ghost!.suggestions.map((s) => s.text)).toEqual([' yes', ' no']);
    h.offer([S('', 0.2)]);
    expect(h.ghost).toBeNull();
  });

  it('shows nothing when the ghost text is empty (the model was not sure), but keeps the alternatives', () => {
    const h = new Harness('Once');
    h.offer([S('', 0.2), S(' yes', 0.8), S(' no', 1.2)]);
    expect(h.ghost).toMatchObject({ index: -1 });
    expect(remainingText(h.ghost!)).toBe('');
    // Tab and Ctrl+Right fall through; Escape has nothing to dismiss
    expect(acceptSuggestion(h)).toBe(false);
    expect(acceptWord(h)).toBe(false);
    expect(dismissSuggestion(h)).toBe(false);
    // cycling shows the alternatives
    expect(nextSuggestion(h)).toBe(true);
    expect(remainingText(h.ghost!)).toBe(' yes');
    h.offer([S('', 0.2), S(' yes', 0.8), S(' no', 1.2)]);
    previousSuggestion(h);
    expect(remainingText(h.ghost!)).toBe(' no');
    // typing with nothing shown clears it, so the next pause asks again
    h.offer([S('', 0.2), S(' yes', 0.8)]);
    h.type(' ');
    expect(h.ghost).toBeNull();
  });

  it('shows an alternative at once when the writer asked (Ctrl+Space), even without ghost text', () => {
    const h = new Harness('Once');
    h.dispatch(
      h.state.update({
        effects: setSuggestions.of({
          suggestions: [S('', 0.2), S(' yes', 0.8)],
          pos: 4,
          doc: h.state.doc,
          explicit: true,
        }),
      }),
    );
    expect(remainingText(h.ghost!)).toBe(' yes');
  });

  describe('alternatives that follow the ghost text (it comes alone first, after a pause)', () => {
    const add = (h: Harness, suggestions: GhostSuggestion[], ghostEmpty = false, pos = h.state.selection.main.head) =>
      h.dispatch(h.state.update({ effects: addSuggestions.of({ suggestions, pos, doc: h.state.doc, ghostEmpty }) }));

    it('join the ghost text shown, which stays shown', () => {
      const h = new Harness('Once');
      h.offer([SUGGESTIONS[0]]);
      add(h, SUGGESTIONS.slice(1));
      expect(h.ghost).toMatchObject({ index: 0, typed: 0 });
      expect(h.ghost!.suggestions.map((s) => s.text)).toEqual(SUGGESTIONS.map((s) => s.text));
      expect(nextSuggestion(h)).toBe(true);
      expect(remainingText(h.ghost!)).toBe(' the dog ran');
    });

    it('come in unshown when the ghost text was empty, for cycling', () => {
      const h = new Harness('Once');
      h.offer([S('', 0.2)]);
      expect(h.ghost).toBeNull();
      add(h, [S(' yes', 0.8), S('', 1.2)], true);
      expect(h.ghost).toMatchObject({ index: -1, suggestions: [{ text: ' yes' }] });
      expect(remainingText(h.ghost!)).toBe('');
      expect(nextSuggestion(h)).toBe(true);
      expect(remainingText(h.ghost!)).toBe(' yes');
    });

    it('drop when stale: typed past, moved away, another document, or the ghost text dismissed', () => {
      const typed = new Harness('Once');
      typed.offer([SUGGESTIONS[0]]);
      const pos = typed.state.selection.main.head;
      typed.type(' t');
      add(typed, SUGGESTIONS.slice(1), false, pos);
      expect(typed.ghost!.suggestions).toHaveLength(1);

      const dismissed = new Harness('Once');
      dismissed.offer([SUGGESTIONS[0]]);
      dismissSuggestion(dismissed);
      add(dismissed, SUGGESTIONS.slice(1));
      expect(dismissed.ghost).toBeNull();

      const moved = new Harness('Once');
      moved.offer([S('', 0.2)]);
      moved.dispatch(moved.state.update({ selection: { anchor: 0 } }));
      add(moved, [S(' yes', 0.8)], true, 4);
      expect(moved.ghost).toBeNull();

      const other = new Harness('Once');
      other.offer([SUGGESTIONS[0]]);
      const elsewhere = EditorState.create({ doc: 'Twice' }).doc;
      other.dispatch(
        other.state.update({
          effects: addSuggestions.of({ suggestions: SUGGESTIONS.slice(1), pos: 4, doc: elsewhere, ghostEmpty: false }),
        }),
      );
      expect(other.ghost!.suggestions).toHaveLength(1);
    });
  });

  it('keeps surrogate pairs whole when typing through emoji', () => {
    const h = new Harness('Fox');
    h.offer([S(' 🦊 runs', 1)]);
    h.type(' 🦊');
    expect(remainingText(h.ghost!)).toBe(' runs');
  });
});
