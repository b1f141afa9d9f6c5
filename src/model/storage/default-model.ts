import { join } from 'node:path';
import { RESOURCES_DIR } from '../resources';

/**
 * Where the bundled default model lives in a source checkout. The packaged app
 * passes its own resources path instead (the model is an extra resource).
 */
export const DEFAULT_MODEL_DIR = join(RESOURCES_DIR, 'models', 'default');

/** A model named on the command line: "default" (or none) is the bundled one. */
export function modelDirFor(name: string | undefined): string {
  return name === undefined || name === 'default' ? DEFAULT_MODEL_DIR : name;
}
