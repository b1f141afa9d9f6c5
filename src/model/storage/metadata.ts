/**
 * penwright.json: everything about a model besides its weights. Validated on
 * load with zod, so a damaged or foreign file becomes a clear error.
 */
import { z } from 'zod';

export const MODEL_FORMAT = 'penwright-model';
/** The newest format this app reads and writes (2: the folder holds words.txt). */
export const MODEL_FORMAT_VERSION = 2;

export const networkSchema = z.object({
  embedDim: z.number().int().min(1).max(4096),
  hidden: z.array(z.number().int().min(1).max(4096)).min(1).max(8),
  dropout: z.number().min(0).max(0.9),
});

export const historyPointSchema = z.object({
  step: z.number().int().min(0),
  chars: z.number().min(0),
  seconds: z.number().min(0),
  trainLoss: z.number().nullable(),
  valLoss: z.number().nullable(),
});
export type HistoryPoint = z.infer<typeof historyPointSchema>;

export const corpusSummarySchema = z.object({
  files: z.array(z.object({ path: z.string(), characters: z.number() })),
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
  characters: z.number(),
  distinctCharacters: z.number(),
  markdownDropped: z.number().optional(),
});

export const modelMetaSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  formatVersion: z.number().int(),
  name: z.string().min(1).max(200),
  createdAt: z.string(),
  updatedAt: z.string(),
  preset: z.string().nullable(),
  network: networkSchema,
  /** Code points by id, without the unknown symbol (id 0). */
  vocabulary: z.array(z.number().int().min(0).max(0x10ffff)).min(1).max(100_000),
  training: z.object({
    steps: z.number().int().min(0),
    charsSeen: z.number().min(0),
    seconds: z.number().min(0),
    batchSize: z.number().int().min(1),
    seqLength: z.number().int().min(1),
    learningRate: z.number().positive(),
    backend: z.string(),
    history: z.array(historyPointSchema),
  }),
  metrics: z.object({
    /** Best validation loss, nats per character; null before any evaluation. */
    valLoss: z.number().nullable(),
    valBitsPerChar: z.number().nullable(),
    valChars: z.number().min(0),
  }),
  corpus: corpusSummarySchema.nullable(),
  baseModel: z
    .object({
      name: z.string(),
      /** The base model's validation loss on this model's validation text. */
      valLoss: z.number().nullable(),
    })
    .nullable(),
  /**
   * Another model (the default, for a model trained from scratch) measured on
   * this model's validation text, for comparison.
   */
  comparison: z.object({ name: z.string(), valLoss: z.number().nullable() }).nullable().default(null),
  /**
   * A model kept from "learn this document as I write": the document its base
   * model (`baseModel`) was adapted to while writing, and how many times.
   * Absent for a trained one; older versions read past it.
   */
  adaptedTo: z.object({ document: z.string().max(1000), adaptations: z.number().int().min(0) }).optional(),
  weights: z.object({ dtype: z.enum(['float32', 'float16']) }),
});
export type ModelMeta = z.infer<typeof modelMetaSchema>;
export type CorpusSummaryMeta = z.infer<typeof corpusSummarySchema>;

export const NATS_PER_BIT = Math.LN2;

export function bitsPerChar(nats: number | null): number | null {
  return nats === null ? null : nats / NATS_PER_BIT;
}
