import { EditorState, type Transaction } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import {
  acceptExtension,
  acceptTo,
  acceptTrail,
  extendToEnd,
  textToEnd,
  undoAccept,
} from '../../src/renderer/src/editor/finer-accepts';
import {
  acceptSuggestion,
  acceptWord,
  ghostField,
  remainingText,
  setSuggestions,
  type GhostSuggestion,
} from '../../src/renderer/src/editor/ghost-text';

const S = (text: string, temperature = 0.2): GhostSuggestion => ({ text, temperature, logprob: -1 });

/** A headless editor (as in ghost-text.test.ts), remembering the effects of its last transaction. */
class Harness {
  state: EditorState;
  last: Transaction | null = null;
  constructor(doc: string) {
    this.state = EditorState.create({
      doc,
      selection: { anchor: doc.length },
      extensions: [ghostField, acceptTrail],
    });
  }
  dispatch = (tr: Transaction) => {
    this.state = tr.state;
    this.last = tr;
  };
  get ghost() {
    return this.state.field(ghostField);
  }
  get doc() {
    return this.state.doc.toString();
  }
  get shown() {
    return this.ghost ? remainingText(this.ghost) : null;
  }
  offer(...texts: string[]) {
    const pos = this.state.selection.main.head;
    this.dispatch(
      this.state.update({
        effects: setSuggestions.of({ suggestions: texts.map((t) => S(t)), pos, doc: this.state.doc }),
      }),
    );
  }
  type(text: string) {
    const pos = this.state.selection.main.head;
    this.dispatch(
      this.state.update({
        changes: { from: pos, insert: text },
        selection: { anchor: pos + text.length },
        userEvent: 'input.type',
      }),
    );
  }
  extension() {
    return this.last?.effects.find((e) => e.is(extendToEnd))?.value ?? null;
  }
}

describe('where a phrase or a sentence ends in ghost text', () => {
  it.each<[string, 'phrase' | 'sentence', string, boolean]>([
    [' the cat sat, and then it slept. Later', 'phrase', ' the cat sat,', true],
    [' the cat sat, and then it slept. Later', 'sentence', ' the cat sat, and then it slept.', true],
    [' she said “no.” Then', 'sentence', ' she said “no.”', true],
    [' the cat sat.', 'sentence', ' the cat sat.', true], // ends with its mark: whole
    [' the cat sat on', 'sentence', ' the cat sat on', false],
    [' the cat sat on', 'phrase', ' the cat sat on', false],
    [' the end\nNext line', 'sentence', ' the end', true], // the paragraph ends it
    ['; and more', 'phrase', '; and more', false], // a mark with nothing before it ends nothing: the phrase runs on
  ])('%j to the end of the %s', (ghost, rule, text, complete) => {
    expect(textToEnd(ghost, rule)).toEqual({ text, complete });
  });

  it('counts what was accepted just before: a phrase may end at its first character', () => {
    expect(textToEnd(', and more', 'phrase', ' the cat sat')).toEqual({ text: ',', complete: true });
  });
});

describe('accepting to the end of a phrase or a sentence', () => {
  it('takes the ghost text up to the end of the phrase, then of the sentence', () => {
    const h = new Harness('Once');
    h.offer(' the cat sat, and then it slept. Later');
    expect(acceptTo('phrase')(h)).toBe(true);
    expect(h.doc).toBe('Once the cat sat,');
    expect(h.shown).toBe(' and then it slept. Later');
    expect(h.extension()).toBeNull();
    acceptTo('sentence')(h);
    expect(h.doc).toBe('Once the cat sat, and then it slept.');
    expect(h.shown).toBe(' Later');
  });

  it('takes all of a shorter ghost text and asks for the rest of the sentence', () => {
    const h = new Harness('Once');
    h.offer(' the cat sat on');
    expect(acceptTo('sentence')(h)).toBe(true);
    expect(h.doc).toBe('Once the cat sat on');
    expect(h.extension()).toEqual({ rule: 'sentence', pos: 19, accepted: ' the cat sat on' });
    // the rest arrives: in it goes, to the end of the sentence only
    expect(acceptExtension(h, S(' the mat. And then'), 'sentence', ' the cat sat on')).toBe(true);
    expect(h.doc).toBe('Once the cat sat on the mat.');
  });

  it('offers a rest that stops short as ghost text rather than putting it in', () => {
    const h = new Harness('Once');
    h.offer(' the cat');
    acceptTo('sentence')(h);
    expect(acceptExtension(h, S(' sat on the'), 'sentence', ' the cat')).toBe(false);
    expect(h.doc).toBe('Once the cat');
  });

  it('falls through with no ghost text', () => {
    const h = new Harness('Once');
    expect(acceptTo('phrase')(h)).toBe(false);
    expect(acceptTo('sentence')(h)).toBe(false);
  });
});

describe('taking back the last accepted word', () => {
  it('removes the words accepted one by one, last first, and shows each as ghost text again', () => {
    const h = new Harness('Once');
    h.offer(' the cat sat.', ' the dog');
    acceptWord(h);
    acceptWord(h);
    expect(h.doc).toBe('Once the cat');
    expect(h.ghost!.suggestions).toHaveLength(1); // only the cat agrees now
    expect(undoAccept(h)).toBe(true);
    expect(h.doc).toBe('Once the');
    expect(h.shown).toBe(' cat sat.');
    expect(h.state.selection.main.head).toBe(8);
    expect(undoAccept(h)).toBe(true);
    expect(h.doc).toBe('Once');
    expect(h.shown).toBe(' the cat sat.');
    expect(h.ghost!.suggestions).toHaveLength(2); // and the alternatives come back with it
    expect(undoAccept(h)).toBe(false); // nothing more to take back: the key does its usual job
  });

  it('takes back a whole accept, and the rest of a sentence fetched for it, one at a time', () => {
    const h = new Harness('Once');
    h.offer(' the cat sat on');
    acceptTo('sentence')(h);
    acceptExtension(h, S(' the mat.'), 'sentence', ' the cat sat on');
    expect(h.doc).toBe('Once the cat sat on the mat.');
    undoAccept(h);
    expect(h.doc).toBe('Once the cat sat on');
    expect(h.shown).toBe(' the mat.');
    undoAccept(h);
    expect(h.doc).toBe('Once');
    expect(h.shown).toBe(' the cat sat on');
    // and Tab's accept too
    acceptSuggestion(h);
    expect(h.ghost).toBeNull();
    undoAccept(h);
    expect(h.shown).toBe(' the cat sat on');
  });

  it('forgets the accepts once the writer types or moves', () => {
    const h = new Harness('Once');
    h.offer(' the cat sat.');
    acceptWord(h);
    h.type(' ');
    expect(undoAccept(h)).toBe(false);
    expect(h.doc).toBe('Once the ');

    const m = new Harness('Once');
    m.offer(' the cat sat.');
    acceptWord(m);
    m.dispatch(m.state.update({ selection: { anchor: 0 }, userEvent: 'select' }));
    expect(undoAccept(m)).toBe(false);
    expect(m.doc).toBe('Once the');
  });

  it('keeps the trail across new suggestions arriving after an accept', () => {
    const h = new Harness('Once');
    h.offer(' the');
    acceptSuggestion(h);
    h.offer(' cat');
    expect(undoAccept(h)).toBe(true);
    expect(h.doc).toBe('Once');
    expect(h.shown).toBe(' the');
  });
});
