/**
 * The texts a command reads: files and folders named on the command line, or
 * the texts a corpus manifest lists (resources/corpus/), found in --corpus DIR
 * (or $PENWRIGHT_CORPUS) and checked against their sha256. `train` and
 * `words` take them alike.
 */
import { basename, resolve } from 'node:path';
import { PenwrightError } from '../errors';
import { fetchHint, readManifest, verifyCorpus } from '../text/corpus-manifest';
import { UsageError } from './args';

interface CorpusArgs {
  manifest?: string;
  corpus?: string;
}

export function checkCorpusArgs(command: string, positionals: string[], values: CorpusArgs): void {
  if (values.manifest && positionals.length > 0) {
    throw new UsageError(`${command} takes either files and folders or --manifest, not both`);
  }
  if (values.corpus && !values.manifest) throw new UsageError('--corpus goes with --manifest');
  if (!values.manifest && positionals.length === 0) {
    throw new UsageError(`${command} needs at least one file or folder of text (or --manifest FILE)`);
  }
}

/** The paths to read; `log` hears which manifest was checked. */
export async function corpusInputs(
  positionals: string[],
  values: CorpusArgs,
  log: (line: string) => void,
): Promise<string[]> {
  if (!values.manifest) return positionals;
  const manifest = await readManifest(values.manifest);
  const dir = values.corpus ?? process.env.PENWRIGHT_CORPUS;
  if (!dir) {
    throw new PenwrightError(
      'BAD_ARGUMENT',
      `Reading ${basename(values.manifest)} needs the folder that holds its texts: give --corpus DIR or set PENWRIGHT_CORPUS (to get them, ${fetchHint(values.manifest)}).`,
    );
  }
  const inputs = await verifyCorpus(manifest, dir);
  log(`Manifest ${basename(values.manifest)}: ${inputs.length} text(s) in ${resolve(dir)}, every sha256 as listed.`);
  return inputs;
}
