/**
 * The authorship record in the editor: which characters came from a
 * suggestion or a draft. A StateField of ranges mapped through every edit;
 * only insertions tagged with `machineText` (an accepted suggestion, an
 * inserted draft) add to it, and whatever the writer types, even inside such
 * a passage, is the writer's (it splits the passage). Deleting machine text
 * removes it; deleting everything around it leaves it.
 *
 * Undo and redo keep the record true through the history's inverted effects:
 * an edit that deletes machine text stores `markMachine` for its undo (the
 * text comes back marked); an accept stores `acceptedHere` for its undo, which
 * hands its redo a `markMachine` (the text comes back marked again). Accepts
 * are isolated history events, so the writer's typing never joins them.
 */
import { invertedEffects, isolateHistory } from '@codemirror/commands';
import {
  Annotation,
  StateEffect,
  StateField,
  type ChangeDesc,
  type ChangeSet,
  type EditorState,
  type Extension,
  type TransactionSpec,
} from '@codemirror/state';
import { Decoration, EditorView, type DecorationSet } from '@codemirror/view';
import type { AuthorshipRange } from '../../../shared/authorship';

/** Tags a transaction whose insertions the machine wrote. */
export const machineText = Annotation.define<true>();

/** What an accept's transaction carries: machine-written, and its own undo step. */
export const machineInsert: Pick<TransactionSpec, 'annotations'> = {
  annotations: [machineText.of(true), isolateHistory.of('full')],
};

/** Replaces the whole record (a document loaded with its saved record, or the record turned off). */
export const setAuthorship = StateEffect.define<readonly AuthorshipRange[]>();

const mapRanges = (ranges: readonly AuthorshipRange[], mapping: ChangeDesc): AuthorshipRange[] =>
  ranges.flatMap(([from, to]) => {
    const a = mapping.mapPos(from, 1);
    const b = mapping.mapPos(to, -1);
    return a < b ? [[a, b] as const] : [];
  });

/** Marks ranges (in the document after the transaction) as machine-written: undo and redo restoring them. */
const markMachine = StateEffect.define<readonly AuthorshipRange[]>({ map: mapRanges });
/** On an accept's undo: the passage it is about to remove (positions before the undo), for the redo to mark. */
const acceptedHere = StateEffect.define<readonly AuthorshipRange[]>({ map: mapRanges });

const machineMark = Decoration.mark({ class: 'cm-machine-text' });

/** What a change inserted, in the new document's positions. */
function insertedBy(changes: ChangeSet): AuthorshipRange[] {
  const out: AuthorshipRange[] = [];
  changes.iterChanges((_fa, _ta, fromB, toB) => {
    if (toB > fromB) out.push([fromB, toB]);
  });
  return out;
}

function add(set: DecorationSet, ranges: readonly AuthorshipRange[], length: number): DecorationSet {
  for (const [f0, t0] of ranges) {
    let from = Math.max(0, f0);
    let to = Math.min(length, t0);
    if (from >= to) continue;
    // one range for what it overlaps or touches, and what that touches in turn (two passages side by side
    // after a deletion between them): the filter below drops every range touching the grown span
    for (let grew = true; grew;) {
      grew = false;
      set.between(from, to, (a, b) => {
        if (a < from || b > to) grew = true;
        from = Math.min(from, a);
        to = Math.max(to, b);
      });
    }
    const [f, t] = [from, to];
    set = set.update({ filter: (a, b) => b < f || a > t, filterFrom: f, filterTo: t, add: [machineMark.range(f, t)] });
  }
  return set;
}

function remove(set: DecorationSet, ranges: readonly AuthorshipRange[]): DecorationSet {
  for (const [from, to] of ranges) {
    const pieces: AuthorshipRange[] = [];
    let hit = false;
    set.between(from, to, (a, b) => {
      if (a >= to || b <= from) return;
      hit = true;
      if (a < from) pieces.push([a, from]);
      if (b > to) pieces.push([to, b]);
    });
    if (!hit) continue;
    set = set.update({
      filter: (a, b) => a >= to || b <= from,
      filterFrom: from,
      filterTo: to,
      add: pieces.map(([a, b]) => machineMark.range(a, b)),
      sort: true,
    });
  }
  return set;
}

export const authorshipField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(set, tr) {
    const length = tr.newDoc.length;
    if (tr.docChanged) {
      set = set.map(tr.changes);
      const inserted = insertedBy(tr.changes);
      if (inserted.length) set = tr.annotation(machineText) ? add(set, inserted, length) : remove(set, inserted);
    }
    for (const e of tr.effects) {
      if (e.is(setAuthorship))
        set = add(
          Decoration.none,
          [...e.value].sort((a, b) => a[0] - b[0]),
          length,
        );
      else if (e.is(markMachine)) set = add(set, e.value, length);
    }
    return set;
  },
});

const historyOfAuthorship = invertedEffects.of((tr) => {
  const out: StateEffect<unknown>[] = [];
  const before = tr.startState.field(authorshipField, false);
  if (!before) return out;
  // machine text this edit deletes: its undo brings it back, marked
  const removed: AuthorshipRange[] = [];
  tr.changes.iterChanges((fromA, toA) => {
    if (toA > fromA)
      before.between(fromA, toA, (a, b) => {
        const [f, t] = [Math.max(a, fromA), Math.min(b, toA)];
        if (f < t) removed.push([f, t]);
      });
  });
  if (removed.length) out.push(markMachine.of(removed));
  // machine text this edit adds (an accept, or an undo or redo marking it): its undo removes it, and the redo of that must mark it again
  const added = tr.annotation(machineText) ? insertedBy(tr.changes) : [];
  for (const e of tr.effects) if (e.is(markMachine)) added.push(...e.value);
  if (added.length) out.push(acceptedHere.of(added));
  for (const e of tr.effects) if (e.is(acceptedHere)) out.push(markMachine.of(e.value));
  return out;
});

/** The record's ranges, sorted, with touching passages joined. */
export function authorshipRanges(state: EditorState): AuthorshipRange[] {
  const out: [number, number][] = [];
  const iter = (state.field(authorshipField, false) ?? Decoration.none).iter();
  for (; iter.value; iter.next()) {
    const last = out.at(-1);
    if (last && iter.from <= last[1]) last[1] = Math.max(last[1], iter.to);
    else out.push([iter.from, iter.to]);
  }
  return out;
}

/** How many characters of the document the machine wrote. */
export function machineCharacters(state: EditorState): number {
  return authorshipRanges(state).reduce((n, [from, to]) => n + to - from, 0);
}

/** The record: the field and its history. */
export const authorship: Extension = [authorshipField, historyOfAuthorship];

/** The underline, shown on request. */
export const authorshipUnderline: Extension = [
  EditorView.decorations.from(authorshipField),
  EditorView.baseTheme({
    '.cm-machine-text': {
      textDecoration: 'underline dotted var(--accent)',
      textDecorationThickness: '2px',
      textUnderlineOffset: '4px',
    },
  }),
];
