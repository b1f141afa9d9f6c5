import { modelDirFor } from '../storage/default-model';
import { normaliseText } from '../text/decode';
import { disposeModel, loadModel } from '../storage/persistence';
import { SuggestionSession } from '../suggesting/session';
import { DEFAULT_SUGGESTION_CHARS, DEFAULT_TEMPERATURES, STOP_RULES, type StopRule } from '../../shared/vocabulary';
import { parse, positiveNumber, UsageError } from './args';

function parseTemperatures(value: string | undefined): number[] {
  if (value === undefined) return [...DEFAULT_TEMPERATURES];
  const temps = value.split(',').map((s) => Number(s.trim()));
  if (temps.length === 0 || temps.length > 16 || temps.some((t) => !Number.isFinite(t) || t < 0 || t > 5)) {
    throw new UsageError(`--temps needs 1 to 16 comma-separated numbers between 0 and 5, not "${value}"`);
  }
  return temps;
}

export async function suggestCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    model: { type: 'string' },
    temps: { type: 'string' },
    chars: { type: 'string' },
    stop: { type: 'string' },
    'top-k': { type: 'string' },
    'top-p': { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new UsageError('suggest needs exactly one prompt (quote it)');
  const stop = (values.stop ?? 'none') as StopRule;
  if (!STOP_RULES.includes(stop)) throw new UsageError(`--stop must be one of ${STOP_RULES.join(', ')}`);
  const topP = values['top-p'] === undefined ? undefined : Number(values['top-p']);
  if (topP !== undefined && !(topP > 0 && topP <= 1)) throw new UsageError('--top-p needs a number in (0, 1]');
  const options = {
    temperatures: parseTemperatures(values.temps),
    maxChars: positiveNumber(values.chars, '--chars', true) ?? DEFAULT_SUGGESTION_CHARS,
    stop,
    topK: positiveNumber(values['top-k'], '--top-k', true),
    topP,
    seed: values.seed === undefined ? undefined : positiveNumber(values.seed, '--seed', true),
  };
  const model = await loadModel(modelDirFor(values.model));
  const session = new SuggestionSession(model);
  try {
    session.setText(normaliseText(positionals[0]));
    const suggestions = await session.suggest(options);
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify(
          suggestions.map((s) => ({ temperature: s.temperature, text: s.text, logprob: s.logprob })),
          null,
          2,
        )}\n`,
      );
    } else {
      for (const s of suggestions) {
        process.stdout.write(
          `T=${s.temperature.toFixed(2)}  (avg log p ${s.logprob.toFixed(2)})  ${JSON.stringify(s.text)}\n`,
        );
      }
    }
    return 0;
  } finally {
    session.dispose();
    disposeModel(model);
  }
}
