/**
 * Background threads give way to the writer (src/model/system/thread-priority.ts):
 * on Linux a worker lowers its own priority, the threads it starts inherit it,
 * and the thread that started it (main, in the app) keeps its own.
 */
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { startWorker } from '../../src/model/training/parallel/start-worker';
import { BACKGROUND_NICE, lowerThreadPriority } from '../../src/model/system/thread-priority';

const onLinux = process.platform === 'linux';
if (!onLinux) console.log(`SKIPPED thread priority: per-thread nice values are Linux's (${process.platform})`);

describe.skipIf(!onLinux)('background thread priority', () => {
  it('lowers only the calling thread and the threads it starts', async () => {
    const mainBefore = os.getPriority(0);
    const worker = startWorker(new URL('./fixtures/priority-worker.ts', import.meta.url), { nice: BACKGROUND_NICE });
    const report = await new Promise<{ returned: number | null; own: number; helper: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    const expected = Math.max(BACKGROUND_NICE, mainBefore);
    expect(report).toEqual({ returned: expected, own: expected, helper: expected });
    expect(os.getPriority(0)).toBe(mainBefore);
  });

  it('does nothing when asked for 0 (the suite’s setting)', () => {
    expect(process.env.PENWRIGHT_BACKGROUND_NICE).toBe('0');
    expect(lowerThreadPriority()).toBeNull();
    expect(lowerThreadPriority(0)).toBeNull();
  });
});
