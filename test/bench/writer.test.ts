import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const RATES = ['ksr', 'ghost_shown', 'ghost_precision', 'next_word_top1', 'loop_rate'] as const;
const CONFIGS = ['default', 'default_adapted', 'finetuned', 'finetuned_adapted'] as const;

describe('npm run bench:writer -- --quick', () => {
  it('prints the writer benchmark as JSON of the documented shape', () => {
    const started = Date.now();
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'writer.ts'), '--quick'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(120_000);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({ text: expect.any(String), chars: 200, quick: true });
    expect(Object.keys(out.configs)).toEqual([...CONFIGS]);
    for (const name of CONFIGS) {
      const c = out.configs[name];
      for (const key of RATES) {
        expect(c[key], `${name}.${key}`).toBeGreaterThanOrEqual(0);
        expect(c[key], `${name}.${key}`).toBeLessThanOrEqual(1);
      }
      expect(c.chars_per_accept).toBeGreaterThanOrEqual(0);
      expect(c.ghost_p50_ms).toBeGreaterThan(0);
      expect(c.ghost_p95_ms).toBeGreaterThanOrEqual(c.ghost_p50_ms);
      expect(c.requests).toBeGreaterThan(0);
    }
    // the adapted configurations learn the document at sentence ends (a 200-character quick run may have none)
    expect(out.configs.default.adaptation).toBe('off');
    for (const name of ['default_adapted', 'finetuned_adapted']) {
      expect(out.configs[name].adaptation, name).toBe('on');
      expect(out.configs[name].adaptations, name).toBeGreaterThanOrEqual(0);
      expect(out.configs[name].adapt_s, name).toBeGreaterThanOrEqual(0);
    }
    const f = out.finetune;
    for (const key of ['chars', 'wall_s', 'base_loss', 'tuned_loss', 'reference_loss'])
      expect(f[key]).toBeGreaterThan(0);
    expect(f.reduction).toBeCloseTo(1 - f.tuned_loss / f.reference_loss, 3);
  }, 150_000);
});
