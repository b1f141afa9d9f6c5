/**
 * The authorship record's terms, shared by main and the renderer: which
 * stretches of a document came from a suggestion or a draft, as ranges of
 * editor positions (UTF-16 code units, [from, to)).
 */
import { z } from 'zod';

/** The most machine-written passages one document's record keeps (a novel accepted word by word stays far below). */
export const MAX_AUTHORSHIP_RANGES = 20_000;
/** The largest position a range may name: the editor's largest document (MAX_DOCUMENT_CHARS). */
const MAX_POSITION = 20_000_000;

export type AuthorshipRange = [from: number, to: number];

/** Sorted, non-empty, non-overlapping ranges, capped in number and size. */
export const authorshipRangesSchema = z
  .array(z.tuple([z.number().int().min(0).max(MAX_POSITION), z.number().int().min(0).max(MAX_POSITION)]))
  .max(MAX_AUTHORSHIP_RANGES)
  .superRefine((ranges, ctx) => {
    let end = 0;
    for (const [i, [from, to]] of ranges.entries()) {
      if (from >= to || from < end) {
        ctx.addIssue({ code: 'custom', path: [i], message: 'ranges must be non-empty, sorted and apart' });
        return;
      }
      end = to;
    }
  });

/** How many characters the ranges cover. */
export const coveredCharacters = (ranges: readonly AuthorshipRange[]): number =>
  ranges.reduce((sum, [from, to]) => sum + (to - from), 0);
