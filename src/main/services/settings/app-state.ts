/** What the app remembers between runs besides settings: window bounds and recent files. */
import { z } from 'zod';

export const appStateSchema = z.object({
  window: z
    .object({
      x: z.number().int().optional(),
      y: z.number().int().optional(),
      width: z.number().int().min(400).max(20000),
      height: z.number().int().min(300).max(20000),
      maximized: z.boolean().default(false),
    })
    .default({ width: 1100, height: 780, maximized: false }),
  recentFiles: z.array(z.string().max(4096)).max(20).default([]),
  /** Training characters/s last measured on this computer, by preset: the training panel's time estimates. */
  trainingSpeed: z
    .object({
      S: z.number().positive().optional(),
      M: z.number().positive().optional(),
      L: z.number().positive().optional(),
    })
    .default({}),
});
export type AppState = z.infer<typeof appStateSchema>;

export const MAX_RECENT = 10;

export function withRecent(recent: string[], path: string): string[] {
  return [path, ...recent.filter((p) => p !== path)].slice(0, MAX_RECENT);
}
