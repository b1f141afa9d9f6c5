/**
 * The authorship record in the editor: machine-written ranges kept through
 * typing, deleting, accepting, undo and redo. The property test runs random
 * sequences of those against a model that remembers, per character, whether
 * an accept put it there; the record must always name exactly those
 * characters.
 */
import { history, redo, undo } from '@codemirror/commands';
import { EditorState, Transaction, type TransactionSpec } from '@codemirror/state';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  authorship,
  authorshipRanges,
  machineCharacters,
  machineInsert,
  setAuthorship,
} from '../../src/renderer/src/editor/authorship';
import { acceptSuggestion, ghostField, setSuggestions } from '../../src/renderer/src/editor/ghost-text';

class Editor {
  state: EditorState;
  /** Far apart in time: each edit its own undo step, as a writer pausing between them. */
  private time = 1_000_000;
  constructor(doc = '') {
    this.state = EditorState.create({ doc, extensions: [history(), authorship, ghostField] });
  }
  private apply(spec: TransactionSpec) {
    this.state = this.state.update({
      ...spec,
      annotations: [...[spec.annotations ?? []].flat(), Transaction.time.of((this.time += 10_000))],
    }).state;
  }
  type(pos: number, text: string) {
    this.apply({
      changes: { from: pos, insert: text },
      selection: { anchor: pos + text.length },
      userEvent: 'input.type',
    });
  }
  remove(from: number, to: number) {
    this.apply({ changes: { from, to }, selection: { anchor: from }, userEvent: 'delete' });
  }
  replace(from: number, to: number, text: string) {
    this.apply({
      changes: { from, to, insert: text },
      selection: { anchor: from + text.length },
      userEvent: 'input.type',
    });
  }
  accept(pos: number, text: string) {
    this.apply({
      changes: { from: pos, insert: text },
      selection: { anchor: pos + text.length },
      userEvent: 'input.complete',
      ...machineInsert,
    });
  }
  private run(command: typeof undo) {
    return command({ state: this.state, dispatch: (tr) => (this.state = tr.state) });
  }
  undo = () => this.run(undo);
  redo = () => this.run(redo);
  get text() {
    return this.state.doc.toString();
  }
  /** One letter per character: 'm' the machine wrote it, 'w' the writer did. */
  get mask() {
    const mask = Array.from({ length: this.state.doc.length }, () => 'w');
    for (const [from, to] of authorshipRanges(this.state)) for (let i = from; i < to; i++) mask[i] = 'm';
    return mask.join('');
  }
}

