/**
 * The voice check's words: a paragraph is read by the writer's own model and
 * by the default one, and their losses (nats per character) say whose it
 * sounds like. Three named constants bound the bands, taken in this order:
 *
 *   default − personal ≥ IN_YOUR_VOICE_NATS      → "in your voice" (your model finds it much more predictable)
 *   both losses ≥ FRESH_NATS                     → "fresh" (neither model finds it predictable)
 *   personal − default ≥ UNLIKE_YOU_NATS         → "unlike you" (the default finds it easier)
 *   otherwise                                    → "common" (both find it predictable, neither has the edge)
 *
 * The edge of your model comes first: a model trained on a few chapters reads
 * everything with a higher loss than the default, and what it still reads
 * much better is yours however high both are. Text neither model predicts is
 * fresh before anything else is said of it: that the default reads it a
 * little better then says little. The fourth band is the issue's gap: text
 * both models find easy ("she said that she") is neither yours nor fresh.
 *
 * Chapters are the Markdown headings (`#` lines): one summary line each, so
 * drift through a manuscript reads top to bottom.
 */
export type Voice = 'in your voice' | 'fresh' | 'unlike you' | 'common';
export const VOICES: readonly Voice[] = ['in your voice', 'fresh', 'unlike you', 'common'];

/** Your model finds the text at least this much easier than the default (nats per character): in your voice. */
export const IN_YOUR_VOICE_NATS = 0.1;
/**
 * Both models read the text at this loss or more (nats per character): fresh.
 * The default model reads ordinary prose at about 1.3–1.5 (README, "The
 * default model"); 2 is well past what either model saw coming.
 */
export const FRESH_NATS = 2.0;
/** The default model finds the text at least this much easier than yours (nats per character): unlike you. */
export const UNLIKE_YOU_NATS = 0.05;

/** The band for losses in nats per character by your model and by the default. */
export function classifyVoice(personalPerChar: number, defaultPerChar: number): Voice {
  if (defaultPerChar - personalPerChar >= IN_YOUR_VOICE_NATS) return 'in your voice';
  if (Math.min(personalPerChar, defaultPerChar) >= FRESH_NATS) return 'fresh';
  if (personalPerChar - defaultPerChar >= UNLIKE_YOU_NATS) return 'unlike you';
  return 'common';
}

/** One paragraph as both models read it: summed losses (nats) and characters scored. */
export interface VoiceReading {
  personalLoss: number;
  personalChars: number;
  defaultLoss: number;
  defaultChars: number;
}

export interface VoiceParagraph extends VoiceReading {
  /** 1-based line of the paragraph in the document. */
  line: number;
  text: string;
}

export interface ChapterSummary {
  /** The heading's text, or "Whole document" / "Before the first heading". */
  title: string;
  line: number;
  voice: Voice | null;
  counts: Record<Voice, number>;
  /** Nats per character over the chapter, by your model and by the default (null: nothing scored). */
  personal: number | null;
  standard: number | null;
  /** The summary in words. */
  sentence: string;
}

const HEADING = /^ {0,3}#{1,6}[ \t]+(.*?)[ \t#]*$/;

/** The heading's title when `line` is a Markdown ATX heading, else null. */
export function headingOf(line: string): string | null {
  const m = HEADING.exec(line);
  return m ? m[1] || 'Untitled section' : null;
}

export function voiceOf(r: VoiceReading): Voice | null {
  if (r.personalChars === 0 || r.defaultChars === 0) return null;
  return classifyVoice(r.personalLoss / r.personalChars, r.defaultLoss / r.defaultChars);
}

const nats = (x: number) => x.toFixed(2);

/**
 * One summary per chapter, in document order. `headings` are the document's
 * heading lines ({ line, title }); with none, one "Whole document" line.
 */
export function chapterSummaries(
  paragraphs: readonly VoiceParagraph[],
  headings: readonly { line: number; title: string }[],
): ChapterSummary[] {
  const chapters: { title: string; line: number; members: VoiceParagraph[] }[] = [];
  if (headings.length === 0) chapters.push({ title: 'Whole document', line: 1, members: [] });
  else {
    if (paragraphs.some((p) => p.line < headings[0].line)) {
      chapters.push({ title: 'Before the first heading', line: 1, members: [] });
    }
    for (const h of headings) chapters.push({ title: h.title, line: h.line, members: [] });
  }
  for (const p of paragraphs) {
    let at = 0;
    for (let i = 0; i < chapters.length; i++) if (chapters[i].line <= p.line) at = i;
    chapters[at].members.push(p);
  }
  return chapters.map(({ title, line, members }) => {
    const counts: Record<Voice, number> = { 'in your voice': 0, fresh: 0, 'unlike you': 0, common: 0 };
    const sum: VoiceReading = { personalLoss: 0, personalChars: 0, defaultLoss: 0, defaultChars: 0 };
    for (const p of members) {
      const v = voiceOf(p);
      if (v) counts[v]++;
      sum.personalLoss += p.personalLoss;
      sum.personalChars += p.personalChars;
      sum.defaultLoss += p.defaultLoss;
      sum.defaultChars += p.defaultChars;
    }
    const voice = voiceOf(sum);
    const personal = sum.personalChars ? sum.personalLoss / sum.personalChars : null;
    const standard = sum.defaultChars ? sum.defaultLoss / sum.defaultChars : null;
    const total = VOICES.reduce((n, v) => n + counts[v], 0);
    const sentence =
      voice === null || personal === null || standard === null
        ? 'Nothing to read here yet.'
        : `${voice[0].toUpperCase()}${voice.slice(1)} overall; of ${total} ${total === 1 ? 'paragraph' : 'paragraphs'}: ${VOICES.filter(
            (v) => counts[v],
          )
            .map((v) => `${counts[v]} ${v}`)
            .join(', ')} (your model ${nats(personal)}, the default ${nats(standard)} nats per character).`;
    return { title, line, voice, counts, personal, standard, sentence };
  });
}
