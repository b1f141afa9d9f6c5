/**
 * The authorship record in the editor: machine-written ranges kept through
 * typing, deleting, accepting, undo and redo. The property test runs random
 * sequences of those (with the finer accepts: a word, to the end of the
 * phrase or sentence with the model's answer when the ghost text stops
 * short, taking an accept back, and Ctrl-Z after that) against a model that
 * remembers, per character, whether an accept put it there; the record must
 * always name exactly those characters.
 */
import { history, redo, undo } from '@codemirror/commands';
import { EditorState, Transaction, type TransactionSpec } from '@codemirror/state';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  authorship,
  authorshipRanges,
  machineCharacters,
  machineInsert,
  setAuthorship,
} from '../../src/renderer/src/editor/authorship';
import {
  acceptExtension,
  acceptTo,
  acceptTrail,
  extendToEnd,
  undoAccept,
  type AcceptRule,
} from '../../src/renderer/src/editor/finer-accepts';
import {
  acceptSuggestion,
  acceptWord,
  cursorAt,
  ghostField,
  setSuggestions,
  type Target,
} from '../../src/renderer/src/editor/ghost-text';

/**
 * Every transaction far apart in time (a transaction takes its time from
 * Date.now): each edit is its own undo step, as a writer pausing between
 * them, whether the test makes it or one of the editor's commands does.
 */
beforeEach(() => {
  let clock = Date.UTC(2026, 0, 1);
  vi.spyOn(Date, 'now').mockImplementation(() => (clock += 10_000));
});
afterEach(() => {
  vi.restoreAllMocks();
});

