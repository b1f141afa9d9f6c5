import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aliceText, tempDir } from '../helpers';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'src', 'model', 'cli', 'main.ts');

function penwright(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('penwright CLI', () => {
  const tmp = tempDir();
  const corpus = join(tmp.path, 'story.txt');
  const modelDir = join(tmp.path, 'model');
  beforeAll(() => writeFileSync(corpus, aliceText(20_000)));
  afterAll(() => tmp.cleanup());

  it('prints usage and exits non-zero on wrong arguments', () => {
    for (const args of [
      [],
      ['frobnicate'],
      ['train', corpus],
      ['train', corpus, '--out', modelDir],
      ['train', corpus, '--out', modelDir, '--steps', 'x'],
      ['suggest'],
      ['suggest', '--stop', 'never', 'hi'],
      ['suggest', '--temps', '0.2,abc', 'hi'],
      ['eval', corpus],
      ['train', corpus, '--out', modelDir, '--steps', '1', '--size', 'XL'],
    ]) {
      const r = penwright(...args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stdout + r.stderr, args.join(' ')).toMatch(/Usage:/);
    }
  });

  it('trains with JSON progress, then suggests, evaluates and describes the model', () => {
    const train = penwright(
      'train',
      corpus,
      '--out',
      modelDir,
      '--size',
      'S',
      '--steps',
      '6',
      '--eval-every',
      '3',
      '--json',
    );
    expect(train.code, train.stderr).toBe(0);
    const events = train.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events[0].event).toBe('corpus');
    expect(events.filter((e) => e.event === 'progress' && e.phase === 'evaluating').length).toBe(2);
    const done = events.at(-1);
    expect(done).toMatchObject({ event: 'done', steps: 6, stoppedBy: 'budget' });
    expect(done.valLoss).toBeGreaterThan(0);

    const suggest = penwright(
      'suggest',
      '--model',
      modelDir,
      '--temps',
      '0.2,0.8,1.2',
      '--chars',
      '16',
      '--seed',
      '4',
      '--json',
      'Alice was',
    );
    expect(suggest.code, suggest.stderr).toBe(0);
    const suggestions = JSON.parse(suggest.stdout);
    expect(suggestions.map((s: { temperature: number }) => s.temperature)).toEqual([0.2, 0.8, 1.2]);
    for (const s of suggestions) {
      expect(Object.keys(s).sort()).toEqual(['logprob', 'temperature', 'text']);
      expect([...s.text].length).toBeLessThanOrEqual(16);
    }

    const evaluation = penwright('eval', '--model', modelDir, corpus, '--json');
    expect(evaluation.code, evaluation.stderr).toBe(0);
    const result = JSON.parse(evaluation.stdout);
    expect(result.bits_per_char).toBeCloseTo(result.nats_per_char / Math.LN2, 6);

    const info = penwright('info', modelDir);
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(/6 steps/);
  });

  it('suggests and describes with the bundled default model when no model is given', () => {
    const suggest = penwright(
      'suggest',
      '--seed',
      '3',
      '--chars',
      '30',
      '--stop',
      'sentence',
      '--json',
      'It was a dark and stormy',
    );
    expect(suggest.code, suggest.stderr).toBe(0);
    const out = JSON.parse(suggest.stdout);
    expect(out.map((s: { temperature: number }) => s.temperature)).toEqual([0.2, 0.5, 0.8, 1.2]);
    expect(out[0].text.length).toBeGreaterThan(0);
    const info = penwright('info', '--json');
    expect(info.code).toBe(0);
    const meta = JSON.parse(info.stdout);
    expect(meta.preset).toBe('M');
    expect(meta.weights.dtype).toBe('float16');
    expect(meta.metrics.valLoss).toBeLessThan(1.6);
  });

  it('explains a bad model folder and a bad corpus in one sentence, exit 1', () => {
    const r = penwright('suggest', '--model', tmp.path, 'hi');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a Penwright model/);
    const binary = join(tmp.path, 'x.txt');
    writeFileSync(binary, Buffer.from([0, 1, 2, 3]));
    const t = penwright('train', binary, '--out', join(tmp.path, 'm2'), '--steps', '1');
    expect(t.code).toBe(1);
    expect(t.stderr).toMatch(/No usable text.*x\.txt.*binary/);
  });
});
