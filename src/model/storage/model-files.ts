/**
 * A model folder's files checked without tfjs, so the same checks run in the
 * loader and in the thread that unpacks an imported archive: penwright.json
 * (format, version, schema, vocabulary), model.json (the weights manifest:
 * every weight the network has, each once, with its shape, and nothing else)
 * and weights.bin (exactly the bytes the manifest describes, every value a
 * finite number).
 */
import { z } from 'zod';
import { PenwrightError } from '../errors';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, modelMetaSchema, type ModelMeta } from './metadata';
import { paramShapes } from '../network/param-shapes';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
export const META_JSON = 'penwright.json';
export const MODEL_JSON_FORMAT = 'penwright-char-lstm';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
  quantization?: { dtype: 'float16' };
}

export const specSchema = z.object({
  name: z.string(),
  shape: z.array(z.number().int().min(0)),
  dtype: z.literal('float32'),
  quantization: z.object({ dtype: z.literal('float16') }).optional(),
});
const modelJsonSchema = z.object({
  format: z.literal(MODEL_JSON_FORMAT),
  generatedBy: z.string(),
  modelTopology: z.object({ network: z.unknown() }),
  weightsManifest: z.array(z.object({ paths: z.array(z.string()), weights: z.array(specSchema) })).length(1),
});

export function expectedBytes(specs: WeightSpec[]): number {
  return specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * (s.quantization ? 2 : 4), 0);
}

export function corrupt(dir: string, what: string, cause?: unknown): PenwrightError {
  return new PenwrightError('CORRUPT_MODEL', `The model in ${dir} is damaged: ${what}.`, { cause });
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || 'file'}: ${i.message}`)
    .join('; ');
}

/** penwright.json's content, checked. */
export function parseModelMeta(raw: unknown, dir: string): ModelMeta {
  if (typeof raw !== 'object' || raw === null || (raw as { format?: unknown }).format !== MODEL_FORMAT) {
    throw new PenwrightError('FOREIGN_MODEL', `${dir} is not a Penwright model.`);
  }
  const version = (raw as { formatVersion?: unknown }).formatVersion;
  if (typeof version === 'number' && version > MODEL_FORMAT_VERSION) {
    throw new PenwrightError(
      'INCOMPATIBLE_MODEL',
      `The model in ${dir} was saved by a newer Penwright (format ${version}); update Penwright to use it.`,
    );
  }
  const parsed = modelMetaSchema.safeParse(raw);
  if (!parsed.success) throw corrupt(dir, `${META_JSON} is invalid (${describeIssues(parsed.error)})`);
  if (new Set(parsed.data.vocabulary).size !== parsed.data.vocabulary.length) {
    throw corrupt(dir, 'the vocabulary lists a character twice');
  }
  return parsed.data;
}

/** model.json's weights manifest, checked against the network penwright.json describes. */
export function parseModelJson(raw: unknown, dir: string, meta: ModelMeta): WeightSpec[] {
  const parsed = modelJsonSchema.safeParse(raw);
  if (!parsed.success) throw corrupt(dir, `${MODEL_JSON} is invalid (${describeIssues(parsed.error)})`);
  const manifest = parsed.data.weightsManifest[0];
  if (manifest.paths.length !== 1 || manifest.paths[0] !== WEIGHTS_BIN) {
    throw corrupt(dir, `${MODEL_JSON} must name ${WEIGHTS_BIN} as its only weights file`);
  }
  checkWeightSpecs(dir, meta, manifest.weights);
  return manifest.weights;
}

/**
 * Every weight the network has, with its shape, each named once; names
 * after `prefix` only, unless `alsoAllowed` accepts them (a checkpoint's Adam
 * moments). A name given twice would pass a check that reads the first and
 * load the last.
 */
export function checkWeightSpecs(
  dir: string,
  meta: ModelMeta,
  specs: WeightSpec[],
  prefix = '',
  alsoAllowed: (name: string) => boolean = () => false,
): void {
  const shapes = paramShapes(meta.network, meta.vocabulary.length + 1);
  const byName = new Map<string, WeightSpec>();
  for (const spec of specs) {
    if (byName.has(spec.name)) throw corrupt(dir, `the weights name ${spec.name.slice(0, 80)} twice`);
    byName.set(spec.name, spec);
    const own = spec.name.startsWith(prefix) && shapes.has(spec.name.slice(prefix.length));
    if (!own && !alsoAllowed(spec.name)) {
      throw corrupt(dir, `the weights include ${spec.name.slice(0, 80)}, which this network does not have`);
    }
  }
  for (const [name, shape] of shapes) {
    const spec = byName.get(prefix + name);
    if (!spec) throw corrupt(dir, `the weights lack ${name}`);
    if (spec.shape.join() !== shape.join()) {
      throw corrupt(dir, `${name} has shape [${spec.shape}] where the configuration needs [${shape}]`);
    }
  }
}

/** The weights file holds exactly what the manifest describes, and only finite numbers. */
export function checkWeightBytes(dir: string, file: string, data: Uint8Array, specs: WeightSpec[]): void {
  if (data.length !== expectedBytes(specs)) {
    throw corrupt(dir, `${file} has ${data.length} bytes where ${expectedBytes(specs)} were expected`);
  }
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const half = spec.quantization !== undefined;
    const bytes = count * (half ? 2 : 4);
    // copies only when unaligned: views need their element size's alignment
    const chunk =
      (data.byteOffset + offset) % 4 ? data.slice(offset, offset + bytes) : data.subarray(offset, offset + bytes);
    if (half) {
      const values = new Uint16Array(chunk.buffer, chunk.byteOffset, count);
      for (let i = 0; i < count; i++) {
        if ((values[i] & 0x7c00) === 0x7c00) throw corrupt(dir, `${file} contains values that are not finite numbers`);
      }
    } else {
      const values = new Float32Array(chunk.buffer, chunk.byteOffset, count);
      for (let i = 0; i < count; i++) {
        if (!Number.isFinite(values[i])) throw corrupt(dir, `${file} contains values that are not finite numbers`);
      }
    }
    offset += bytes;
  }
}
