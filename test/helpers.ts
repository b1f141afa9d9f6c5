import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, type BackendName } from '../src/model/network/backend';

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

/** Slices of public-domain novels committed for the tests (see its README.md). */
export const FIXTURE_CORPORA = join(import.meta.dirname, 'fixtures', 'corpora');

import { readFileSync } from 'node:fs';
import { train, type TrainOptions, type TrainResult } from '../src/model/training/train';

/** A slice of a real novel: enough for a tiny model to learn something in seconds. */
export function aliceText(chars = 30_000): string {
  const text = readFileSync(join(FIXTURE_CORPORA, 'alice-in-wonderland.txt'), 'utf8').replace(/\r\n?/g, '\n');
  if (5000 + chars > text.length) {
    throw new Error(`aliceText(${chars}): the fixture holds ${text.length - 5000} characters after the first 5,000`);
  }
  return text.slice(5000, 5000 + chars);
}

export const TINY_NETWORK = { embedDim: 16, hidden: [48], dropout: 0 };
export const TINY_TWO_LAYER = { embedDim: 8, hidden: [24, 24], dropout: 0.1 };

/** Trains a tiny model quickly (small batches and windows). */
export function trainTiny(options: Partial<TrainOptions> & { documents: string[] }): Promise<TrainResult> {
  return train({
    network: TINY_NETWORK,
    batchSize: 16,
    seqLength: 32,
    learningRate: 1e-2,
    maxSteps: 40,
    checkpointEverySeconds: 0,
    seed: 5,
    ...options,
  });
}

import { spawn } from 'node:child_process';

/**
 * Runs a script that saves in a loop (printing a line per save), kills it with
 * SIGKILL after `ms`, and returns how many saves it reported finishing.
 */
export async function killMidSave(script: string, args: string[], ms: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let saves = 0;
  child.stdout.on('data', (d: Buffer) => (saves += d.toString().split('\n').filter(Boolean).length));
  await new Promise((r) => setTimeout(r, ms));
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
  return saves;
}
