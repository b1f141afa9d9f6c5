import { backendReport } from '../network/backend';
import { nativeKernel } from '../network/native-kernel';
import { chooseTrainingBackend, readCachedChoice } from '../training/training-backend';
import { trainingBackendCacheFile } from './cache-dir';
import { countParameters } from '../network/config';
import { modelDirFor } from '../storage/default-model';
import { readModelMeta } from '../storage/persistence';
import { parse, UsageError } from './args';

export async function infoCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' } });
  if (positionals.length > 1) throw new UsageError('info takes one model folder');
  const dir = modelDirFor(positionals[0]);
  const meta = await readModelMeta(dir);
  const params = countParameters(meta.network, meta.vocabulary.length + 1);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ dir, parameters: params, ...meta }, null, 2)}\n`);
    return 0;
  }
  const t = meta.training;
  const lines = [
    `${meta.name}  (${dir})`,
    `  network     ${meta.preset ?? 'custom'}: embedding ${meta.network.embedDim}, LSTM ${meta.network.hidden.join('x')}, dropout ${meta.network.dropout}; ${params.toLocaleString('en')} weights (${meta.weights.dtype})`,
    `  vocabulary  ${meta.vocabulary.length} characters`,
    meta.adaptedTo
      ? `  training    none of its own: ${t.steps} adaptation steps on ${t.charsSeen.toLocaleString('en')} characters written (${t.backend})`
      : `  training    ${t.steps} steps, ${t.charsSeen.toLocaleString('en')} characters seen, ${(t.seconds / 60).toFixed(1)} min on ${t.backend}`,
    `  quality     ${meta.metrics.valLoss === null ? 'not evaluated' : `${meta.metrics.valLoss.toFixed(4)} nats/char (${meta.metrics.valBitsPerChar!.toFixed(3)} bits/char) on ${meta.metrics.valChars.toLocaleString('en')} validation characters`}`,
  ];
  if (meta.corpus) {
    lines.push(
      `  corpus      ${meta.corpus.files.length} file(s), ${meta.corpus.characters.toLocaleString('en')} characters`,
    );
  }
  if (meta.baseModel) {
    lines.push(
      `  base model  ${meta.baseModel.name}${meta.baseModel.valLoss === null ? '' : ` (${meta.baseModel.valLoss.toFixed(4)} nats/char on this text)`}`,
    );
  }
  if (meta.adaptedTo) {
    const { document, adaptations } = meta.adaptedTo;
    lines.push(
      `  adapted     to “${document}” while writing (${adaptations} adaptation${adaptations === 1 ? '' : 's'})`,
    );
  }
  lines.push(`  created     ${meta.createdAt}, updated ${meta.updatedAt}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

export async function backendCommand(argv: string[]): Promise<number> {
  const { values } = parse(argv, { measure: { type: 'boolean' } });
  const report = backendReport()!;
  const native = nativeKernel();
  const cache = trainingBackendCacheFile();
  const training = values.measure
    ? await chooseTrainingBackend('auto', cache, { remeasure: true })
    : await readCachedChoice(cache);
  const out = {
    ...report,
    nativeKernel: native.available
      ? {
          available: true,
          variant: native.variant,
          supported: native.supported,
          simd: native.kernel.simd,
          file: native.file,
        }
      : { available: false, reason: native.reason },
    training: training ?? {
      engine: null,
      reason: 'Not measured on this machine yet: the first training measures it (or run penwright backend --measure).',
    },
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return 0;
}
