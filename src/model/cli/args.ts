/** Argument parsing shared by the CLI commands: node's parseArgs, with usage errors as one type. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function positiveNumber(value: string | undefined, flag: string, integer = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${flag} needs a positive ${integer ? 'whole ' : ''}number, not "${value}"`);
  }
  return n;
}

export const USAGE = `Penwright: a char-LSTM that learns your style and suggests continuations.

Usage:
  penwright train <files|folders...> --out DIR [--size S|M|L] [--minutes N | --steps N]
                  [--from MODEL] [--resume] [--name NAME] [--seed N] [--threads N]
                  [--eval-every STEPS] [--patience EVALS] [--release] [--json]
  penwright suggest [--model DIR] [--temps 0.2,0.5,0.8,1.2] [--chars N]
                    [--stop word|phrase|sentence|line|none] [--top-k N] [--top-p P]
                    [--seed N] [--json] "prompt"
  penwright eval --model DIR <files|folders...> [--json]
  penwright info [DIR] [--json]
  penwright backend

Without --model, suggest and info use the bundled default model.
train: --from fine-tunes an existing model; --resume continues the run saved in --out;
       --threads trains data-parallel on N threads (default: all cores; tfjs-node uses 1);
       --release saves float16 weights without the resume state;
       --patience stops once that many evaluations in a row found no better validation loss.
`;
