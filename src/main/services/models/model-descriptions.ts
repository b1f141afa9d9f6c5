/**
 * What the library shows of each model, remembered: listing the models
 * (which the renderer asks for often) parses a penwright.json only when it
 * changed since (its file identity, size and times), and one too large to
 * parse quickly (MAX_META_ON_MAIN_BYTES) is parsed in the model files' thread.
 */
import { promises as fs, type Stats } from 'node:fs';
import { join } from 'node:path';
import { META_JSON, readModelMeta } from '../../../model/storage/persistence';
import { describeModel, MAX_META_ON_MAIN_BYTES, type ModelDescription } from './model-description';

const signature = (s: Stats) => `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;

export class ModelDescriptions {
  private readonly known = new Map<string, { signature: string; description: ModelDescription }>();

  constructor(private readonly inThread: (dir: string) => Promise<ModelDescription>) {}

  async of(dir: string): Promise<ModelDescription> {
    const stat = await fs.stat(join(dir, META_JSON)).catch(() => null);
    // missing: the loader recovers an interrupted save, or says what is wrong
    if (!stat) return describeModel(await readModelMeta(dir));
    const known = this.known.get(dir);
    if (known?.signature === signature(stat)) return known.description;
    const description =
      stat.size <= MAX_META_ON_MAIN_BYTES ? describeModel(await readModelMeta(dir)) : await this.inThread(dir);
    this.known.set(dir, { signature: signature(stat), description });
    return description;
  }

  /** A description computed elsewhere (an import's, in the thread), for the file now in `dir`. */
  async remember(dir: string, description: ModelDescription): Promise<void> {
    const stat = await fs.stat(join(dir, META_JSON)).catch(() => null);
    if (stat) this.known.set(dir, { signature: signature(stat), description });
  }
}
