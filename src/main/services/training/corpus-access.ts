/**
 * Which files and folders the renderer may have read for training: only those
 * the writer handed over, through the open dialog (main shows it and records
 * the answer) or by dropping them on the window (the preload turns each
 * dropped File into its path with webUtils.getPathForFile and sends them on a
 * channel of their own; web content cannot make a File for a path the user
 * did not give it). Script in the page cannot name a path: a path it sends
 * on the corpus channels is refused. A compromised renderer process, which
 * can call the drop channel itself, could still have any existing path
 * granted through it: closing that needs main to see the drop (a native
 * confirmation, or main handling the drop event), not yet done (issue 11).
 */
import { promises as fs } from 'node:fs';
import { resolve } from 'node:path';
import { AppError } from '../app-error';

/** Paths remembered at most (the oldest are forgotten first). */
const MAX_GRANTS = 10_000;

export class CorpusGrants {
  private readonly granted = new Set<string>();

  /** Records paths the writer chose in the dialog. */
  grant(paths: string[]): string[] {
    for (const p of paths) {
      const key = resolve(p);
      this.granted.delete(key);
      this.granted.add(key);
      if (this.granted.size > MAX_GRANTS) this.granted.delete(this.granted.values().next().value!);
    }
    return paths;
  }

  /** Records dropped paths that exist; answers those. */
  async grantDropped(paths: string[]): Promise<string[]> {
    const present: string[] = [];
    for (const p of paths) {
      if (
        await fs.lstat(p).then(
          () => true,
          () => false,
        )
      )
        present.push(p);
    }
    return this.grant(present);
  }

  /** Refuses unless every path was handed over by the writer. */
  check(paths: string[]): void {
    for (const p of paths) {
      if (!this.granted.has(resolve(p))) {
        throw new AppError(
          'FORBIDDEN',
          'Penwright reads only the files and folders you add (with Add files…, Add a folder… or by dropping them on the window).',
        );
      }
    }
  }
}
