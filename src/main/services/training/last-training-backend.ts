/**
 * What the app says trains on this computer: the last measurement the
 * training worker cached (training-backend.ts). Read as data, never measured
 * or validated against the kernel here, so the main process neither loads the
 * native kernel nor spends time on it at startup; the worker re-measures when
 * the machine changed.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { TrainingBackendInfo } from '../../../shared/ipc-contract';

const cachedChoice = z.object({
  label: z.string().max(100),
  reason: z.string().max(1000),
  measuredAt: z.string().max(100).nullable(),
});

export async function lastTrainingBackend(cacheFile: string): Promise<TrainingBackendInfo | null> {
  try {
    const parsed = cachedChoice.safeParse(JSON.parse(await readFile(cacheFile, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // not measured yet, or unreadable: the next training measures again
  }
}
