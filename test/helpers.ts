import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, type BackendName } from '../src/model/backend';

/** Tests run on wasm (the backend users without tfjs-node get), cpu if forced. */
export async function useTestBackend(): Promise<void> {
  const prefer = (process.env.PENWRIGHT_TEST_BACKEND as BackendName | undefined) ?? 'wasm';
  await initBackend({ prefer: [prefer] });
}

export function tempDir(prefix = 'penwright-test-'): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

export const CORPORA = join(import.meta.dirname, '..', '..', 'shared', 'corpora');
