/**
 * Background training jobs: one at a time, each in a worker thread (never on
 * main's event loop). Progress is forwarded as events; cancel stops within a
 * second and keeps what was learned; an interrupted job resumes from its last
 * checkpoint; a dead worker becomes an error event and the app carries on; a
 * finished job joins the library with its loss beside its base model's.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { siblingModule, startWorker } from '../../../model/training/parallel/start-worker';
import type { IpcError, ParsedRequestOf, TrainingJob } from '../../../shared/ipc-contract';
import { AppError, toIpcError, workerErrorToIpc } from '../app-error';
import { DEFAULT_MODEL_ID } from '../models/model-library';
import { JobStore, jobFromFile, type JobFile } from './job-store';
import type { FromTrainingWorker, ToTrainingWorker, TrainingWorkerData } from './training-protocol';
import { isSizeName } from '../../../shared/vocabulary';
import { GHOST_DEFAULTS, type TrainingServiceOptions } from './training-options';

const logTraining = (what: string, e: unknown) => console.error(`[penwright] training: ${what}:`, e);

interface Running {
  job: TrainingJob;
  worker: Worker;
  file: JobFile;
  shuttingDown: boolean;
  settled: Promise<void>;
  lastEmit: number;
  finished: boolean;
  /** The writer cancelled the job. */
  cancelled: boolean;
  /** Messages are handled one after another (finishing awaits the library). */
  queue: Promise<void>;
}

export class TrainingService {
  private running: Running | null = null;
  private readonly jobs = new Map<string, TrainingJob>();
  private readonly store: JobStore;

  constructor(private readonly options: TrainingServiceOptions) {
    this.store = new JobStore(options.jobsDir);
  }

  /** Finds jobs left by an earlier run of the app (quit or crashed while training). */
  async init(): Promise<void> {
    for (const jobId of await this.store.ids()) {
      const file = await this.store.read(jobId).catch(() => null);
      if (!file || this.jobs.has(jobId)) continue;
      const resumable = await this.store.hasCheckpoint(jobId);
      this.jobs.set(jobId, {
        ...jobFromFile(file),
        state: 'interrupted',
        error: resumable ? null : 'This job stopped before its first checkpoint; start it again.',
      });
    }
  }

