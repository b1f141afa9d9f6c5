import { describe, expect, it } from 'vitest';
import { comparisonLine, keystrokeVerdict, predictionGain, trainingVerdict } from '../../src/renderer/src/lib/quality';

describe('model quality in words', () => {
  it('turns a loss difference into how much better the text is predicted', () => {
    expect(predictionGain(1.0, 1.0)).toBeCloseTo(0);
    // 0.2 nats lower: perplexity falls by 1 - e^-0.2 = 18 %
    expect(predictionGain(1.3, 1.5)).toBeCloseTo(18.13, 1);
    expect(predictionGain(1.5, 1.3)).toBeLessThan(-20);
    expect(predictionGain(null, 1.5)).toBeNull();
    expect(predictionGain(Number.NaN, 1.5)).toBeNull();
  });

  it('says better, about the same, or worse, naming the other model', () => {
    expect(trainingVerdict(1.3, 1.5, 'Penwright default')).toMatch(/18% better than Penwright default/);
    expect(trainingVerdict(1.5, 1.5, 'Penwright default')).toMatch(/about as well as Penwright default/);
    expect(trainingVerdict(1.8, 1.5, 'Penwright default')).toMatch(/less well than Penwright default.*fine-tune/);
    expect(trainingVerdict(null, 1.5, 'x')).toBe('');
    expect(comparisonLine(1.3, 1.5, 'Penwright default')).toBe(
      'predicts its writer’s text 18% better than Penwright default',
    );
    expect(comparisonLine(4.0, 1.5, 'P')).toBe('predicts its writer’s text less well than P so far');
  });
});

describe('keystrokes saved in words', () => {
  it('says what the new model would have saved beside the other, in whole percent', () => {
    expect(keystrokeVerdict({ chars: 1200, saved: 0.123, baseSaved: 0.091 }, 'the default model')).toBe(
      'Typing 1,200 characters of your own writing it had not trained on, its ghost text would have saved you 12% of your keystrokes; the default model would have saved 9%.',
    );
    expect(keystrokeVerdict({ chars: 800, saved: 0.05, baseSaved: null }, 'x')).toMatch(
      /saved you 5% of your keystrokes\.$/,
    );
    expect(keystrokeVerdict(null, 'x')).toBe('');
  });
});
