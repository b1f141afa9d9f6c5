/**
 * When a suggestion ends. Each rule looks at the text generated so far and the
 * next character, and says whether to take it and whether to stop.
 */
import type { StopRule } from '../../shared/vocabulary';

export type { StopRule };

const PHRASE_END = /[,;:.!?…—–]/u;
const SENTENCE_END = /[.!?…。！？]/u;

/** The character ends a phrase (the ghost decoder's 'phrase' rule reads the same characters). */
export const endsPhrase = (ch: string): boolean => [...ch].length === 1 && PHRASE_END.test(ch);
/** The character ends a sentence. */
export const endsSentence = (ch: string): boolean => [...ch].length === 1 && SENTENCE_END.test(ch);
const CLOSER = /["'”’»)\]]/u;

export interface StopDecision {
  take: boolean;
  stop: boolean;
}

/** Decides for `next`, given the `text` generated so far under `rule`. */
export function decideStop(rule: StopRule, text: string, next: string): StopDecision {
  const hasContent = /\S/u.test(text);
  if (next === '\n' && rule !== 'none' && (hasContent || rule === 'line')) return { take: false, stop: true };
  switch (rule) {
    case 'none':
      return { take: true, stop: false };
    case 'line':
      return { take: true, stop: false };
    case 'word':
      // a leading space is allowed; the first whitespace after a word ends it
      return /\s/u.test(next) && hasContent ? { take: false, stop: true } : { take: true, stop: false };
    case 'phrase':
      return { take: true, stop: hasContent && PHRASE_END.test(next) };
    case 'sentence': {
      const last = [...text].pop() ?? '';
      // after a terminator, a closing quote or bracket still belongs to the sentence
      if (SENTENCE_END.test(last) || (CLOSER.test(last) && SENTENCE_END.test([...text].slice(-2, -1)[0] ?? ''))) {
        if (CLOSER.test(next) && !CLOSER.test(last)) return { take: true, stop: true };
        return { take: false, stop: true };
      }
      return { take: true, stop: false };
    }
  }
}
