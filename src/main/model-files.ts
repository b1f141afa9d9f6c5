/**
 * `.penwright` model archives handed to the app by the system: double-clicked
 * in a file manager, dropped on the dock icon, or named on the command line.
 * macOS sends them as 'open-file' events (from before 'ready'); Windows and
 * Linux start the app with the path in argv, or pass that argv to the running
 * instance through 'second-instance'.
 */
import { extname, isAbsolute, resolve } from 'node:path';
import { ARCHIVE_EXTENSION } from './services/model-archive';

/** The model archives named in a command line, as absolute paths (relative ones against `cwd`). */
export function modelFilesInArgv(argv: readonly string[], cwd: string): string[] {
  // argv[0] is the executable (and argv[1] the app folder when run unpackaged); switches start with '-'
  return argv
    .slice(1)
    .filter((arg) => !arg.startsWith('-') && extname(arg).toLowerCase() === ARCHIVE_EXTENSION)
    .map((arg) => (isAbsolute(arg) ? arg : resolve(cwd, arg)));
}

/**
 * Holds paths that arrive before the app can import them (macOS sends
 * 'open-file' before 'ready'), then hands each to the importer in order, one
 * at a time, so two files opened together do not race.
 */
export class ModelFileQueue {
  private pending: string[] = [];
  private importer: ((path: string) => Promise<void>) | undefined;
  private running: Promise<void> = Promise.resolve();

  add(paths: readonly string[]): void {
    this.pending.push(...paths);
    this.drain();
  }

  /** Called once the app is ready to import. */
  start(importer: (path: string) => Promise<void>): void {
    this.importer = importer;
    this.drain();
  }

  /** Resolves when every path added so far has been handled. */
  idle(): Promise<void> {
    return this.running;
  }

  private drain(): void {
    const importer = this.importer;
    if (!importer) return;
    const paths = this.pending.splice(0);
    for (const path of paths) this.running = this.running.then(() => importer(path)).catch(() => undefined);
  }
}
