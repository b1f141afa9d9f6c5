import * as tf from '@tensorflow/tfjs-core';
import { cpSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPenwrightError } from '../../src/model/errors';
import { disposeModel, loadModel, readModelMeta, saveModel, type CharModel } from '../../src/model/storage/persistence';
import { InferenceNet } from '../../src/model/network/inference';
import { float32ToFloat16 } from '../../src/model/storage/weights-file';
import { aliceText, killMidSave, tempDir, trainTiny, useTestBackend } from '../helpers';

function nextCharProbs(model: CharModel, text: string): Float32Array {
  const net = new InferenceNet(model);
  let state = net.zeroState(1);
  let logits: tf.Tensor2D | undefined;
  for (const ch of text) {
    logits?.dispose();
    const r = net.step(state, Int32Array.of(model.vocab.idOf(ch.codePointAt(0)!)), true);
    state = r.state;
    logits = r.logits;
  }
  const probs = tf.tidy(() => tf.softmax(logits!).dataSync() as Float32Array);
  logits!.dispose();
  for (const t of [...state.h, ...state.c]) t.dispose();
  net.dispose();
  return probs;
}

async function expectCode(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isPenwrightError(e), `expected a PenwrightError ${code}, got ${String(e)}`).toBe(true);
  expect((e as { code: string }).code).toBe(code);
  if (message) expect((e as Error).message).toMatch(message);
}

