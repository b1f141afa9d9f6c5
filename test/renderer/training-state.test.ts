import { describe, expect, it, vi } from 'vitest';
import type { Responses, TrainingJob, TrainingResult } from '../../src/shared/ipc-contract';
import { Notices } from '../../src/renderer/src/state/notices.svelte';
import { TrainingState } from '../../src/renderer/src/state/training.svelte';
import { fakeMain, ok } from './fake-main';

const job = (over: Partial<TrainingJob> = {}): TrainingJob => ({
  jobId: 'j1',
  name: 'Alice voice',
  state: 'running',
  startedAt: '2026-01-01T00:00:00Z',
  progress: null,
  history: [],
  samples: [],
  corpus: null,
  error: null,
  ...over,
});
const progress = (charsSeen: number, trainLoss: number) =>
  ({
    charsSeen,
    trainLoss,
    fraction: 0.1,
    step: 1,
    charsPerSecond: 1,
    etaSeconds: 1,
    phase: 'training',
    backend: 'native (AVX-512)',
  }) as never;
const info = (speed: Responses['app:info']['trainingSpeed']): Responses['app:info'] => ({
  version: 't',
  backend: { name: 'wasm', label: 'WebAssembly', notUsed: [] },
  platform: 'linux',
  cores: 4,
  trainingSpeed: speed,
  trainingBackend: { label: 'native (AVX2)', reason: 'It was faster.', measuredAt: '2026-11-27T00:00:00Z' },
});

function setUp() {
  const m = fakeMain({
    'training:start': () => ok(job()),
    'training:list': () => ok([job({ jobId: 'old', state: 'interrupted' })]),
    'app:info': () => ok(info({ S: 30_000 })),
    'training:cancel': () => ok(null),
  });
  const notices = new Notices();
  const training = new TrainingState(m.main, notices);
  training.listen();
  return { m, training, notices };
}

describe('training as the panel follows it', () => {
  it('draws the curve from the progress pushes, whether or not the panel is open', async () => {
    const { m, training } = setUp();
    await training.begin({ name: 'Alice voice', paths: ['/a.txt'], baseModelId: null, budget: { minutes: 5 } });
    expect(training.running).toBe(true);
    m.emit('training:progress', { job: job({ progress: progress(100, 3.2) }) });
    m.emit('training:progress', {
      job: job({ progress: progress(200, 2.9), history: [{ chars: 150, trainLoss: 3, valLoss: 3.1 }] }),
    });
    expect(training.curve.map((p) => p.chars)).toEqual([100, 150, 200]);
    // a new run starts a new curve
    await training.begin({ name: 'Again', paths: ['/a.txt'], baseModelId: null, budget: { minutes: 5 } });
    expect(training.curve).toEqual([]);
  });

  it('at the end: the result, the jobs and the speed measured', async () => {
    const { m, training } = setUp();
    await training.begin({ name: 'Alice voice', paths: ['/a.txt'], baseModelId: null, budget: { minutes: 5 } });
    const result = { jobId: 'j1', stoppedBy: 'cancelled' } as TrainingResult;
    m.emit('training:finished', result);
    expect(training.job?.state).toBe('cancelled');
    expect(training.result).toBe(result);
    await vi.waitFor(() => expect(training.measured).toEqual({ S: 30_000 }));
    expect(training.interrupted.map((j) => j.jobId)).toEqual(['old']);
  });

  it('a failure is said and shown on the job', async () => {
    const { m, training, notices } = setUp();
    await training.begin({ name: 'Alice voice', paths: ['/a.txt'], baseModelId: null, budget: { minutes: 5 } });
    m.emit('training:failed', { jobId: 'j1', error: { code: 'MODEL_ERROR', message: 'Out of memory.' } });
    expect(training.job).toMatchObject({ state: 'failed', error: 'Out of memory.' });
    expect(notices.list.map((n) => n.text)).toEqual(['Out of memory.']);
  });

  it('says what trains: the running job’s engine, else the one measured here', async () => {
    const { m, training } = setUp();
    expect(training.trainsOn).toBeNull();
    training.takeInfo(info({}));
    expect(training.trainsOn).toBe('native (AVX2)');
    await training.begin({ name: 'Alice voice', paths: ['/a.txt'], baseModelId: null, budget: { minutes: 5 } });
    m.emit('training:progress', { job: job({ progress: progress(100, 3.2) }) });
    expect(training.trainsOn).toBe('native (AVX-512)');
  });

  it('what it knows of this computer makes the estimate', () => {
    const { training } = setUp();
    training.takeInfo(info({ M: 5_000 }));
    expect(training.machine(2)).toEqual({ cores: 4, backend: 'wasm', measured: { M: 5_000 }, threadsSetting: 2 });
  });
});
