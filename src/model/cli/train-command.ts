import { availableParallelism } from 'node:os';
import { readCorpus, requireText } from '../text/corpus';
import { modelDirFor } from '../storage/default-model';
import { loadModel, disposeModel } from '../storage/persistence';
import { train } from '../training/train';
import { isTrainingBackendMode } from '../training/training-backend';
import { trainingBackendCacheFile } from './cache-dir';
import { parse, positiveNumber, UsageError } from './args';
import { checkCorpusArgs, corpusInputs } from './corpus-inputs';
import { jsonLinesSink, terminalSink } from './progress';
import { isSizeName, type SizeName } from '../../shared/vocabulary';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { keystrokeVerdict } from '../../shared/keystroke-verdict';
import { measureKeystrokes } from '../suggesting/keystroke-report';
import { DEFAULT_MODEL_DIR } from '../storage/default-model';
import type { CharModel } from '../storage/persistence';

export async function trainCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    out: { type: 'string' },
    size: { type: 'string' },
    minutes: { type: 'string' },
    steps: { type: 'string' },
    from: { type: 'string' },
    resume: { type: 'boolean' },
    name: { type: 'string' },
    seed: { type: 'string' },
    'eval-every': { type: 'string' },
    patience: { type: 'string' },
    threads: { type: 'string' },
    release: { type: 'boolean' },
    json: { type: 'boolean' },
    manifest: { type: 'string' },
    corpus: { type: 'string' },
    'training-backend': { type: 'string' },
    'skip-keystrokes': { type: 'boolean' },
  });
  if (!values.out) throw new UsageError('train needs --out DIR');
  checkCorpusArgs('train', positionals, values);
  if (values.size && !isSizeName(values.size)) throw new UsageError(`--size must be S, M or L, not "${values.size}"`);
  if (values.from && values.resume) throw new UsageError('use either --from or --resume, not both');
  if (values.from && values.size)
    throw new UsageError('--size does not apply with --from: the base model fixes the size');
  const minutes = positiveNumber(values.minutes, '--minutes');
  const steps = positiveNumber(values.steps, '--steps', true);
  if (!minutes && !steps) throw new UsageError('train needs a budget: --minutes N or --steps N');
  const seed = values.seed === undefined ? 1 : positiveNumber(values.seed, '--seed', true);
  const threads = positiveNumber(values.threads, '--threads', true) ?? availableParallelism();
  const trainingBackend = values['training-backend'] ?? 'auto';
  if (!isTrainingBackendMode(trainingBackend)) {
    throw new UsageError(`--training-backend must be auto, native or tfjs, not "${trainingBackend}"`);
  }

  const log = (line: string) => process.stdout.write(`${line}\n`);
  const inputs = await corpusInputs(positionals, values, values.json ? () => {} : log);
  const corpus = await readCorpus(inputs);
  requireText(corpus);
  const s = corpus.summary;
  if (values.json)
    log(JSON.stringify({ event: 'corpus', ...s, ...(values.manifest ? { manifest: values.manifest } : {}) }));
  else {
    log(
      `Corpus: ${s.files.length} file(s), ${s.characters.toLocaleString('en')} characters, ${s.distinctCharacters} distinct.`,
    );
    if (s.markdownDropped) {
      log(
        `  left out of .md files: ${s.markdownDropped.toLocaleString('en')} characters of code, front matter, link targets and HTML`,
      );
    }
    for (const k of s.skipped) log(`  skipped ${k.path}: ${k.reason}`);
  }

  const base = values.from ? await loadModel(modelDirFor(values.from)) : undefined;
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const sink = values.json ? jsonLinesSink(log) : terminalSink(process.stderr);
  try {
    const result = await train({
      documents: corpus.documents.map((d) => d.text),
      corpusSummary: s,
      outDir: values.out,
      name: values.name,
      preset: values.size as SizeName | undefined,
      base,
      resume: values.resume,
      maxSteps: steps,
      maxSeconds: minutes ? minutes * 60 : undefined,
      evalEverySteps: positiveNumber(values['eval-every'], '--eval-every', true) ?? 200,
      patience: positiveNumber(values.patience, '--patience', true),
      release: values.release,
      threads,
      trainingBackend,
      trainingBackendCache: trainingBackendCacheFile(),
      seed,
      signal: controller.signal,
      onProgress: (p) => sink.update(p),
    });
    sink.stop();
    const m = result.model.meta;
    const summary = {
      event: 'done',
      out: values.out,
      stoppedBy: result.stoppedBy,
      steps: result.steps,
      charsSeen: result.charsSeen,
      charsPerSecond: Math.round(result.charsPerSecond),
      threads: result.threads,
      backend: result.backend.label,
      backendReason: result.backend.reason,
      valLoss: m.metrics.valLoss,
      valBitsPerChar: m.metrics.valBitsPerChar,
      baseModel: m.baseModel,
    };
    if (values.json) log(JSON.stringify(summary));
    else {
      log(
        `${{ cancelled: 'Stopped', converged: 'Stopped improving, finished', budget: 'Finished' }[result.stoppedBy]} after ${result.steps} steps (${result.charsSeen.toLocaleString('en')} characters, ${summary.charsPerSecond} chars/s on ${result.threads} thread(s), ${result.backend.label}).`,
      );
      log(`Training backend: ${result.backend.reason}`);
      if (m.metrics.valLoss !== null) {
        log(
          `Validation loss: ${m.metrics.valLoss.toFixed(4)} nats/char (${m.metrics.valBitsPerChar!.toFixed(3)} bits/char).`,
        );
      }
      if (m.baseModel?.valLoss != null)
        log(`Base model "${m.baseModel.name}" on the same text: ${m.baseModel.valLoss.toFixed(4)} nats/char.`);
      log(`Saved to ${values.out}`);
    }
    if (result.stoppedBy !== 'cancelled' && !values['skip-keystrokes']) {
      await reportKeystrokes(
        result.model,
        base,
        corpus.documents.map((d) => d.text),
        values.json ? 'json' : 'text',
        log,
      );
    }
    disposeModel(result.model);
    return result.stoppedBy === 'cancelled' ? 130 : 0;
  } finally {
    sink.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (base) disposeModel(base);
  }
}

/**
 * What the new model's ghost text (the app's default settings) would have
 * saved the writer on their held-out text, beside the base model's (or the
 * bundled default's): the sentence the app's training panel shows.
 */
async function reportKeystrokes(
  model: CharModel,
  base: CharModel | undefined,
  documents: string[],
  format: 'json' | 'text',
  log: (line: string) => void,
): Promise<void> {
  const other = base ?? (await loadModel(DEFAULT_MODEL_DIR).catch(() => undefined));
  try {
    const report = await measureKeystrokes({
      model,
      base,
      other,
      documents,
      ghost: {
        minConfidence: DEFAULT_SETTINGS.suggestionConfidence,
        maxChars: DEFAULT_SETTINGS.suggestionChars,
        stop: DEFAULT_SETTINGS.stopRule,
      },
    });
    if (format === 'json') log(JSON.stringify({ event: 'keystrokes', ...report }));
    else if (report) log(keystrokeVerdict(report, base ? `"${base.meta.name}"` : 'the default model'));
    else log('Too little held-out text to say how many keystrokes its ghost text would save.');
  } finally {
    if (other && other !== base) disposeModel(other);
  }
}
