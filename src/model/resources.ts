/**
 * The project's resources folder (the bundled default model, the corpus
 * manifests), found upward from this module: the same code runs from
 * src/model/<room>/ under tsx and from out/main/ when built, at different
 * depths below the project root.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MARKER = join('resources', 'models', 'default', 'penwright.json');

function findResources(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 6; up++) {
    if (existsSync(join(dir, MARKER))) return join(dir, 'resources');
    dir = dirname(dir);
  }
  // not found (a damaged checkout): name where it was expected, so the error that follows says so
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'resources');
}

/** The resources folder of a checkout or an npm install (the packaged app passes its own path instead). */
export const RESOURCES_DIR = findResources();