class Editor {
  state: EditorState;
  constructor(doc = '') {
    this.state = EditorState.create({ doc, extensions: [history(), authorship, ghostField, acceptTrail] });
  }
  /** The last transaction a command dispatched. */
  last: Transaction | null = null;
  /** What the editor's keys act on (their transactions far apart in time too: see `clock` below). */
  get target(): Target {
    return {
      state: this.state,
      dispatch: (tr) => {
        this.last = tr;
        this.state = tr.state;
      },
    };
  }
  /** Ghost text `text` shown with the cursor at `pos`, as the fetcher would show it after a pause. */
  suggest(pos: number, text: string) {
    this.state = this.state.update({ selection: { anchor: pos } }).state;
    this.state = this.state.update({
      effects: setSuggestions.of({
        suggestions: [{ text, temperature: 0.2, logprob: -1 }],
        pos,
        doc: this.state.doc,
      }),
    }).state;
  }
  private apply(spec: TransactionSpec) {
    this.state = this.state.update(spec).state;
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

  it('an accept touching two passages left side by side by a deletion keeps both (found by the property test)', () => {
    const e = new Editor('he start.');
    e.accept(1, 'aaa');
    e.accept(0, 'aaa');
    e.remove(1, 4); // 'aaaae start.': two passages, [0, 1) and [1, 4), touching
    e.accept(0, 'a');
    expect(e.mask).toBe('mmmmm' + 'wwwwwwww');
    expect(authorshipRanges(e.state)).toEqual([[0, 5]]);
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

  it('names exactly the characters accepts put there and that still exist, through any typing, deleting, accepting, taking back, undo and redo', () => {
    type Accept = 'all' | 'word' | AcceptRule;
    type Op =
      | { kind: 'type' | 'accept'; at: number; text: string }
      | { kind: 'delete'; at: number; length: number }
      | { kind: 'replace'; at: number; length: number; text: string }
      | { kind: 'undo' | 'redo' | 'takeBack' }
      /** Ghost text shown at `at`, then the writer's keys on it. */
      | { kind: 'suggest'; at: number; text: string; keys: Op[] }
      /** An accept key; `more`: what the model answers when a phrase or sentence needs more than the ghost text. */
      | { kind: 'acceptKey'; how: Accept; more: string };
    const text = fc.string({ unit: fc.constantFrom('a', 'b', ' ', 'é', '\n'), minLength: 1, maxLength: 6 });
    // suggestions with the marks the phrase and sentence rules stop at
    const ghost = fc.string({
      unit: fc.constantFrom('a', 'b', ' ', 'é', ',', '.', '!', '”'),
      minLength: 1,
      maxLength: 12,
    });
    const at = fc.nat({ max: 1000 });
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constantFrom('type' as const, 'accept' as const), at, text }),
      fc.record({ kind: fc.constant('delete' as const), at, length: fc.integer({ min: 1, max: 8 }) }),
      fc.record({ kind: fc.constant('replace' as const), at, length: fc.integer({ min: 1, max: 8 }), text }),
      fc.record({ kind: fc.constantFrom('undo' as const, 'redo' as const) }),
      // the finer accepts come in runs, as a writer uses them: a suggestion, keys that accept it, take-backs
      fc.record({
        kind: fc.constant('suggest' as const),
        at,
        text: ghost,
        keys: fc.array(
          fc.oneof(
            fc.record({
              kind: fc.constant('acceptKey' as const),
              how: fc.constantFrom<Accept>('all', 'word', 'phrase', 'sentence'),
              more: ghost,
            }),
            fc.record({ kind: fc.constant('takeBack' as const) }),
            fc.record({ kind: fc.constant('undo' as const) }),
          ),
          { minLength: 1, maxLength: 5 },
        ),
      }),
      fc.record({ kind: fc.constant('takeBack' as const) }),
    );
    /** How often the steps this test is about happened (so it cannot pass without them). */
    const seen = { extension: 0, takeBack: 0, undoAfterTakeBack: 0, acceptKey: 0 };
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
        /** An accept key's command ran: what it put in at the cursor is the machine's. */
        const acceptedFrom = (pos: number) => edit(pos, pos, e.text.slice(pos, cursorAt(e.state)!), 'm');
        let previous: Op['kind'] | 'tookBack' | null = null;
        for (const o of ops.flatMap((o) => (o.kind === 'suggest' ? [o, ...o.keys] : [o]))) {
          const length = e.text.length;
          let kind: Op['kind'] | 'tookBack' = o.kind;
          if (o.kind === 'undo' || o.kind === 'redo') {
            const [from, to] = o.kind === 'undo' ? [done, undone] : [undone, done];
            const moved = o.kind === 'undo' ? e.undo() : e.redo();
            expect(moved).toBe(from.length > 0);
            if (moved) {
              to.push(now);
              now = from.pop()!;
              if (o.kind === 'undo' && previous === 'tookBack') seen.undoAfterTakeBack++;
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
          } else if (o.kind === 'suggest') {
            e.suggest(o.at % (length + 1), o.text);
          } else if (o.kind === 'acceptKey') {
            const pos = cursorAt(e.state);
            const command = o.how === 'all' ? acceptSuggestion : o.how === 'word' ? acceptWord : acceptTo(o.how);
            e.last = null;
            if (pos === null || !command(e.target)) continue;
            seen.acceptKey++;
            acceptedFrom(pos);
            // the ghost text stopped short of the phrase or sentence: the model's answer goes in up to its end
            let asked: { rule: AcceptRule; pos: number; accepted: string } | undefined;
            for (const x of (e.last as Transaction | null)?.effects ?? []) if (x.is(extendToEnd)) asked = x.value;
            const more = { text: o.more, temperature: 0.2, logprob: -1 };
            if (asked && acceptExtension(e.target, more, asked.rule, asked.accepted)) {
              seen.extension++;
              acceptedFrom(asked.pos);
            }
          } else if (o.kind === 'takeBack') {
            const at = cursorAt(e.state);
            if (at === null || !undoAccept(e.target)) continue;
            seen.takeBack++;
            kind = 'tookBack';
            // the accepted text leaves the document (a step of its own: Ctrl-Z brings it back, the machine's)
            edit(cursorAt(e.state)!, at, '', 'w');
          }
          previous = kind;
          expect(e.text).toBe(now.text);
          expect(e.mask).toBe(now.mask);
        }
      }),
      // a fixed seed: the counts below say the runs did reach every kind of step, and with a random
      // seed they sometimes fell one short (CI saw 5 undos after a take-back where more than 5 is asked)
      { numRuns: 300, seed: 20261127 },
    );
    expect(seen.acceptKey).toBeGreaterThan(50);
    expect(seen.extension).toBeGreaterThan(5);
    expect(seen.takeBack).toBeGreaterThan(20);
    expect(seen.undoAfterTakeBack).toBeGreaterThan(5);
  });
});