describe('the authorship record in the editor', () => {
  it('keeps an accepted suggestion as the machine’s, and the writer’s typing as theirs', () => {
    const e = new Editor('She said');
    e.state = e.state.update({
      effects: setSuggestions.of({
        suggestions: [{ text: ' hello', temperature: 0.2, logprob: -1 }],
        pos: 8,
        doc: e.state.doc,
      }),
      selection: { anchor: 8 },
    }).state;
    expect(acceptSuggestion({ state: e.state, dispatch: (tr) => (e.state = tr.state) })).toBe(true);
    expect(e.text).toBe('She said hello');
    expect(authorshipRanges(e.state)).toEqual([[8, 14]]);
    // typing right after it or before it is the writer's
    e.type(14, '!');
    e.type(8, ',');
    expect(e.mask).toBe('wwwwwwww' + 'w' + 'mmmmmm' + 'w');
    // typing inside it splits it
    e.type(13, 'XX');
    expect(e.text).toBe('She said, helXXlo!');
    expect(authorshipRanges(e.state)).toEqual([
      [9, 13],
      [15, 17],
    ]);
    expect(machineCharacters(e.state)).toBe(6);
  });

  it('undoing an accept removes its passage, and redoing it brings the passage back', () => {
    const e = new Editor('Once');
    e.accept(4, ' upon a time');
    e.type(16, ', there');
    expect(e.undo()).toBe(true); // the typing
    expect(e.undo()).toBe(true); // the accept
    expect(e.text).toBe('Once');
    expect(authorshipRanges(e.state)).toEqual([]);
    e.redo();
    expect(e.text).toBe('Once upon a time');
    expect(authorshipRanges(e.state)).toEqual([[4, 16]]);
    e.redo();
    expect(e.mask).toBe('wwwwmmmmmmmmmmmmwwwwwww');
  });

  it('an undone deletion of machine text brings it back as the machine’s', () => {
    const e = new Editor('ab');
    e.accept(1, 'MACHINE');
    e.remove(2, 6);
    expect(e.text).toBe('aMNEb');
    e.undo();
    expect(e.text).toBe('aMACHINEb');
    expect(authorshipRanges(e.state)).toEqual([[1, 8]]);
  });

  it('loads a record, clamped to the text, and replaces it', () => {
    const e = new Editor('0123456789');
    e.state = e.state.update({
      effects: setAuthorship.of([
        [6, 8],
        [2, 4],
        [9, 40],
      ]),
    }).state;
    expect(authorshipRanges(e.state)).toEqual([
      [2, 4],
      [6, 8],
      [9, 10],
    ]);
    e.state = e.state.update({ effects: setAuthorship.of([]) }).state;
    expect(authorshipRanges(e.state)).toEqual([]);
  });

  it('names exactly the characters accepts put there and that still exist, through any typing, deleting, undo and redo', () => {
    type Op =
      | { kind: 'type' | 'accept'; at: number; text: string }
      | { kind: 'delete'; at: number; length: number }
      | { kind: 'replace'; at: number; length: number; text: string }
      | { kind: 'undo' | 'redo' };
    const text = fc.string({ unit: fc.constantFrom('a', 'b', ' ', 'é', '\n'), minLength: 1, maxLength: 6 });
    const at = fc.nat({ max: 1000 });
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constantFrom('type' as const, 'accept' as const), at, text }),
      fc.record({ kind: fc.constant('delete' as const), at, length: fc.integer({ min: 1, max: 8 }) }),
      fc.record({ kind: fc.constant('replace' as const), at, length: fc.integer({ min: 1, max: 8 }), text }),
      fc.record({ kind: fc.constantFrom('undo' as const, 'redo' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const e = new Editor('The start.');
        /** The model: the text with, per character, whether an accept put it there. */
        type Shadow = { text: string; mask: string };
        let now: Shadow = { text: e.text, mask: 'w'.repeat(e.text.length) };
        const done: Shadow[] = [];
        let undone: Shadow[] = [];
        const edit = (from: number, to: number, insert: string, who: 'm' | 'w') => {
          done.push(now);
          undone = [];
          now = {
            text: now.text.slice(0, from) + insert + now.text.slice(to),
            mask: now.mask.slice(0, from) + who.repeat(insert.length) + now.mask.slice(to),
          };
        };
        for (const o of ops) {
          const length = e.text.length;
          if (o.kind === 'undo' || o.kind === 'redo') {
            const [from, to] = o.kind === 'undo' ? [done, undone] : [undone, done];
            const moved = o.kind === 'undo' ? e.undo() : e.redo();
            expect(moved).toBe(from.length > 0);
            if (moved) {
              to.push(now);
              now = from.pop()!;
            }
          } else if (o.kind === 'type' || o.kind === 'accept') {
            const pos = o.at % (length + 1);
            if (o.kind === 'type') e.type(pos, o.text);
            else e.accept(pos, o.text);
            edit(pos, pos, o.text, o.kind === 'accept' ? 'm' : 'w');
          } else if (o.kind === 'delete' || o.kind === 'replace') {
            if (length === 0) continue;
            const from = o.at % length;
            const to = Math.min(length, from + o.length);
            if (o.kind === 'delete') e.remove(from, to);
            else e.replace(from, to, o.text);
            edit(from, to, o.kind === 'replace' ? o.text : '', 'w');
          }
          expect(e.text).toBe(now.text);
          expect(e.mask).toBe(now.mask);
        }
      }),
      { numRuns: 300 },
    );
  });
});
