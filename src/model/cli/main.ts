#!/usr/bin/env node
/** The `penwright` command line: train, suggest, eval, info, words, backend, fetch-corpus. */
import { initBackend } from '../network/backend';
import { isPenwrightError } from '../errors';
import { COMMAND_USAGE, USAGE, UsageError, wantsHelp } from './args';

type Command = (argv: string[]) => Promise<number>;

/** Commands that run no model, so they start without TensorFlow.js. */
const NO_BACKEND = new Set(['fetch-corpus']);

const commands: Record<string, () => Promise<Command>> = {
  train: async () => (await import('./train-command')).trainCommand,
  suggest: async () => (await import('./suggest-command')).suggestCommand,
  eval: async () => (await import('./eval-command')).evalCommand,
  info: async () => (await import('./info-command')).infoCommand,
  words: async () => (await import('./words-command')).wordsCommand,
  backend: async () => (await import('./info-command')).backendCommand,
  'fetch-corpus': async () => (await import('./corpus-command')).fetchCorpusCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    // `penwright help train` is `penwright train --help`
    process.stdout.write((name === 'help' && COMMAND_USAGE[rest[0]]) || USAGE);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`Unknown command "${name}".\n\n${USAGE}`);
    return 2;
  }
  if (wantsHelp(rest)) {
    process.stdout.write(COMMAND_USAGE[name]);
    return 0;
  }
  try {
    const command = await load();
    if (!NO_BACKEND.has(name)) await initBackend();
    return await command(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n\n${COMMAND_USAGE[name]}`);
      return 2;
    }
    if (isPenwrightError(e)) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`Unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
