/**
 * A training job on disk: its folder under the jobs folder, and `job.json`
 * (what the writer asked for), from which an interrupted job is found again
 * and resumed after the app restarts.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { STATE_JSON } from '../../../model/storage/persistence';
import type { TrainingJob } from '../../../shared/ipc-contract';
import { SIZE_NAMES } from '../../../shared/vocabulary';
import { AppError } from '../app-error';
import { writeFileAtomic } from '../atomic-write';

const jobFileSchema = z.object({
  jobId: z.string(),
  name: z.string(),
  paths: z.array(z.string()),
  preset: z.enum(SIZE_NAMES).optional(),
  baseModelId: z.string().nullable(),
  startedAt: z.string(),
});
export type JobFile = z.infer<typeof jobFileSchema>;

const JOB_FILE = 'job.json';

export class JobStore {
  constructor(readonly jobsDir: string) {}

  /** A job's folder; the id comes from the renderer, so it may name nothing but a job. */
  dirOf(jobId: string): string {
    if (!/^[A-Za-z0-9-]+$/.test(jobId)) throw new AppError('BAD_REQUEST', 'Not a job id.');
    return join(this.jobsDir, jobId);
  }

  /** The ids of the jobs on disk (none when the folder does not exist yet). */
  async ids(): Promise<string[]> {
    return fs.readdir(this.jobsDir).catch(() => []);
  }

  /** Where the job's model (and its checkpoints) are written. */
  modelDir(jobId: string): string {
    return join(this.dirOf(jobId), 'model');
  }

  /** Whether the job reached a checkpoint it can resume from. */
  async hasCheckpoint(jobId: string): Promise<boolean> {
    return fs
      .access(join(this.modelDir(jobId), STATE_JSON))
      .then(() => true)
      .catch(() => false);
  }

  async read(jobId: string): Promise<JobFile> {
    return jobFileSchema.parse(JSON.parse(await fs.readFile(join(this.dirOf(jobId), JOB_FILE), 'utf8')));
  }

  async write(file: JobFile): Promise<void> {
    await writeFileAtomic(join(this.dirOf(file.jobId), JOB_FILE), JSON.stringify(file, null, 2));
  }

  async remove(jobId: string): Promise<void> {
    await fs.rm(this.dirOf(jobId), { recursive: true, force: true });
  }
}

/** A job as the renderer sees it, before any progress. */
export function jobFromFile(file: JobFile): TrainingJob {
  return {
    jobId: file.jobId,
    name: file.name,
    state: 'running',
    startedAt: file.startedAt,
    progress: null,
    history: [],
    samples: [],
    corpus: null,
    error: null,
  };
}
