/**
 * Background work gives way to the writer. A training run or the document's
 * adaptation runs in worker threads beside main's (and the window's) event
 * loop; on two busy cores the scheduler shares time equally between them, so
 * a keystroke's ghost text could wait behind a gradient step. Lowering the
 * background threads' priority (a nice value of 10) lets the writer's work go
 * first while the background still uses every idle moment.
 *
 * Linux keeps a nice value per thread (setpriority on id 0 changes only the
 * calling thread), and threads a thread starts inherit its value, so a worker
 * that lowers itself first lowers its helper threads too, and main is
 * untouched. On macOS and Windows the same call would lower the whole
 * process, the writer's thread included, so there it does nothing.
 */
import os from 'node:os';

/** How far background threads step back (0: not at all; 19 the furthest). */
export const BACKGROUND_NICE = 10;

/**
 * Lowers the calling thread's priority to `nice` (default: BACKGROUND_NICE, or
 * the PENWRIGHT_BACKGROUND_NICE environment variable, which the test suite
 * sets to 0 so that its timings do not depend on it). Returns the thread's
 * nice value afterwards, or null where it was left alone (not Linux, or not
 * allowed).
 */
export function lowerThreadPriority(nice = backgroundNice()): number | null {
  if (process.platform !== 'linux' || nice <= 0) return null;
  try {
    // never raise it: a thread already further back stays there
    if (os.getPriority(0) < nice) os.setPriority(0, nice);
    return os.getPriority(0);
  } catch {
    return null;
  }
}

function backgroundNice(): number {
  const fromEnv = Number(process.env.PENWRIGHT_BACKGROUND_NICE);
  return Number.isInteger(fromEnv) && fromEnv >= 0 && fromEnv <= 19 ? fromEnv : BACKGROUND_NICE;
}
