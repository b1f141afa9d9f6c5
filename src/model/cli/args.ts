/** Argument parsing shared by the CLI commands: node's parseArgs, with usage errors as one type. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { MAX_WORDS } from '../text/word-list';

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

const TRAIN = `Usage:
  penwright train <files|folders...> --out DIR [--size S|M|L] [--minutes N | --steps N]
                  [--from MODEL] [--resume] [--name NAME] [--seed N] [--threads N]
                  [--eval-every STEPS] [--patience EVALS] [--release] [--json]
                  [--training-backend auto|native|tfjs] [--skip-keystrokes]
  penwright train --manifest FILE [--corpus DIR] --out DIR [the same options]

Trains a model on .txt and .md files (folders recursively) and saves it in --out.
  --size            S (1x128), M (2x256, the default) or L (3x512)
  --minutes, --steps  the budget (one of them is needed)
  --from MODEL      fine-tunes an existing model ("default": the bundled one)
  --resume          continues the run saved in --out
  --threads N       trains data-parallel on N threads (default: all cores; tfjs-node uses 1)
  --eval-every N    evaluates on the held-out text every N steps (default 200)
  --patience N      stops once N evaluations in a row found no better validation loss
  --release         saves float16 weights without the resume state
  --json            JSON-lines progress on stdout
  --manifest FILE   trains on the texts a corpus manifest lists (resources/corpus/),
                    in its order, after checking each one's sha256
  --corpus DIR      the folder that holds the manifest's texts (default: $PENWRIGHT_CORPUS)
  --training-backend  what computes the steps: the compiled kernel (native), tfjs, or
                    auto (the default: whichever measured faster here, after the kernel
                    passed its gradient check; measured once, see penwright backend)
  --skip-keystrokes  at the end, does not type the held-out text to say how many
                    keystrokes the new model's ghost text would have saved (up to 80 s)
`;

const SUGGEST = `Usage:
  penwright suggest [--model DIR] [--temps 0.2,0.5,0.8,1.2] [--chars N]
                    [--stop word|phrase|sentence|line|none] [--top-k N] [--top-p P]
                    [--seed N] [--json] "prompt"

Prints continuations of the prompt, one per temperature.
  --model DIR   the model (default: the bundled default model; "default" names it too)
  --chars N     at most N characters each (default 48)
  --stop RULE   where to stop: the end of a word, phrase, sentence or line, or none
  --json        [{ "temperature", "text", "logprob" }, ...]
`;

const EVAL = `Usage:
  penwright eval [--model DIR] <files|folders...> [--json]

Measures a model on text: nats and bits per character over every character.
  --model DIR   the model (default: the bundled default model; "default" names it too)
`;

const INFO = `Usage:
  penwright info [DIR] [--json]

Describes a model: network, vocabulary, training, quality, corpus.
DIR defaults to the bundled default model ("default" names it too).
`;

const WORDS = `Usage:
  penwright words --model DIR <files|folders...> [--json]
  penwright words --model DIR --manifest FILE [--corpus DIR] [--json]

Gives a model the word list of the text it learned from (words.txt: the
${MAX_WORDS.toLocaleString('en')} most frequent words), which low-temperature suggestions
keep to. Models trained by this version have one; this is for older models.
The model is saved again in place, now at format 2.
`;

const BACKEND = `Usage:
  penwright backend [--measure]

Says what computes here, as JSON: the TensorFlow.js backend suggestions run on
(tfjs-node, wasm or cpu, and why the better ones did not), whether the compiled
training kernel loads (its variant, or why not), and which engine trains, as
measured at the first training (cached in ~/.cache/penwright).
  --measure   measures the training engines now (a few seconds) and caches the answer
`;

const FETCH_CORPUS = `Usage:
  penwright fetch-corpus [--manifest FILE] --out DIR [--site URL]

Makes DIR hold every text a corpus manifest lists: a text already there with the
listed sha256 is kept; the others are downloaded from Project Gutenberg, cleaned
(header and licence removed, LF line endings) and checked against the manifest.
Needs internet access.
  --manifest FILE   the manifest (default: resources/corpus/default.tsv, the default model's corpus)
  --site URL        a site with gutenberg.org's layout (default: https://www.gutenberg.org)
`;

/** Each command's usage, printed by `penwright <command> --help` and on its wrong arguments. */
export const COMMAND_USAGE: Record<string, string> = {
  train: TRAIN,
  suggest: SUGGEST,
  eval: EVAL,
  info: INFO,
  words: WORDS,
  backend: BACKEND,
  'fetch-corpus': FETCH_CORPUS,
};

export const USAGE = `Penwright: a char-LSTM that learns your style and suggests continuations.

Usage:
  penwright train <files|folders...> --out DIR [--size S|M|L] [--minutes N | --steps N] [options]
  penwright train --manifest FILE [--corpus DIR] --out DIR [options]
  penwright suggest [--model DIR] [--temps 0.2,0.5,0.8,1.2] [--chars N] [--stop RULE] [--json] "prompt"
  penwright eval [--model DIR] <files|folders...> [--json]
  penwright info [DIR] [--json]
  penwright words --model DIR (<files|folders...> | --manifest FILE [--corpus DIR])
  penwright backend [--measure]
  penwright fetch-corpus [--manifest FILE] --out DIR

Without --model, suggest, eval and info use the bundled default model; "default" names it
(also in train --from default).
penwright <command> --help (or -h) prints that command's options.
`;

/** True when the arguments ask for help (--help or -h before any "--"). */
export function wantsHelp(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}
