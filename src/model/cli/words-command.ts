/**
 * `penwright words`: gives a model the word list of the text it learned from.
 * Models trained since word lists were kept (format 2) have one already; this
 * is for older ones (the bundled default was one), read from the same texts.
 * The model is saved again (atomically, weights as they were, a resumable
 * run's state kept), now at format 2.
 */
import { readCorpus, requireText } from '../text/corpus';
import { countWords } from '../text/word-list';
import { modelDirFor } from '../storage/default-model';
import { disposeModel, loadModel, loadTrainingState, saveModel } from '../storage/persistence';
import { formatWordList } from '../storage/word-list-file';
import { parse, UsageError } from './args';
import { checkCorpusArgs, corpusInputs } from './corpus-inputs';

export async function wordsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    model: { type: 'string' },
    manifest: { type: 'string' },
    corpus: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (!values.model) throw new UsageError('words needs --model DIR (the model to give a word list)');
  checkCorpusArgs('words', positionals, values);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const inputs = await corpusInputs(positionals, values, values.json ? () => {} : log);
  const corpus = await readCorpus(inputs);
  requireText(corpus);
  const counts = new Map<string, number>();
  for (const d of corpus.documents) countWords(d.text, counts);

  const dir = modelDirFor(values.model);
  const model = await loadModel(dir);
  const state = await loadTrainingState(dir, model.meta);
  try {
    await saveModel(
      dir,
      { ...model, wordCounts: counts },
      {
        float16: model.meta.weights.dtype === 'float16',
        trainingState: state,
      },
    );
  } finally {
    disposeModel(model);
    if (state) {
      for (const t of state.params.values()) t.dispose();
      for (const t of state.adam.values()) t.dispose();
    }
  }
  const kept = formatWordList(counts).split('\n').length - 2;
  const result = { model: dir, files: corpus.summary.files.length, distinctWords: counts.size, kept };
  if (values.json) log(JSON.stringify(result));
  else
    log(
      `${dir}: ${kept.toLocaleString('en')} words kept of ${counts.size.toLocaleString('en')} distinct in ${result.files} file(s).`,
    );
  return 0;
}
