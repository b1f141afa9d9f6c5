/**
 * `.penwright` model archives handed to the app by the system: double-clicked
 * in a file manager, dropped on the dock icon, or named on the command line.
 * macOS sends them as 'open-file' events (from before 'ready'); Windows and
 * Linux start the app with the path in argv, or pass that argv to the running
 * instance through 'second-instance'.
 */
import { extname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARCHIVE_EXTENSION } from './services/models/model-archive';

/**
 * The model archives named in a command line, as absolute paths: relative
 * ones against `cwd`, and file:// URIs (GNOME's file managers pass the
 * desktop entry's %U that way, percent-encoded) as the paths they name.
 */
export function modelFilesInArgv(argv: readonly string[], cwd: string): string[] {
  // argv[0] is the executable (and argv[1] the app folder when run unpackaged); switches start with '-'
  const paths: string[] = [];
  for (const arg of argv.slice(1)) {
    if (arg.startsWith('-')) continue;
    let path: string;
    if (/^file:/i.test(arg)) {
      try {
        path = fileURLToPath(arg);
      } catch {
        continue; // a file URI of another host: not ours to open
      }
    } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) {
      continue; // another scheme (sftp://, smb://): nothing on this disk
    } else {
      path = isAbsolute(arg) ? arg : resolve(cwd, arg);
    }
    if (extname(path).toLowerCase() === ARCHIVE_EXTENSION) paths.push(path);
  }
  return paths;
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
