/**
 * Where settings, models, recovery files and training jobs live. Chromium's
 * own `--user-data-dir=<folder>` switch moves all of it: a portable install, a
 * second profile, or an end-to-end test that must never touch the writer's real
 * files. Applied before the single-instance lock, which lives in that folder,
 * so a test instance and the writer's own Penwright do not collide.
 */
import { isAbsolute, resolve } from 'node:path';

/** The folder named by the switch's value, or undefined when it is not given. */
export function userDataOverride(switchValue: string, cwd: string): string | undefined {
  const value = switchValue.trim();
  if (!value) return undefined;
  return isAbsolute(value) ? value : resolve(cwd, value);
}
