/**
 * The surprise map's and voice check's part of the IPC contract (ipc-contract.ts
 * names the channels): request schemas, their limits, and the answers' types.
 */
import { z } from 'zod';
import { id } from './schema-parts';

/** The surprise map and voice check send at most this many paragraphs per request... */
export const MAX_SCORED_PARAGRAPHS = 64;
/** ...each at most this long (code units; longer paragraphs are not scored)... */
export const MAX_SCORED_PARAGRAPH_CHARS = 20_000;
/** ...after this much of the text before it (main reads its last 256 code points)... */
export const MAX_SCORE_CONTEXT_CHARS = 2_000;
/** ...and at most this much text in all. */
export const MAX_SCORED_CHARS = 200_000;

/** How surprising a paragraph was to a model (model/scoring/paragraph-scores.ts). */
export interface ScoredParagraph {
  /** Summed loss in nats of the characters scored. */
  loss: number;
  /** Characters scored (those in the model's vocabulary). */
  chars: number;
  /** Characters outside the vocabulary: read, not scored. */
  unknown: number;
  /** Each word: [start, end) in UTF-16 code units of the paragraph, and its summed loss in nats. */
  words: [number, number, number][];
}

export interface ExpectedWord {
  text: string;
  probability: number;
}

/** Paragraphs to score by the active model (and by the default one when `compare`: the voice check). */
const surpriseScoreRequest = z
  .object({
    docId: id,
    /** The map's requests and the voice check's supersede only their own kind. */
    purpose: z.enum(['map', 'voice']),
    compare: z.boolean(),
    paragraphs: z
      .array(
        z
          .object({
            context: z.string().max(MAX_SCORE_CONTEXT_CHARS),
            text: z.string().max(MAX_SCORED_PARAGRAPH_CHARS),
          })
          .strict(),
      )
      .min(1)
      .max(MAX_SCORED_PARAGRAPHS)
      .refine(
        (ps) => ps.reduce((n, p) => n + p.text.length, 0) <= MAX_SCORED_CHARS,
        `at most ${MAX_SCORED_CHARS} characters per request`,
      ),
  })
  .strict();
/** The words the active model expected after `textBefore` (hovering a word of the surprise map). */
const surpriseExpectedRequest = z.object({ docId: id, textBefore: z.string().max(MAX_SCORE_CONTEXT_CHARS) }).strict();

/** Spread into ipc-contract.ts's requestSchemas. */
export const surpriseRequestSchemas = {
  'surprise:score': surpriseScoreRequest,
  'surprise:expected': surpriseExpectedRequest,
} as const;

/** Extended by ipc-contract.ts's Responses. */
export interface SurpriseResponses {
  /**
   * When compared (the voice check), `standard` and `personal`: the default
   * model's and the active model's loss per paragraph over the characters
   * both models know, so they compare the same text.
   */
  'surprise:score': {
    modelId: string;
    paragraphs: ScoredParagraph[];
    standard: { loss: number; chars: number }[] | null;
    personal: { loss: number; chars: number }[] | null;
  };
  'surprise:expected': { modelId: string; words: ExpectedWord[] };
}
