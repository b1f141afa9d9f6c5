import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the bundled default model lives in a source checkout. The packaged app
 * passes its own resources path instead (the model is an extra resource).
 */
export const DEFAULT_MODEL_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'resources',
  'models',
  'default',
);

/** A model named on the command line: "default" (or none) is the bundled one. */
export function modelDirFor(name: string | undefined): string {
  return name === undefined || name === 'default' ? DEFAULT_MODEL_DIR : name;
}
