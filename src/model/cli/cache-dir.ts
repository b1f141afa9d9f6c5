/**
 * Where the command line keeps what it measured about this machine: the XDG
 * cache folder (~/.cache/penwright unless XDG_CACHE_HOME says otherwise). The
 * app keeps its own copy in its data folder.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function cliCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'penwright');
}

/** The training backend measured here (see training/training-backend.ts). */
export function trainingBackendCacheFile(): string {
  return join(cliCacheDir(), 'training-backend.json');
}
