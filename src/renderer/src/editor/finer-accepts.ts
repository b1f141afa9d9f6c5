/**
 * Accepting less than a whole suggestion, and taking an accept back.
 *
 * Accept to the end of the phrase or the sentence takes the ghost text up to
 * where the model's own stop rules (model/suggesting/stop-rules.ts) would end
 * one. When the ghost text stops short of it, all of it goes in and the
 * fetcher (suggestion-fetcher.ts) is asked, through `extendToEnd`, for the
 * rest under that stop rule; its answer goes in up to the end too, or is
 * shown as ghost text when even it stops short.
 *
 * Every accept (a word, a phrase, a sentence, all of it, a chosen suggestion)
 * remembers the ghost state it came from. Taking it back removes the text it
 * put in and shows that ghost state again, so the last accepted word is ghost
 * text once more; pressed again, the word before it. The trail lasts while
 * the writer only accepts: any other edit or cursor move ends it, and the key
 * goes back to its usual job.
 */
import { StateEffect, StateField } from '@codemirror/state';
import { decideStop } from '../../../model/suggesting/stop-rules';
import type { GhostSuggestion } from './ghost-text';
import {
  accepted,
  cursorAt,
  ghostField,
  ghostVisible,
  insertAccepted,
  remainingText,
  restoreGhost,
  type GhostState,
  type Target,
} from './ghost-text';

export type AcceptRule = 'phrase' | 'sentence';

/** What a sentence ends with, and what may close it after (a quote, a bracket). */
const SENTENCE_END = /[.!?…。！？]["'”’»)\]]*$/u;

/**
 * The start of `text` up to the end of its first phrase or sentence under the
 * stop rules, `complete` when that end is in it (a mark, or the paragraph's
 * end). `before` is text already accepted just ahead of it: a phrase may end
 * at its first character.
 */
export function textToEnd(text: string, rule: AcceptRule, before = ''): { text: string; complete: boolean } {
  let taken = '';
  for (const ch of text) {
    const d = decideStop(rule, before + taken, ch);
    if (d.take) taken += ch;
    if (d.stop) return { text: taken, complete: true };
  }
  // the sentence rule decides at the character after a mark: a text that ends with one is whole
  const complete = rule === 'sentence' && /\S/u.test(before + taken) && SENTENCE_END.test(taken);
  return { text: taken, complete };
}

/** Asks for the rest of a phrase or sentence after `pos` (see suggestion-fetcher.ts); `accepted` is what went in before it. */
export const extendToEnd = StateEffect.define<{ rule: AcceptRule; pos: number; accepted: string }>();

/** Accept to the end of the phrase (`phrase`) or the sentence (`sentence`). */
export function acceptTo(rule: AcceptRule) {
  return (target: Target): boolean => {
    const g = target.state.field(ghostField, false);
    if (!ghostVisible(g)) return false;
    const rest = remainingText(g);
    const end = textToEnd(rest, rule);
    if (end.complete) return insertAccepted(target, end.text, g);
    const pos = cursorAt(target.state);
    if (pos === null) return false;
    return insertAccepted(target, rest, g, [extendToEnd.of({ rule, pos: pos + rest.length, accepted: rest })]);
  };
}

/**
 * The rest of a phrase or sentence arrived from the model (`more`, continuing
 * at the cursor): in it goes up to the end, as an accept one can take back;
 * if it stops short, it is offered as ghost text instead. False when the
 * cursor has moved on.
 */
export function acceptExtension(target: Target, more: GhostSuggestion, rule: AcceptRule, before: string): boolean {
  const pos = cursorAt(target.state);
  if (pos === null || !more.text) return false;
  const end = textToEnd(more.text, rule, before);
  if (!end.complete) return false;
  const shown: GhostState = { suggestions: [more], index: 0, from: pos, typed: 0 };
  return insertAccepted(target, end.text, shown);
}

interface Trail {
  /** The ghost states accepts came from, oldest first. */
  steps: GhostState[];
  /** Where the cursor stood after the last accept. */
  at: number;
}

/** Enough to take back a long run of accepts; older ones are forgotten. */
const MAX_STEPS = 200;

export const acceptTrail = StateField.define<Trail | null>({
  create: () => null,
  update(trail, tr) {
    const at = cursorAt(tr.state);
    for (const e of tr.effects) {
      if (e.is(accepted) && at !== null) {
        const kept = trail && cursorAt(tr.startState) === trail.at ? trail.steps : [];
        return { steps: [...kept, e.value].slice(-MAX_STEPS), at };
      }
      if (e.is(restoreGhost)) {
        const steps = trail?.steps.slice(0, -1) ?? [];
        return steps.length && at !== null ? { steps, at } : null;
      }
    }
    if (!trail || tr.docChanged) return null;
    return tr.selection && at !== trail.at ? null : trail;
  },
});

/**
 * Take back the last accept: its text leaves the document and shows again as
 * ghost text. False when the writer has done anything else since (the key
 * does its usual job).
 */
export function undoAccept(target: Target): boolean {
  const trail = target.state.field(acceptTrail, false);
  if (!trail || cursorAt(target.state) !== trail.at) return false;
  const last = trail.steps[trail.steps.length - 1];
  const from = last.from + last.typed;
  if (from > trail.at) return false;
  target.dispatch(
    target.state.update({
      changes: { from, to: trail.at },
      selection: { anchor: from },
      effects: restoreGhost.of(last),
      userEvent: 'delete.complete',
      scrollIntoView: true,
    }),
  );
  return true;
}
