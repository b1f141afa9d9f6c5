import { describe, expect, it } from 'vitest';
import type { TrainingJob } from '../../src/shared/ipc-contract';
import {
  addTrainPoint,
  coverage,
  duration,
  expectedSpeed,
  FALLBACK_SPEED_PER_THREAD,
  lossCurve,
  presetById,
  trainingThreads,
  type Machine,
} from '../../src/renderer/src/state/training-plan';

const machine = (over: Partial<Machine> = {}): Machine => ({
  cores: 4,
  backend: 'wasm',
  measured: {},
  threadsSetting: 0,
  ...over,
});

describe('how fast training should go here', () => {
  it('uses the speed measured on this computer when there is one', () => {
    expect(expectedSpeed('M', machine({ measured: { M: 7_000 } }))).toEqual({ perSecond: 7_000, measured: true });
  });

  it('else assumes the fallback per thread, on as many threads as main will use', () => {
    // all cores but one, as main counts when the setting is 0
    expect(trainingThreads(machine())).toBe(3);
    expect(expectedSpeed('M', machine())).toEqual({ perSecond: FALLBACK_SPEED_PER_THREAD.M * 3, measured: false });
    // the writer's setting wins
    expect(expectedSpeed('S', machine({ threadsSetting: 2 })).perSecond).toBe(FALLBACK_SPEED_PER_THREAD.S * 2);
    expect(trainingThreads(machine({ cores: 1 }))).toBe(1);
    // a measured M says nothing of S
    expect(expectedSpeed('S', machine({ measured: { M: 9_000 } })).measured).toBe(false);
  });

  it('assumes tfjs-node three times one wasm thread, whatever the threads', () => {
    expect(expectedSpeed('M', machine({ backend: 'tensorflow', cores: 16 })).perSecond).toBe(
      FALLBACK_SPEED_PER_THREAD.M * 3,
    );
  });
});

describe('what a preset gets through', () => {
  const quick = presetById('quick');
  const balanced = presetById('balanced');

  it('in passes over the text, or a share of it', () => {
    // 30 min at 9,000 chars/s over 1 M characters: 16.2 passes
    expect(coverage(balanced, 1_000_000, machine({ measured: { M: 9_000 } }))).toBe(
      ', up to about 16 passes over your text (at the speed measured here)',
    );
    // 5 min at 25,000 x 3 threads over 50 M characters: 45 %
    expect(coverage(quick, 50_000_000, machine())).toBe(', about 45% of your text');
    expect(coverage(quick, 0, machine())).toBe('');
    expect(coverage(quick, undefined, machine())).toBe('');
  });

  it('an unknown preset is the usual choice', () => {
    expect(presetById('nonsense')).toBe(balanced);
  });
});

describe('the loss curve', () => {
  const job = (charsSeen: number, trainLoss: number | null): TrainingJob =>
    ({ progress: { charsSeen, trainLoss }, history: [] }) as unknown as TrainingJob;

  it('takes each later training loss once', () => {
    let points = addTrainPoint([], job(100, 3.1));
    points = addTrainPoint(points, job(100, 3.0)); // the same report again
    points = addTrainPoint(points, job(50, 2.0)); // older
    points = addTrainPoint(points, job(200, null)); // no loss yet
    points = addTrainPoint(points, job(300, 2.5));
    expect(points.map((p) => [p.chars, p.trainLoss])).toEqual([
      [100, 3.1],
      [300, 2.5],
    ]);
  });

  it('sets the validation losses among them, by characters seen', () => {
    const curve = lossCurve(addTrainPoint([], job(100, 3.1)), [{ chars: 50, trainLoss: 3.3, valLoss: 3.2 }]);
    expect(curve).toEqual([
      { chars: 50, trainLoss: null, valLoss: 3.2 },
      { chars: 100, trainLoss: 3.1, valLoss: null },
    ]);
  });
});

it('says durations as a writer reads them', () => {
  expect(duration(40)).toBe('40 s');
  expect(duration(190)).toBe('3 min 10 s');
  expect(duration(7500)).toBe('2 h 5 min');
  expect(duration(null)).toBe('—');
  expect(duration(Number.POSITIVE_INFINITY)).toBe('—');
});
