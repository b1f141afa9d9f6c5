/**
 * What the recovery folder holds, as files: a document's record (its unsaved
 * text and what it was opened from) and a save's marker ("this document is
 * being saved as <digest>"), with their limits and how a file is read back
 * (anything damaged is refused, never half-trusted).
 */
import { z } from 'zod';
import { authorshipRangesSchema, type AuthorshipRange } from '../../../shared/authorship';
import { AppError } from '../app-error';

const fingerprintSchema = z.object({ mtimeMs: z.number(), size: z.number(), sha256: z.string() });

const recordSchema = z.object({
  recoveryId: z.string(),
  title: z.string(),
  path: z.string().nullable(),
  encoding: z.enum(['utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be']),
  lineEnding: z.enum(['lf', 'crlf']),
  savedAt: z.string(),
  text: z.string(),
  /** Arrival order of the autosave among this run's requests (absent in older records). */
  version: z.number().optional(),
  /** The file as the document knew it, so a restored document keeps the conflict check. */
  disk: fingerprintSchema.nullable().optional(),
  /**
   * The machine-written passages of `text` (absent in older records). Read
   * on its own when the text is restored (recoveredAuthorship): damage here
   * must never cost the writer the text.
   */
  authorship: z.unknown().optional(),
});
export type RecoveryRecord = z.infer<typeof recordSchema>;

const markerSchema = z.object({ version: z.number(), path: z.string(), sha256: z.string() });
export type SaveMarker = z.infer<typeof markerSchema>;

/** Records hold a whole document (20 M characters at most) as JSON. */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;
export const MAX_MARKER_BYTES = 64 * 1024;

function json(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    return undefined;
  }
}

export function parseRecord(bytes: Uint8Array): RecoveryRecord {
  const parsed = recordSchema.safeParse(json(bytes));
  if (!parsed.success) throw new AppError('FILE_ERROR', 'That recovered text is damaged and cannot be restored.');
  return parsed.data;
}

/** A record's machine-written passages; null when it kept none that fit its text (older, or damaged). */
export function recoveredAuthorship(record: RecoveryRecord): AuthorshipRange[] | null {
  const parsed = authorshipRangesSchema.safeParse(record.authorship);
  if (!parsed.success || (parsed.data.at(-1)?.[1] ?? 0) > record.text.length) return null;
  return parsed.data;
}

/** A marker, or null when it is damaged (then it settles nothing). */
export function parseMarker(bytes: Uint8Array): SaveMarker | null {
  const parsed = markerSchema.safeParse(json(bytes));
  return parsed.success ? parsed.data : null;
}