describe('model persistence', () => {
  const tmp = tempDir();
  let model: CharModel;
  let dir: string;
  beforeAll(async () => {
    await useTestBackend();
    model = (await trainTiny({ documents: [aliceText(6000)], maxSteps: 8 })).model;
    dir = join(tmp.path, 'model');
    await saveModel(dir, model);
  });
  afterAll(() => {
    disposeModel(model);
    tmp.cleanup();
  });

  it('round-trips to identical probabilities', async () => {
    const loaded = await loadModel(dir);
    const a = nextCharProbs(model, 'Alice was beginning');
    const b = nextCharProbs(loaded, 'Alice was beginning');
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(loaded.vocab.codePoints).toEqual(model.vocab.codePoints);
    expect(loaded.meta.network).toEqual(model.meta.network);
    disposeModel(loaded);
  });

  it('writes a tfjs model.json with a weights manifest and a penwright.json', () => {
    const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);
    const meta = JSON.parse(readFileSync(join(dir, 'penwright.json'), 'utf8'));
    expect(meta.format).toBe('penwright-model');
    // a trained model keeps the words of its text: format 2, words.txt beside the weights
    expect(meta.formatVersion).toBe(2);
    expect(meta.vocabulary.length).toBe(model.vocab.size - 1);
    expect(readFileSync(join(dir, 'words.txt'), 'utf8')).toMatch(/^# Penwright word list.*\n[a-z]+\t\d+\n/u);
  });

  it('round-trips the word list, and a model of format 1 still loads, without one', async () => {
    const loaded = await loadModel(dir);
    expect(loaded.wordCounts?.get('alice')).toBe(model.wordCounts?.get('alice'));
    expect(loaded.wordCounts?.size).toBe(model.wordCounts?.size);
    const oldDir = join(tmp.path, 'format-1');
    await saveModel(oldDir, { ...loaded, wordCounts: undefined });
    expect(JSON.parse(readFileSync(join(oldDir, 'penwright.json'), 'utf8')).formatVersion).toBe(1);
    expect(existsSync(join(oldDir, 'words.txt'))).toBe(false);
    const old = await loadModel(oldDir);
    expect(old.wordCounts).toBeUndefined();
    disposeModel(old);
    disposeModel(loaded);
  });

  it('saves float16 weights at half the size with nearly the same probabilities', async () => {
    const halfDir = join(tmp.path, 'half');
    await saveModel(halfDir, model, { float16: true });
    expect(readFileSync(join(halfDir, 'weights.bin')).length).toBe(readFileSync(join(dir, 'weights.bin')).length / 2);
    const loaded = await loadModel(halfDir);
    expect(loaded.meta.weights.dtype).toBe('float16');
    const a = nextCharProbs(model, 'Alice was');
    const b = nextCharProbs(loaded, 'Alice was');
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(2e-3);
    disposeModel(loaded);
  });

  it('converts float32 to float16 as tfjs decodes it (rounding, subnormals, infinities)', () => {
    const values = Float32Array.from([0, -0, 1, -2.5, 65504, 1e6, -1e6, 6e-8, 1e-5, 3.14159, 0.1, 1e-9]);
    const half = float32ToFloat16(values);
    const decoded = tf.io.decodeWeights(half.buffer as ArrayBuffer, [
      { name: 'x', shape: [values.length], dtype: 'float32', quantization: { dtype: 'float16' } },
    ]).x;
    const out = decoded.dataSync();
    expect(out[2]).toBe(1);
    expect(out[3]).toBe(-2.5);
    expect(out[4]).toBe(65504);
    expect(out[5]).toBe(Infinity);
    expect(out[6]).toBe(-Infinity);
    expect(out[7]).toBeCloseTo(5.96e-8, 9);
    expect(Math.abs(out[8] - 1e-5) / 1e-5).toBeLessThan(1e-2);
    expect(Math.abs(out[9] - 3.14159)).toBeLessThan(2e-3);
    expect(out[11]).toBe(0);
    decoded.dispose();
  });

  it('replaces an existing model atomically and recovers a save interrupted between renames', async () => {
    const target = join(tmp.path, 'atomic');
    await saveModel(target, model);
    await saveModel(target, { ...model, meta: { ...model.meta, name: 'second' } });
    expect((await readModelMeta(target)).name).toBe('second');
    expect(existsSync(`${target}.previous`)).toBe(false);
    // a crash after moving the old model aside but before the new one arrived:
    renameSync(target, `${target}.previous`);
    expect((await readModelMeta(target)).name).toBe('second');
  });

  it('leaves the previous model intact when the saving process is killed', async () => {
    const target = join(tmp.path, 'killed');
    await saveModel(target, model);
    const script = join(import.meta.dirname, 'fixtures', 'save-forever.ts');
    const saves = await killMidSave(script, [dir, target], 4000);
    expect(saves).toBeGreaterThan(0);
    // a whole model: the original or one of the child's saves, loading without error
    const loaded = await loadModel(target);
    expect([model.meta.name, ...Array.from({ length: saves + 2 }, (_, i) => `save ${i}`)]).toContain(loaded.meta.name);
    disposeModel(loaded);
  });

  describe('refuses damaged or foreign folders with a clear error', () => {
    const damaged = (name: string, damage: (d: string) => void) => {
      const d = join(tmp.path, `damaged-${name}`);
      cpSync(dir, d, { recursive: true });
      damage(d);
      return d;
    };

    it('a missing folder', () => expectCode(loadModel(join(tmp.path, 'nope')), 'MODEL_NOT_FOUND'));
    it('a folder that is not a model', () => {
      const d = damaged('foreign', (d) => renameSync(join(d, 'penwright.json'), join(d, 'other.json')));
      return expectCode(loadModel(d), 'FOREIGN_MODEL', /not a Penwright model/);
    });
    it('another format in penwright.json', () => {
      const d = damaged('other-format', (d) => writeFileSync(join(d, 'penwright.json'), '{"format":"keras"}'));
      return expectCode(loadModel(d), 'FOREIGN_MODEL');
    });
    it('a newer format version', () => {
      const d = damaged('newer', (d) => {
        const meta = JSON.parse(readFileSync(join(d, 'penwright.json'), 'utf8'));
        writeFileSync(join(d, 'penwright.json'), JSON.stringify({ ...meta, formatVersion: 99 }));
      });
      return expectCode(loadModel(d), 'INCOMPATIBLE_MODEL', /newer Penwright/);
    });
    it('truncated JSON', () => {
      const d = damaged('json', (d) => writeFileSync(join(d, 'penwright.json'), '{"format": "penwright-mo'));
      return expectCode(loadModel(d), 'CORRUPT_MODEL', /not valid JSON/);
    });
    it('a metadata field of the wrong type', () => {
      const d = damaged('field', (d) => {
        const meta = JSON.parse(readFileSync(join(d, 'penwright.json'), 'utf8'));
        writeFileSync(
          join(d, 'penwright.json'),
          JSON.stringify({ ...meta, network: { ...meta.network, hidden: 'big' } }),
        );
      });
      return expectCode(loadModel(d), 'CORRUPT_MODEL', /network\.hidden/);
    });
    it('truncated weights', () => {
      const d = damaged('short', (d) =>
        writeFileSync(join(d, 'weights.bin'), readFileSync(join(d, 'weights.bin')).subarray(0, 100)),
      );
      return expectCode(loadModel(d), 'CORRUPT_MODEL', /bytes/);
    });
    it('missing weights', () => {
      const d = damaged('missing', (d) => renameSync(join(d, 'weights.bin'), join(d, 'w.bak')));
      return expectCode(loadModel(d), 'CORRUPT_MODEL', /weights.bin is missing/);
    });
    it('weights that are not numbers', () => {
      const d = damaged('nan', (d) => {
        const bytes = readFileSync(join(d, 'weights.bin'));
        new DataView(bytes.buffer, bytes.byteOffset).setFloat32(8, NaN, true);
        writeFileSync(join(d, 'weights.bin'), bytes);
      });
      return expectCode(loadModel(d), 'CORRUPT_MODEL', /not finite/);
    });
    it('a model of format 2 without its word list', () => {
      const d = damaged('no-words', (d) => renameSync(join(d, 'words.txt'), join(d, 'w.bak')));
      return expectCode(loadModel(d), 'CORRUPT_MODEL', /words.txt is missing/);
    });
    it('a damaged word list', () => {
      const d = damaged('bad-words', (d) =>
        writeFileSync(join(d, 'words.txt'), '# Penwright word list: word<TAB>count, most frequent first\nthe\tmany\n'),
      );
      return expectCode(loadModel(d), 'CORRUPT_MODEL', /words.txt line 2: bad count/);
    });
    it('a vocabulary that does not match the weights', () => {
      const d = damaged('vocab', (d) => {
        const meta = JSON.parse(readFileSync(join(d, 'penwright.json'), 'utf8'));
        writeFileSync(join(d, 'penwright.json'), JSON.stringify({ ...meta, vocabulary: meta.vocabulary.slice(1) }));
      });
      return expectCode(loadModel(d), 'CORRUPT_MODEL', /shape/);
    });
  });
});
