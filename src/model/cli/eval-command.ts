import { splitDocuments } from '../training/batches';
import { readCorpus, requireText } from '../text/corpus';
import { NATS_PER_BIT } from '../storage/metadata';
import { modelDirFor } from '../storage/default-model';
import { disposeModel, loadModel } from '../storage/persistence';
import { evaluateText } from '../training/train';
import { parse, UsageError } from './args';

/** Loss of a model (the bundled default without --model) on whole files (every character, not only a validation split). */
export async function evalCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { model: { type: 'string' }, json: { type: 'boolean' } });
  if (positionals.length === 0) throw new UsageError('eval needs at least one file or folder of text');
  const corpus = await readCorpus(positionals);
  requireText(corpus);
  const model = await loadModel(modelDirFor(values.model));
  try {
    const { train: ids } = splitDocuments(
      corpus.documents.map((d) => d.text),
      model.vocab,
      0,
    );
    let unknown = 0;
    for (const id of ids) if (id === 0) unknown++;
    const { loss, chars } = await evaluateText(model.params, ids);
    const result = {
      model: model.meta.name,
      files: corpus.summary.files.length,
      skipped: corpus.summary.skipped,
      characters: chars,
      unknownCharacters: unknown,
      nats_per_char: loss,
      bits_per_char: loss / NATS_PER_BIT,
    };
    if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      process.stdout.write(
        `${result.model} on ${result.files} file(s), ${chars.toLocaleString('en')} characters: ` +
          `${loss.toFixed(4)} nats/char (${result.bits_per_char.toFixed(3)} bits/char)\n`,
      );
      if (unknown) process.stdout.write(`${unknown} character(s) were not in the model's vocabulary.\n`);
      for (const s of result.skipped) process.stdout.write(`skipped ${s.path}: ${s.reason}\n`);
    }
    return 0;
  } finally {
    disposeModel(model);
  }
}