  list(): TrainingJob[] {
    return [...this.jobs.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /** Model ids a running job reads (its base), which must not be deleted meanwhile. */
  modelsInUse(): string[] {
    return this.running?.file.baseModelId ? [this.running.file.baseModelId] : [];
  }

  async start(request: ParsedRequestOf<'training:start'>): Promise<TrainingJob> {
    if (this.running)
      throw new AppError('BUSY', 'A model is already training. Wait for it to finish or cancel it first.');
    if (request.baseModelId) await this.options.library.summary(request.baseModelId); // exists?
    const file: JobFile = {
      jobId: randomUUID(),
      name: request.name,
      paths: request.paths,
      preset: request.baseModelId ? undefined : (request.preset ?? 'M'),
      baseModelId: request.baseModelId,
      startedAt: new Date().toISOString(),
    };
    await this.store.write(file);
    return this.launch(file, request.budget, false);
  }

  async resume(jobId: string, budget: { minutes?: number; steps?: number }): Promise<TrainingJob> {
    if (this.running)
      throw new AppError('BUSY', 'A model is already training. Wait for it to finish or cancel it first.');
    const job = this.jobs.get(jobId);
    if (!job || (job.state !== 'interrupted' && job.state !== 'failed')) {
      throw new AppError('NOT_FOUND', 'There is no interrupted training job with that id.');
    }
    const file = await this.store.read(jobId);
    if (!(await this.store.hasCheckpoint(jobId))) {
      throw new AppError(
        'NOT_FOUND',
        'This job stopped before its first checkpoint, so it cannot be resumed; start it again.',
      );
    }
    return this.launch(file, budget, true);
  }

  private launch(file: JobFile, budget: { minutes?: number; steps?: number }, resume: boolean): TrainingJob {
    const previous = this.jobs.get(file.jobId);
    const job: TrainingJob = { ...(previous ?? jobFromFile(file)), state: 'running', error: null };
    this.jobs.set(file.jobId, job);
    const data: TrainingWorkerData = {
      jobId: file.jobId,
      outDir: this.store.modelDir(file.jobId),
      name: file.name,
      paths: file.paths,
      preset: file.preset,
      baseModelDir: file.baseModelId ? this.options.library.dirOf(file.baseModelId) : null,
      compareModelDir: file.baseModelId ? null : this.options.library.dirOf(DEFAULT_MODEL_ID),
      budget,
      threads: this.options.threads() || Math.max(1, availableParallelism() - 1),
      resume,
      backend: this.options.backend ?? {},
      trainingBackend: this.options.trainingBackend ?? 'auto',
      trainingBackendCache: this.options.trainingBackendCache,
      crashAfterReports: this.options.crashAfterReports,
      ghost: this.options.ghostSettings?.() ?? GHOST_DEFAULTS,
    };
    const worker = startWorker(this.options.workerUrl ?? siblingModule(import.meta.url, 'training-worker'), data);
    let settle!: () => void;
    const running: Running = {
      job,
      worker,
      file,
      shuttingDown: false,
      settled: new Promise((r) => (settle = r)),
      lastEmit: 0,
      finished: false,
      cancelled: false,
      queue: Promise.resolve(),
    };
    this.running = running;
    worker.on('message', (m: FromTrainingWorker) => {
      running.queue = running.queue
        .then(() => this.onMessage(running, m))
        .catch((e: unknown) => this.fail(running, toIpcError(e, logTraining)));
    });
    worker.on('error', (e) => {
      // the thread's own words may name files and internals: the log has them, the writer a sentence
      logTraining('the training thread failed', e);
      const message =
        'The training thread failed (the log says why). What it learned up to its last checkpoint is kept.';
      running.queue = running.queue.then(() => this.fail(running, { code: 'INTERNAL', message }));
    });
    worker.on('exit', (code) => {
      running.queue = running.queue.then(() => {
        this.fail(
          running,
          running.shuttingDown || running.cancelled
            ? null
            : {
                code: 'INTERNAL',
                message: `The training process stopped unexpectedly (exit code ${code}). What it learned up to its last checkpoint is kept; you can resume the job.`,
              },
        );
        settle();
      });
    });
    return job;
  }

  private emitProgress(running: Running, force: boolean): void {
    const now = Date.now();
    if (!force && now - running.lastEmit < (this.options.progressIntervalMs ?? 250)) return;
    running.lastEmit = now;
    this.options.emit('training:progress', { job: running.job });
  }

  private async onMessage(running: Running, m: FromTrainingWorker): Promise<void> {
    const job = running.job;
    switch (m.type) {
      case 'corpus':
        job.corpus = m.summary;
        this.emitProgress(running, true);
        return;
      case 'progress': {
        const phaseChanged = job.progress?.phase !== m.progress.phase;
        job.progress = m.progress;
        this.emitProgress(running, phaseChanged);
        return;
      }
      case 'evaluation':
        job.history.push({ chars: m.chars, trainLoss: m.trainLoss, valLoss: m.valLoss });
        job.samples = m.samples;
        this.emitProgress(running, true);
        return;
      case 'error': {
        if (m.code === 'CANCELLED') {
          // cancelled before it learned anything (while reading the text): nothing to keep
          this.fail(running, null);
          return;
        }
        running.finished = true;
        this.running = null;
        const error = workerErrorToIpc(m.code, m.message, logTraining);
        job.state = 'failed';
        job.error = error.message;
        this.options.emit('training:failed', { jobId: job.jobId, error });
        return;
      }
      case 'done': {
        running.finished = true;
        if (running.shuttingDown) {
          job.state = 'interrupted';
          this.running = null;
          return;
        }
        const model = await this.options.library.adopt(this.store.modelDir(job.jobId), job.name);
        // the new model is in the library: the pickers and the Models panel hear it
        this.options.emit('models:changed', { models: await this.options.library.list() });
        const preset = model.preset;
        const speed = job.progress?.charsPerSecond ?? 0;
        if (preset && isSizeName(preset) && speed > 0 && (job.progress?.step ?? 0) >= 3) {
          await this.options.onSpeedMeasured?.(preset, speed);
        }
        await this.store.remove(job.jobId);
        job.state = m.stoppedBy === 'cancelled' ? 'cancelled' : 'finished';
        this.running = null;
        this.options.emit('training:finished', {
          jobId: job.jobId,
          model,
          stoppedBy: m.stoppedBy,
          comparison: {
            newLoss: m.valLoss,
            baseName: m.base?.name ?? 'the default model',
            baseLoss: m.base?.valLoss ?? null,
            keystrokes: m.keystrokes,
          },
        });
        return;
      }
    }
  }

  /** The job ended without a model: failed (a message), cancelled, or interrupted by quitting (null). */
  private fail(running: Running, error: IpcError | null): void {
    if (running.finished) return;
    running.finished = true;
    if (this.running === running) this.running = null;
    const cancelled = error === null && running.cancelled && !running.shuttingDown;
    running.job.state = error !== null ? 'failed' : cancelled ? 'cancelled' : 'interrupted';
    running.job.error = error?.message ?? null;
    if (error !== null) {
      this.options.emit('training:failed', { jobId: running.job.jobId, error });
    } else if (cancelled) {
      this.options.emit('training:progress', { job: running.job });
    }
  }

  /**
   * Stops the job within a second; what it learned joins the library (state
   * 'cancelled'). A thread that does not stop within the grace period is ended.
   */
  async cancel(jobId: string): Promise<void> {
    const running = this.running;
    if (!running || running.job.jobId !== jobId) throw new AppError('NOT_FOUND', 'That training job is not running.');
    running.cancelled = true;
    running.worker.postMessage({ type: 'cancel' } satisfies ToTrainingWorker);
    await this.settleOrEnd(running, this.options.cancelGraceMs ?? 10_000);
  }

  /** Waits for the worker to finish, ending it after `graceMs`. */
  private async settleOrEnd(running: Running, graceMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settled = await Promise.race([
      running.settled.then(() => true),
      new Promise<false>((r) => (timer = setTimeout(() => r(false), graceMs))),
    ]);
    clearTimeout(timer);
    if (!settled) {
      await running.worker.terminate();
      await running.settled;
    }
  }

  /** On quit: stop and checkpoint the running job, leaving it resumable. */
  async shutdown(): Promise<void> {
    const running = this.running;
    if (!running) return;
    running.shuttingDown = true;
    running.worker.postMessage({ type: 'cancel' } satisfies ToTrainingWorker);
    await this.settleOrEnd(running, 10_000);
  }
}
