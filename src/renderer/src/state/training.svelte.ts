/**
 * Training as the renderer follows it: the job on screen (its progress and
 * loss curve, from main's pushes), the jobs main keeps (interrupted ones can
 * resume), the last result, and the speeds measured on this computer.
 */
import type { WindowApi } from '../../../shared/api';
import type {
  CorpusSummary,
  Responses,
  TrainingBackendInfo,
  TrainingJob,
  TrainingResult,
} from '../../../shared/ipc-contract';
import type { SizeName } from '../../../shared/vocabulary';
import type { MainProcess } from './main-process';
import type { Notices } from './notices.svelte';
import { addTrainPoint, lossCurve, type LossPoint, type Machine } from './training-plan';

type StartRequest = Parameters<WindowApi['startTraining']>[0];

export class TrainingState {
  /** The job started or resumed here, followed to its end. */
  job = $state.raw<TrainingJob | null>(null);
  jobs = $state.raw<TrainingJob[]>([]);
  lastResult = $state.raw<TrainingResult | null>(null);
  /** Characters/s measured here, by size (from app:info; absent until a job has run). */
  measured = $state.raw<Partial<Record<SizeName, number>>>({});
  cores = $state(1);
  backend = $state<string | null>(null);
  /** What trains on this computer, as the first training measured it (null until then). */
  measuredBackend = $state.raw<TrainingBackendInfo | null>(null);
  /** Training losses from the progress reports; the validation losses are in the job's history. */
  private trainPoints = $state.raw<readonly LossPoint[]>([]);

  running = $derived(this.job?.state === 'running');
  /** The result of the job on screen, once it has one. */
  result = $derived(this.lastResult && this.lastResult.jobId === this.job?.jobId ? this.lastResult : null);
  interrupted = $derived(this.jobs.filter((j) => j.state === 'interrupted'));
  curve = $derived(lossCurve(this.trainPoints, this.job?.history ?? []));
  /** The engine of the running job, else the one measured here: "native (AVX-512)", "wasm". */
  trainsOn = $derived((this.running ? this.job?.progress?.backend : undefined) ?? this.measuredBackend?.label ?? null);

  constructor(
    private readonly main: MainProcess,
    private readonly notices: Notices,
  ) {}

  /** Follows main's training events; returns the function that stops. */
  listen(): () => void {
    const { api } = this.main;
    const offs = [
      api.onTrainingProgress(({ job }) => {
        this.job = job;
        this.trainPoints = addTrainPoint(this.trainPoints, job);
      }),
      api.onTrainingFinished((result) => {
        this.lastResult = result;
        if (this.job?.jobId === result.jobId)
          this.job = { ...this.job, state: result.stoppedBy === 'cancelled' ? 'cancelled' : 'finished' };
        void this.readMeasuredSpeed();
        void this.readJobs();
      }),
      api.onTrainingFailed(({ jobId, error }) => {
        if (this.job?.jobId === jobId) this.job = { ...this.job, state: 'failed', error: error.message };
        this.notices.show('error', error.message);
        void this.readJobs();
      }),
    ];
    return () => offs.forEach((off) => off());
  }

  load(): Promise<void> {
    return this.readJobs();
  }

  /** What main reports of this computer (app:info): cores, backend, the speeds measured so far. */
  takeInfo(info: Responses['app:info']): void {
    this.cores = info.cores;
    this.backend = info.backend.name;
    this.measured = info.trainingSpeed;
    this.measuredBackend = info.trainingBackend;
  }

  /** What a training estimate needs to know of this computer. */
  machine(threadsSetting: number): Machine {
    return { cores: this.cores, backend: this.backend, measured: this.measured, threadsSetting };
  }

  /** A finished job may have measured a speed. */
  private async readMeasuredSpeed(): Promise<void> {
    const info = await this.main.call(this.main.api.appInfo());
    if (info) this.takeInfo(info);
  }

  private async readJobs(): Promise<void> {
    const jobs = await this.main.call(this.main.api.listTrainingJobs());
    if (jobs) this.jobs = jobs;
  }

  /** Files or a folder chosen in main's dialog; null when the writer cancelled. */
  async pick(folders: boolean): Promise<string[] | null> {
    return (await this.main.call(this.main.api.pickCorpus({ folders })))?.paths ?? null;
  }

  /** Files dropped on the window, as paths main agreed to read. */
  async addDropped(files: Iterable<File>): Promise<string[]> {
    const added: string[] = [];
    for (const file of files) {
      const answer = await this.main.call(this.main.api.addDroppedFile(file));
      if (answer) added.push(...answer.paths);
    }
    return added;
  }

  summarize(paths: string[]): Promise<CorpusSummary | undefined> {
    return this.main.call(this.main.api.summarizeCorpus({ paths }));
  }

  async begin(request: StartRequest): Promise<void> {
    this.trainPoints = [];
    this.lastResult = null;
    const job = await this.main.call(this.main.api.startTraining(request));
    if (job) this.job = job;
  }

  async resume(jobId: string, minutes: number): Promise<void> {
    this.trainPoints = [];
    const job = await this.main.call(this.main.api.resumeTraining({ jobId, budget: { minutes } }));
    if (job) this.job = job;
  }

  /** Stops the job on screen; it keeps what it learned (main answers with training:finished). */
  async cancel(): Promise<void> {
    if (this.job) await this.main.call(this.main.api.cancelTraining({ jobId: this.job.jobId }));
  }
}
